// `nx g @org/docker:dockerfile --project=<p>`: a hardened multi-stage Dockerfile and a
// deny-by-default .dockerignore for an existing project. The service generator uses the
// same function, so every generated service has exactly this Dockerfile.
import { join, posix } from 'node:path';
import { generateFiles, logger, readProjectConfiguration, type Tree } from '../../utils/devkit';
import { resolveDigest } from '../../core/digests';
import {
  CUDA_IMAGE,
  denoImportMap,
  denyByDefaultIgnore,
  detectEntry,
  detectRuntime,
  RUNTIME_DEFAULTS,
  RUNTIMES,
  sourcesFor,
  type Runtime,
} from '../../core/runtime';
import type { DockerfileGeneratorSchema } from './schema';

export const UID = 10001;
const RELOADER = 'reload.py';

export interface DockerfileSpec {
  projectRoot: string;
  name: string;
  runtime: Runtime;
  entry: string;
  port: number;
  gpu: boolean;
  baseImage: string;
  cudaImage: string;
  systemPackages: string[];
  pinDigests: boolean;
  syntax: boolean;
  /** Python: build FROM this workspace base image (made by `nx g @org/docker:base-image`) instead of `baseImage`. */
  fromBase?: string;
  /** Python: library packages copied in from named build contexts (`COPY --from=<context> <package>/`). */
  libs?: Array<{ context: string; package: string }>;
}

export function splitPackages(value: string | string[] | undefined): string[] {
  const list = Array.isArray(value) ? value : (value ?? '').split(/[\s,]+/);
  const bad = list.filter((p) => p && !/^[a-z0-9][a-z0-9+.-]*(=[A-Za-z0-9.+:~-]+)?$/.test(p));
  if (bad.length) throw new Error(`systemPackages: ${bad.map((b) => `"${b}"`).join(', ')} is not a Debian package name (e.g. ffmpeg, libpq5=15.*).`);
  return list.filter(Boolean);
}

export function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`port: ${port} is not a TCP port (1-65535).`);
}

async function pin(image: string): Promise<string> {
  const r = await resolveDigest(image);
  if ('pinned' in r) {
    logger.info(`Pinned ${image} to ${r.pinned}.`);
    return r.pinned;
  }
  logger.warn(
    `Could not resolve the digest of ${image} (registry not reachable? ${r.error}). Kept the tag; run again with --pinDigests --force when the registry is reachable.`,
  );
  return image;
}

/** Writes the Dockerfile (and the Python reloader) and the .dockerignore for a resolved spec. */
export async function writeDockerfile(tree: Tree, spec: DockerfileSpec): Promise<void> {
  if (spec.runtime !== 'python' && (spec.fromBase || spec.libs?.length)) {
    throw new Error(
      `--base and --lib are for Python services (a base image made by nx g @org/docker:base-image, a Python package); ${spec.name} is ${spec.runtime}.`,
    );
  }
  const d = RUNTIME_DEFAULTS[spec.runtime];
  const exists = (f: string) => tree.exists(posix.join(spec.projectRoot, f));
  const base = spec.runtime === 'deno' && !exists('deno.json') && exists('deno.jsonc') ? ['deno.jsonc', 'deno.lock'] : d.manifests;
  // A Deno import map is read by the install: copied with the manifests, it is an input too.
  const importMap = spec.runtime === 'deno' ? denoImportMap(tree.read(posix.join(spec.projectRoot, base[0]), 'utf-8') ?? undefined) : undefined;
  const manifests = importMap && exists(importMap) ? [...base, importMap] : base;
  for (const m of manifests.filter((f) => !exists(f))) {
    logger.warn(
      `${posix.join(spec.projectRoot, m)} does not exist; the image's dependency install needs it (create it with your package manager, e.g. npm install / deno install).`,
    );
  }
  const devManifest = d.devManifest && exists(d.devManifest) ? d.devManifest : undefined;
  const sources = sourcesFor(spec.entry);
  const vars = {
    name: spec.name,
    entry: spec.entry,
    port: spec.port,
    gpu: spec.gpu,
    uid: UID,
    syntax: spec.syntax,
    manifests,
    devManifest,
    sources,
    reloader: RELOADER,
    aptPackages: [...new Set([...d.aptPackages, ...spec.systemPackages])],
    baseImage: spec.pinDigests ? await pin(spec.baseImage) : spec.baseImage,
    cudaImage: spec.gpu && spec.pinDigests ? await pin(spec.cudaImage) : spec.cudaImage,
    fromBase: spec.fromBase,
    libs: spec.libs ?? [],
    tmpl: '',
  };
  generateFiles(tree, join(__dirname, 'files', spec.runtime), spec.projectRoot, vars);
  const allowed = [...manifests, ...(devManifest ? [devManifest] : []), ...(spec.runtime === 'python' ? [RELOADER] : []), ...sources];
  tree.write(posix.join(spec.projectRoot, '.dockerignore'), denyByDefaultIgnore(allowed));
}

export async function dockerfileGenerator(tree: Tree, options: DockerfileGeneratorSchema): Promise<void> {
  const project = readProjectConfiguration(tree, options.project);
  const root = project.root;
  const exists = (f: string) => tree.exists(posix.join(root, f));
  for (const f of ['Dockerfile', '.dockerignore']) {
    if (exists(f) && !options.force) {
      throw new Error(`${posix.join(root, f)} already exists; pass --force to overwrite it (git keeps your version).`);
    }
  }
  const runtime = options.runtime ?? detectRuntime(exists);
  if (!runtime || !RUNTIMES.includes(runtime)) {
    throw new Error(
      `Cannot tell the runtime of ${options.project} (${root}): no deno.json, package.json, requirements.txt or pyproject.toml. Pass --runtime=python|node|deno.`,
    );
  }
  const declared =
    runtime === 'node' && exists('package.json')
      ? (JSON.parse(tree.read(posix.join(root, 'package.json'), 'utf-8') ?? '{}') as { main?: string }).main
      : undefined;
  const entry = options.entry ?? detectEntry(runtime, exists, declared?.replace(/^\.\//, ''));
  if (!entry) throw new Error(`Cannot find the entry point of ${options.project} in ${root}; pass --entry=<file relative to ${root}>.`);
  if (!exists(entry)) throw new Error(`${posix.join(root, entry)} does not exist; --entry is relative to the project root.`);
  const d = RUNTIME_DEFAULTS[runtime];
  const port = options.port ?? d.port;
  checkPort(port);
  await writeDockerfile(tree, {
    projectRoot: root,
    name: options.project,
    runtime,
    entry,
    port,
    gpu: options.gpu ?? false,
    baseImage: options.baseImage ?? d.baseImage,
    cudaImage: options.cudaImage ?? CUDA_IMAGE,
    systemPackages: splitPackages(options.systemPackages),
    pinDigests: options.pinDigests ?? false,
    syntax: options.syntax ?? false,
  });
  if (runtime === 'python' && !exists(RELOADER)) logger.info(`Added ${posix.join(root, RELOADER)}, the development stage's reloading runner.`);
}

export default dockerfileGenerator;
