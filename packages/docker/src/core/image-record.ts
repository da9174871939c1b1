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

export function imageRecordPath(outputDir: string): string {
  return join(outputDir, IMAGE_RECORD);
}

export function writeImageRecord(outputDir: string, record: ImageRecord): string {
  const file = imageRecordPath(outputDir);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(tmp, file);
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
}
