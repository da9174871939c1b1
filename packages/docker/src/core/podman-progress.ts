// Podman's build output, read into the same statistics as BuildKit's rawjson progress: each
// `[stage/stages] STEP n/m: INSTRUCTION` (no stage prefix for a one-stage file) is a step,
// executed unless Podman follows it with `--> Using cache <id>`.
// Timing is per line arrival: Podman prints no timestamps.
import type { BuildStats, Step } from './progress';

const STEP = /^(?:\[(\d+)\/\d+\] )?STEP (\d+)\/(\d+): (.*)$/;
const CACHED = /^--> Using cache ([0-9a-f]{12,64})/;
const ERROR = /^Error: (.*)$/;

export class PodmanProgress {
  private readonly steps: Step[] = [];
  private readonly errors: string[] = [];
  private current?: { step: Step; startedMs: number };

  constructor(private readonly now: () => number = Date.now) {}

  /** One output line; returns the lines to show (Podman's own, unchanged). */
  line(text: string): string[] {
    const step = STEP.exec(text);
    if (step) {
      this.finish();
      const name = `[stage-${step[1] ?? '1'} ${step[2]}/${step[3]}] ${step[4]}`;
      this.current = { step: { digest: name, name, cached: false, seconds: 0 }, startedMs: this.now() };
    } else if (CACHED.test(text) && this.current) {
      this.current.step.cached = true;
    } else if (ERROR.test(text)) {
      this.errors.push(ERROR.exec(text)?.[1] ?? text);
      if (this.current) this.current.step.error = this.errors[this.errors.length - 1];
    }
    return [text];
  }

  private finish(): void {
    if (!this.current) return;
    this.current.step.seconds = (this.now() - this.current.startedMs) / 1000;
    this.steps.push(this.current.step);
    this.current = undefined;
  }

  stats(): BuildStats {
    this.finish();
    const cached = this.steps.filter((s) => s.cached).length;
    return { steps: [...this.steps], cached, executed: this.steps.length - cached, contextBytes: 0, errors: [...this.errors] };
  }
}
