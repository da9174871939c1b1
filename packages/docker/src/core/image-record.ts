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
 * The content tag alone, beside image.json. Audits hash this file, not image.json: they depend
 * on which build the image is (its Nx hash), not on when or how long it took, so an image found
 * in the registry or restored from any cache hashes the same.
 */
export const IMAGE_REF = 'image.ref';
/** Every file a docker-build writes to its outputs. */
export const IMAGE_OUTPUTS = [IMAGE_RECORD, IMAGE_REF] as const;

export function imageRecordPath(outputDir: string): string {
  return join(outputDir, IMAGE_RECORD);
}

/** The image exists, but its record could not be written (disk full, a path that is a file...). */
export class RecordWriteError extends Error {
  override name = 'RecordWriteError';
}

export function writeImageRecord(outputDir: string, record: ImageRecord): string {
  const file = imageRecordPath(outputDir);
  const write = (path: string, text: string) => {
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, text);
      renameSync(tmp, path);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
  };
  try {
    mkdirSync(dirname(file), { recursive: true });
    write(join(outputDir, IMAGE_REF), `${record.contentTag}\n`);
    write(file, `${JSON.stringify(record, null, 2)}\n`);
  } catch (e) {
    // Never half a record: a reader must not find image.ref without image.json.
    for (const name of [IMAGE_REF, IMAGE_RECORD]) {
      try {
        rmSync(join(outputDir, name), { force: true });
      } catch {
        // not a file we wrote (or the directory itself is unusable): nothing of ours to remove
      }
    }
    throw new RecordWriteError(
      `${record.contentTag} was built and is in the engine${record.pushed ? ' and the registry' : ''}, but its record could not be written to ${file} ` +
        `(${(e as Error).message}). Nothing records it: free the space or fix the path, then run the target again (BuildKit's cache makes it quick).`,
    );
  }
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
