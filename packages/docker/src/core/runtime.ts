// Service runtimes: how to recognise a project's runtime from its files, and each
// runtime's defaults for a generated Dockerfile (base image, manifests, entry point, port).

export type Runtime = 'python' | 'node' | 'deno';
export const RUNTIMES: readonly Runtime[] = ['python', 'node', 'deno'];

export interface RuntimeDefaults {
  baseImage: string;
  /** The manifest first (the install reads it), then the lockfile. */
  manifests: string[];
  devManifest?: string;
  entry: string;
  port: number;
  /** System packages every image of this runtime needs (tini runs as PID 1). */
  aptPackages: string[];
}

export const CUDA_IMAGE = 'nvidia/cuda:12.4.1-runtime-ubuntu22.04';

export const RUNTIME_DEFAULTS: Record<Runtime, RuntimeDefaults> = {
  python: {
    baseImage: 'python:3.12-slim',
    manifests: ['requirements.txt'],
    devManifest: 'requirements-dev.txt',
    entry: 'src/main.py',
    port: 8000,
    aptPackages: ['tini', 'ca-certificates'],
  },
  node: {
    baseImage: 'node:22-bookworm-slim',
    manifests: ['package.json', 'package-lock.json'],
    entry: 'src/main.mjs',
    port: 3000,
    aptPackages: ['tini', 'ca-certificates'],
  },
  deno: {
    baseImage: 'denoland/deno:2.5.6',
    manifests: ['deno.json', 'deno.lock'],
    entry: 'src/main.ts',
    port: 8000,
    aptPackages: ['tini', 'ca-certificates'],
  },
};

/**
 * The runtime a project's files say it uses. Deno first: a Deno project may also carry a
 * package.json (npm compatibility), while a Node project never has a deno.json.
 */
export function detectRuntime(exists: (file: string) => boolean): Runtime | undefined {
  if (exists('deno.json') || exists('deno.jsonc')) return 'deno';
  if (exists('package.json')) return 'node';
  if (exists('requirements.txt') || exists('pyproject.toml') || exists('setup.py')) return 'python';
  return undefined;
}

/** The entry point of an existing project: the first of the usual places that exists. */
export function detectEntry(runtime: Runtime, exists: (file: string) => boolean, declared?: string): string | undefined {
  if (declared && exists(declared)) return declared;
  const candidates: Record<Runtime, string[]> = {
    python: ['src/main.py', 'app/main.py', 'main.py', 'app.py', 'src/app.py'],
    node: ['src/main.mjs', 'src/main.js', 'src/index.js', 'src/index.mjs', 'index.js', 'main.js', 'server.js'],
    deno: ['src/main.ts', 'main.ts', 'mod.ts', 'src/mod.ts'],
  };
  return candidates[runtime].find(exists);
}

/** What the image copies of the application: the entry's top-level directory, or the entry file itself. */
export function sourcesFor(entry: string): string[] {
  const top = entry.split('/')[0];
  return [top === entry ? entry : `${top}/`];
}

/** A `.dockerignore` that denies everything, then allows exactly what the Dockerfile copies. */
export function denyByDefaultIgnore(allowed: string[]): string {
  return [
    '# Deny by default, then allow only what the Dockerfile copies: nothing else reaches the',
    '# build context (no .git, node_modules, virtualenvs, secrets, editor files).',
    '*',
    ...allowed.map((a) => `!${a}`),
    '# Never, even inside an allowed directory.',
    '**/__pycache__',
    '**/*.pyc',
    '**/node_modules',
    '**/.env',
    '**/.env.*',
    '',
  ].join('\n');
}

/**
 * The import map a deno.json / deno.jsonc names (`"importMap": "./import_map.json"`), relative
 * to the project; the install step reads it, so the image copies it with the manifests.
 */
export function denoImportMap(configText: string | undefined): string | undefined {
  if (!configText) return undefined;
  try {
    // deno.jsonc may carry comments; strip them outside strings well enough for this one key.
    const json = JSON.parse(configText.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_m, str: string | undefined) => str ?? '')) as {
      importMap?: unknown;
    };
    return typeof json.importMap === 'string' && !/^[a-z]+:/i.test(json.importMap) ? json.importMap.replace(/^\.\//, '') : undefined;
  } catch {
    return undefined;
  }
}
