import { existsSync } from 'node:fs';
import { superviseBuild } from './build-supervision';

function fakeChild() {
  const signals: string[] = [];
  return { signals, kill: (s?: NodeJS.Signals) => void signals.push(s ?? 'SIGTERM') };
}

describe('build supervision (shared by buildx and Podman builds)', () => {
  it('a timeout stops the child with SIGTERM and says so', async () => {
    const run = superviseBuild('org-docker-test-', 0.05);
    const child = fakeChild();
    run.watch(child);
    await new Promise((done) => setTimeout(done, 120));
    expect({ signals: child.signals, timedOut: run.timedOut, interrupted: run.interrupted }).toEqual({
      signals: ['SIGTERM'],
      timedOut: true,
      interrupted: true,
    });
    // A timeout keeps the build's files until the build has ended.
    expect(existsSync(run.temp)).toBe(true);
    run.end();
    expect(existsSync(run.temp)).toBe(false);
  });

  it('Ctrl-C reaches the child watched last (a push after its build) and removes the temp dir at once; end() removes the handlers', () => {
    const before = process.listenerCount('SIGINT');
    const run = superviseBuild('org-docker-test-');
    const build = fakeChild();
    const push = fakeChild();
    run.watch(build);
    run.watch(push);
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    process.emit('SIGINT');
    expect({ build: build.signals, push: push.signals, interrupted: run.interrupted, timedOut: run.timedOut }).toEqual({
      build: [],
      push: ['SIGINT'],
      interrupted: true,
      timedOut: false,
    });
    // Not after the build has stopped: Nx kills the process 5 s after the signal, and no exit handler runs then.
    expect(existsSync(run.temp)).toBe(false);
    run.end();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});
