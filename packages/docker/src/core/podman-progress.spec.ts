import { PodmanProgress } from './podman-progress';

describe("Podman's build output as build statistics", () => {
  it('a one-stage file has no stage prefix', () => {
    const progress = new PodmanProgress();
    for (const line of ['STEP 1/2: FROM scratch', 'STEP 2/2: COPY a /a', '--> Using cache 5c2cf416a59188e3114f7abefce5add7f42ce86bb70d58edb73027ae1cfce9dc'])
      progress.line(line);
    expect(progress.stats().steps.map((s) => [s.name, s.cached])).toEqual([
      ['[stage-1 1/2] FROM scratch', false],
      ['[stage-1 2/2] COPY a /a', true],
    ]);
  });

  it('steps per stage, cached when Podman reuses a layer, executed otherwise; errors kept', () => {
    // Recorded from `podman build` 4.3.1 on these machines: a two-stage file, built again with the first stage cached.
    const output = [
      '[1/2] STEP 1/2: FROM debian:bookworm-slim AS deps',
      '[1/2] STEP 2/2: RUN echo one > /one',
      '--> Using cache b3795468f88e5be69a66430f3c3b74f26ef2ad1e1f8fb7ce12880af108c7fcf7',
      '--> b3795468f88',
      '[2/2] STEP 1/3: FROM b3795468f88e5be69a66430f3c3b74f26ef2ad1e1f8fb7ce12880af108c7fcf7',
      '[2/2] STEP 2/3: COPY a /a',
      '--> 1c876c906d6',
      '[2/2] STEP 3/3: RUN false',
      'Error: building at STEP "RUN false": while running runtime: exit status 1',
    ];
    let t = 0;
    const progress = new PodmanProgress(() => (t += 1000));
    for (const line of output) expect(progress.line(line)).toEqual([line]);
    const stats = progress.stats();
    expect(stats.steps.map((s) => `${s.name} ${s.cached ? 'cached' : 'ran'}`)).toEqual([
      '[stage-1 1/2] FROM debian:bookworm-slim AS deps ran',
      '[stage-1 2/2] RUN echo one > /one cached',
      '[stage-2 1/3] FROM b3795468f88e5be69a66430f3c3b74f26ef2ad1e1f8fb7ce12880af108c7fcf7 ran',
      '[stage-2 2/3] COPY a /a ran',
      '[stage-2 3/3] RUN false ran',
    ]);
    expect([stats.cached, stats.executed]).toEqual([1, 4]);
    expect(stats.errors).toEqual(['building at STEP "RUN false": while running runtime: exit status 1']);
    expect(stats.steps[4].error).toContain('exit status 1');
  });
});
