// Inference results keyed by a hash of everything they depend on (Dockerfile, ignore
// files, project.json, options), kept in Nx's workspace data directory between runs.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { workspaceDataDirectory } from 'nx/src/utils/cache-directory';

export class InferenceCache<T> {
  private readonly file: string;
  private entries: Record<string, T> = {};
  private used = new Set<string>();
  private dirty = false;

  constructor(name: string, directory: string = workspaceDataDirectory) {
    this.file = join(directory, name);
    try {
      if (existsSync(this.file)) this.entries = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, T>;
    } catch {
      this.entries = {}; // a corrupt cache is just a cold cache
    }
  }

  get(key: string): T | undefined {
    this.used.add(key);
    return this.entries[key];
  }

  set(key: string, value: T): void {
    this.used.add(key);
    this.entries[key] = value;
    this.dirty = true;
  }

  /** Writes the entries used in this run (dropping stale ones), atomically. */
  save(): void {
    const kept = Object.fromEntries(Object.entries(this.entries).filter(([k]) => this.used.has(k)));
    if (!this.dirty && Object.keys(kept).length === Object.keys(this.entries).length) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(kept));
      renameSync(tmp, this.file);
    } catch {
      // the cache is an optimisation; inference still works without it
    }
  }
}
