// BuildKit's `--progress=rawjson` stream: concatenated SolveStatus JSON objects. We parse
// it to count cached versus executed steps, time each step and measure the context
// sent, and render it as readable lines, so users still see the build as it runs.

export interface Step {
  digest: string;
  name: string;
  started?: string;
  completed?: string;
  cached: boolean;
  error?: string;
  /** Seconds between started and completed. */
  seconds: number;
}

export interface BuildStats {
  /** Dockerfile steps (`[stage n/m] ...`), in the order BuildKit reported them. */
  steps: Step[];
  cached: number;
  executed: number;
  /** Bytes of build context transferred (`transferring context`). */
  contextBytes: number;
  errors: string[];
}

interface RawVertex {
  digest: string;
  name?: string;
  started?: string;
  completed?: string;
  cached?: boolean;
  error?: string;
}
interface RawStatus {
  id: string;
  vertex: string;
  current?: number;
}
interface RawLog {
  vertex: string;
  data?: string;
}
interface SolveStatus {
  vertexes?: RawVertex[];
  statuses?: RawStatus[];
  logs?: RawLog[];
}

const STEP = /^\[(?:[^\]\s]+ )?\d+\/\d+\]/;

/**
 * Splits a stream of concatenated JSON objects; feed it chunks, get whole objects back,
 * plus any text between objects (buildx prints its final error that way).
 */
export class JsonObjectSplitter {
  private pending = '';
  private depth = 0;
  private inString = false;
  private escaped = false;

  push(chunk: string): { objects: unknown[]; text: string } {
    const objects: unknown[] = [];
    let text = '';
    for (const c of chunk) {
      if (this.depth === 0) {
        if (c === '{') {
          this.depth = 1;
          this.pending = c;
        } else text += c;
        continue;
      }
      this.pending += c;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
      } else if (c === '"') this.inString = true;
      else if (c === '{') this.depth++;
      else if (c === '}' && --this.depth === 0) {
        try {
          objects.push(JSON.parse(this.pending));
        } catch {
          text += this.pending;
        }
        this.pending = '';
      }
    }
    return { objects, text };
  }
}

function seconds(from?: string, to?: string): number {
  if (!from || !to) return 0;
  return Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
}

/** Accumulates SolveStatus objects into step statistics and readable lines. */
export class ProgressTracker {
  private vertices = new Map<string, RawVertex>();
  private numbers = new Map<string, number>();
  private contextBytes = 0;

  /** Returns the human-readable lines for this status update. */
  update(status: SolveStatus): string[] {
    const lines: string[] = [];
    for (const v of status.vertexes ?? []) {
      const prev = this.vertices.get(v.digest);
      const merged = { ...prev, ...v };
      this.vertices.set(v.digest, merged);
      // Number steps as they start, like BuildKit's plain output.
      if (!this.numbers.has(v.digest) && (merged.started || merged.cached)) {
        this.numbers.set(v.digest, this.numbers.size + 1);
        lines.push(`#${this.numbers.size} ${merged.name ?? ''}`);
      }
      const n = this.numbers.get(v.digest);
      if (n === undefined) continue;
      if (v.error && !prev?.error) lines.push(`#${n} ERROR: ${v.error}`);
      else if (v.cached && !prev?.cached) lines.push(`#${n} CACHED`);
      else if (v.completed && !prev?.completed && !merged.cached) lines.push(`#${n} DONE ${seconds(merged.started, v.completed).toFixed(1)}s`);
    }
    for (const s of status.statuses ?? []) {
      if (s.id.startsWith('transferring context') && typeof s.current === 'number') this.contextBytes = Math.max(this.contextBytes, s.current);
    }
    for (const log of status.logs ?? []) {
      const n = this.numbers.get(log.vertex) ?? 0;
      const text = log.data ? Buffer.from(log.data, 'base64').toString('utf8') : '';
      for (const l of text.split('\n')) if (l.trim()) lines.push(`#${n} ${l}`);
    }
    return lines;
  }

  stats(): BuildStats {
    const steps: Step[] = [];
    const errors: string[] = [];
    for (const v of this.vertices.values()) {
      if (v.error) errors.push(`${v.name ?? v.digest}: ${v.error}`);
      if (!v.name || !STEP.test(v.name)) continue;
      steps.push({
        digest: v.digest,
        name: v.name,
        started: v.started,
        completed: v.completed,
        cached: Boolean(v.cached),
        error: v.error,
        seconds: seconds(v.started, v.completed),
      });
    }
    const cached = steps.filter((s) => s.cached).length;
    return { steps, cached, executed: steps.length - cached, contextBytes: this.contextBytes, errors };
  }
}
