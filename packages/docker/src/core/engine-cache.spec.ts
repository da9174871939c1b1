import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineCache, engineIdentity, isPodmanShim } from './engine-cache';
import { detectEngine, type CommandResult, type EngineInfo } from './engine';

describe('the engine probe, cached across processes', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'org-docker-engine-cache-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const ok = (stdout: string): CommandResult => ({ ok: true, stdout, stderr: '' });
  const answers: Record<string, CommandResult> = {
    version: ok('26.1.5'),
    info: ok(JSON.stringify({ ServerVersion: '26.1.5', DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']] })),
    'buildx version': ok('github.com/docker/buildx v0.13.1'),
    'buildx inspect': ok('Name: default\nDriver: docker\n'),
  };
  const runner = (calls: string[][], reply: (args: string[]) => CommandResult) => async (args: string[]) => {
    calls.push(args);
    return reply(args);
  };
  const real = (args: string[]) => answers[args[0] === 'buildx' ? `buildx ${args[1]}` : args[0]];

  it('a second process asks the engine nothing while its identity is unchanged; a forgotten entry is asked again', async () => {
    const cache = new EngineCache<EngineInfo>(dir);
    const calls: string[][] = [];
    const first = await detectEngine(undefined, runner(calls, real), { cache });
    expect(calls).toHaveLength(5);
    expect(first).toMatchObject({ serverVersion: '26.1.5', driver: 'docker', containerdStore: true });
    expect(await detectEngine(undefined, runner(calls, real), { cache })).toEqual(first);
    expect(calls).toHaveLength(5);
    cache.forget(engineIdentity(undefined));
    await detectEngine(undefined, runner(calls, real), { cache });
    expect(calls).toHaveLength(10);
  });

  it('a failed probe is not kept: a missing engine or buildx says so every time, with the same message', async () => {
    const cache = new EngineCache<EngineInfo>(dir);
    const calls: string[][] = [];
    const noEngine = (args: string[]) => (args[0] === 'info' ? { ok: false, stdout: '', stderr: 'Cannot connect to the Docker daemon' } : real(args));
    const noBuildx = (args: string[]) => (args[0] === 'buildx' ? { ok: false, stdout: '', stderr: "docker: 'buildx' is not a docker command." } : real(args));
    for (let i = 0; i < 2; i++) {
      await expect(detectEngine(undefined, runner(calls, noEngine), { cache })).rejects.toThrow(
        /^No Docker engine answers \(Cannot connect to the Docker daemon\)/,
      );
      await expect(detectEngine(undefined, runner(calls, noBuildx), { cache })).rejects.toThrow(/^docker buildx is not available/);
    }
    expect(cache.get(engineIdentity(undefined))).toBeUndefined();
  });

  it('the identity changes with the daemon socket (a restart recreates it), DOCKER_HOST, the builder and the CLI context', async () => {
    const socket = join(dir, 'docker.sock');
    writeFileSync(socket, '');
    const config = join(dir, 'config');
    const env = { PATH: '', DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: config };
    const base = engineIdentity(undefined, env);
    expect(engineIdentity(undefined, env)).toBe(base);
    rmSync(socket);
    await new Promise((r) => setTimeout(r, 20)); // a restart is never in the same millisecond
    writeFileSync(socket, '');
    const restarted = engineIdentity(undefined, env);
    expect(restarted).not.toBe(base);
    expect(engineIdentity('remote', env)).not.toBe(restarted);
    expect(engineIdentity(undefined, { ...env, DOCKER_HOST: 'tcp://10.0.0.5:2376' })).not.toBe(restarted);
    writeFileSync(join(dir, 'config.json'), '');
    expect(engineIdentity(undefined, { ...env, DOCKER_CONFIG: dir })).not.toBe(restarted);
  });

  it('but not with buildx rewriting its settings unchanged, as it does on every build', async () => {
    const socket = join(dir, 'docker.sock');
    writeFileSync(socket, '');
    mkdirSync(join(dir, 'buildx'), { recursive: true });
    writeFileSync(join(dir, 'buildx', 'current'), '{"Key":"unix:///var/run/docker.sock","Name":"","Global":false}');
    const env = { PATH: '', DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: dir };
    const before = engineIdentity(undefined, env);
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(join(dir, 'buildx', 'current'), '{"Key":"unix:///var/run/docker.sock","Name":"","Global":false}');
    expect(engineIdentity(undefined, env)).toBe(before);
    writeFileSync(join(dir, 'buildx', 'current'), '{"Key":"unix:///var/run/docker.sock","Name":"remote","Global":false}');
    expect(engineIdentity(undefined, env)).not.toBe(before);
  });
});

describe('the podman-docker shim', () => {
  it('is a docker script that runs podman, or a docker linked to podman; a real docker CLI is not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'org-docker-shim-'));
    try {
      writeFileSync(join(dir, 'script'), '#!/bin/sh\n[ -e /etc/containers/nodocker ] || echo "Emulate Docker CLI using podman."\nexec /usr/bin/podman "$@"\n');
      writeFileSync(join(dir, 'podman'), '\u007fELF binary');
      symlinkSync(join(dir, 'podman'), join(dir, 'linked'));
      writeFileSync(join(dir, 'docker'), '\u007fELF the docker CLI binary');
      expect(['script', 'linked', 'docker', 'missing'].map((f) => isPodmanShim(join(dir, f)))).toEqual([true, true, false, false]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
