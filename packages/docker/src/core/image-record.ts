// `image.json`: the record of a built image that Nx caches as the docker-build output.
// It is written atomically (temp file + rename) and only after a successful build, so a
// failed or interrupted build never leaves a half-written or stale record behind.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ImageRecord {
  /** Every reference the image was tagged with; the first is the content tag. */
  references: string[];
  /** `repository:nx-<hash>`: names this exact build. */
  contentTag: string;
  imageId: string;
  /** Manifest digest when pushed to a registry. */
  digest?: string;
  platforms: string[];
  /** Bytes, as the engine reports them. */
  size: number;
  layers: number;
  created: string;
  nxHash: string;
  dockerfile: string;
  context: string;
  target?: string;
  /** Names only: values can be secrets. */
  buildArgs: string[];
  builder: string;
  durationMs: number;
  /** BuildKit steps; `ran` names the ones that executed (not cached), e.g. `[deps 2/2] RUN pip install ...`. */
  steps: { cached: number; executed: number; total: number; ran?: string[] };
  pushed: boolean;
}

export const IMAGE_RECORD = 'image.json';
/**
 * The content tag alone, beside image.json. Dependent builds hash this file, not image.json:
 * they depend on which build their upstream is (its Nx hash), not on when or how long it
 * took, so an upstream found in the registry or restored from any cache hashes the same.
 */
export const IMAGE_REF = 'image.ref';

export function imageRecordPath(outputDir: string): string {
  return join(outputDir, IMAGE_RECORD);
}

export function writeImageRecord(outputDir: string, record: ImageRecord): string {
  const file = imageRecordPath(outputDir);
  mkdirSync(dirname(file), { recursive: true });
  const write = (path: string, text: string) => {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  };
  write(join(outputDir, IMAGE_REF), `${record.contentTag}\n`);
  write(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

export function readImageRecord(outputDir: string): ImageRecord | undefined {
  try {
    return JSON.parse(readFileSync(imageRecordPath(outputDir), 'utf8')) as ImageRecord;
  } catch {
    return undefined;
  }
}

/** Drops a previous record before a build, so a failed build leaves no output behind. */
export function removeImageRecord(outputDir: string): void {
  rmSync(imageRecordPath(outputDir), { force: true });
  rmSync(join(outputDir, IMAGE_REF), { force: true });
}
