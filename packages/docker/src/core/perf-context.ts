// docker-perf's scratch space: a temporary copy of what the build context sends, where the
// code-change and dependency-change scenarios edit one file (the user's tree is never
// touched), and a copy of the Dockerfile whose cache mounts get fresh ids for cold builds.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { MANIFEST } from './analysis';

export const PERF_TEMP_PREFIX = 'org-docker-perf-';

export interface ScratchContext {
  dir: string;
  /** Context-relative files in the copy. */
  files: string[];
  remove(): void;
}

/** Copies `files` (context-relative) of `contextDir` into a fresh temp dir. */
export function copyContext(contextDir: string, files: string[]): ScratchContext {
  const dir = mkdtempSync(join(tmpdir(), PERF_TEMP_PREFIX));
  for (const f of files) {
    const to = join(dir, f);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(contextDir, f), to);
  }
  return { dir, files, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const CODE = /\.(py|js|mjs|cjs|ts|tsx|jsx|go|rb|rs|java|kt|php|sh|c|cc|cpp|h|cs|html|css|sql)$/i;
const PREFER = /(^|\/)(src|app|lib|server)\//;

/** The source file a code change edits: a code file the build reads, preferring src/-like trees; not a manifest. */
export function pickSourceFile(read: string[]): string | undefined {
  const code = read.filter((f) => CODE.test(f) && !MANIFEST.test(f)).sort((a, b) => Number(PREFER.test(b)) - Number(PREFER.test(a)) || a.localeCompare(b));
  return code[0];
}

const MANIFEST_ORDER = [
  /requirements[^/]*\.txt$/,
  /pyproject\.toml$/,
  /package\.json$/,
  /deno\.jsonc?$/,
  /Pipfile$/,
  /go\.mod$/,
  /Cargo\.toml$/,
  /Gemfile$/,
  /setup\.(py|cfg)$/,
];

/** The dependency manifest a dependency change edits: the first the build reads, by the usual install inputs. */
export function pickManifest(read: string[]): string | undefined {
  for (const pattern of MANIFEST_ORDER) {
    const hit = read.find((f) => pattern.test(f));
    if (hit) return hit;
  }
  return undefined;
}

/** `text` with one line changed the way the file's language allows: a comment, or an unused JSON key. */
export function withOneLineChange(file: string, text: string, marker: string): string {
  const name = basename(file);
  if (/\.jsonc?$/.test(name)) {
    // JSON has no comments: one extra top-level key, ignored by npm and deno.
    const at = text.indexOf('{');
    if (at >= 0) return `${text.slice(0, at + 1)}\n  "//docker-perf": "${marker}",${text.slice(at + 1)}`;
  }
  const ext = extname(name).toLowerCase();
  const comment = /\.(js|mjs|cjs|ts|tsx|jsx|go|rs|java|kt|c|cc|cpp|h|cs|php)$/.test(ext)
    ? `// ${marker}`
    : ext === '.html'
      ? `<!-- ${marker} -->`
      : ext === '.css'
        ? `/* ${marker} */`
        : ext === '.sql'
          ? `-- ${marker}`
          : `# ${marker}`;
  return `${text}${text.endsWith('\n') || !text ? '' : '\n'}${comment}\n`;
}

/** Applies a one-line change to `file` in the scratch context; returns the undo. */
export function changeFile(scratch: ScratchContext, file: string, marker: string): () => void {
  const path = join(scratch.dir, file);
  const original = readFileSync(path, 'utf8');
  writeFileSync(path, withOneLineChange(file, original, marker));
  return () => writeFileSync(path, original);
}

/**
 * A Dockerfile whose cache mounts get an id unique to `runId`, so a cold build starts with empty
 * package caches without touching the user's (BuildKit keys cache mounts by id, default the target).
 */
export function isolateCacheMounts(dockerfile: string, runId: string): string {
  return dockerfile.replace(/--mount=([^\s\\]+)/g, (whole, spec: string) => {
    const parts = spec.split(',');
    if (!parts.some((p) => p === 'type=cache')) return whole;
    const target = parts.find((p) => /^(target|dst|destination)=/.test(p))?.split('=')[1] ?? '';
    const id = `org-docker-perf-${runId}-${target.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
    const kept = parts.filter((p) => !p.startsWith('id='));
    return `--mount=${[...kept, `id=${id}`].join(',')}`;
  });
}

/** Writes `text` as a Dockerfile in `dir`, with the original's `<Dockerfile>.dockerignore` beside it. */
export function writeDockerfileCopy(dir: string, originalPath: string, text: string): string {
  const path = join(dir, `perf-${basename(originalPath)}`);
  writeFileSync(path, text);
  const ignore = `${originalPath}.dockerignore`;
  if (existsSync(ignore)) copyFileSync(ignore, `${path}.dockerignore`);
  return path;
}
