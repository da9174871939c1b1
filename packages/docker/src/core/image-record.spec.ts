import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readImageRecord, RecordWriteError, writeImageRecord, type ImageRecord } from './image-record';

const record: ImageRecord = {
  references: ['api:nx-1'],
  contentTag: 'api:nx-1',
  imageId: 'sha256:1',
  platforms: ['linux/amd64'],
  size: 1,
  layers: 1,
  created: '',
  nxHash: '1',
  dockerfile: 'apps/api/Dockerfile',
  context: 'apps/api',
  buildArgs: [],
  builder: 'default (docker)',
  durationMs: 1,
  steps: { cached: 0, executed: 1, total: 1 },
  pushed: false,
};

describe('image.json', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'org-docker-record-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is written with image.ref beside it, atomically', () => {
    writeImageRecord(join(dir, 'out'), record);
    expect(readImageRecord(join(dir, 'out'))).toEqual(record);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['image.json', 'image.ref']);
  });

  it('a failed write says the image exists unrecorded and where, and leaves no temp file or half record', () => {
    const out = join(dir, 'out');
    writeFileSync(join(dir, 'blocker'), 'a file where a directory must be');
    expect(() => writeImageRecord(join(dir, 'blocker', 'out'), record)).toThrow(RecordWriteError);
    expect(() => writeImageRecord(join(dir, 'blocker', 'out'), record)).toThrow(
      /api:nx-1 was built and is in the engine, but its record could not be written to .*blocker\/out\/image\.json/,
    );
    // A record whose second file cannot be written: image.json's place is a directory.
    const blocked = join(out, 'image.json');
    mkdirSync(join(blocked, 'x'), { recursive: true });
    expect(() => writeImageRecord(out, record)).toThrow(RecordWriteError);
    expect(existsSync(join(out, 'image.ref'))).toBe(false);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
