// A second Docker engine on this machine, for the remote-builder suite: its own socket, data
// root, exec root, containerd namespace and bridge (so it shares nothing with the first engine:
// with `--bridge=none` dockerd deletes docker0, the first engine's bridge), the classic image
// store. Reached through a docker context, as a remote build host would be. Stopped by its PID
// and removed with everything it made.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import execa from 'execa';

export class SecondEngine {
  private constructor(
    readonly dir: string,
    readonly socket: string,
    readonly context: string,
    private readonly bridge: string,
    private readonly daemon: execa.ExecaChildProcess,
  ) {}

  static async start(): Promise<SecondEngine> {
    const dir = mkdtempSync(join(tmpdir(), 'e2e-engine2-'));
    const socket = join(dir, 'docker.sock');
    const name = `e2e-engine2-${process.pid}`;
    const bridge = `e2eb2-${process.pid % 100000}`;
    await execa('ip', ['link', 'add', bridge, 'type', 'bridge']);
    await execa('ip', ['addr', 'add', `10.${200 + (process.pid % 50)}.${process.pid % 250}.1/24`, 'dev', bridge]);
    await execa('ip', ['link', 'set', bridge, 'up']);
    writeFileSync(join(dir, 'daemon.json'), '{}\n');
    const daemon = execa(
      '/usr/sbin/dockerd',
      [
        '--config-file',
        join(dir, 'daemon.json'),
        '--host',
        `unix://${socket}`,
        '--data-root',
        join(dir, 'data'),
        '--exec-root',
        join(dir, 'exec'),
        '--pidfile',
        join(dir, 'docker.pid'),
        '--bridge',
        bridge,
        '--iptables=false',
        '--ip6tables=false',
        '--containerd-namespace',
        name,
        '--containerd-plugins-namespace',
        `${name}-plugins`,
      ],
      { reject: false, all: true, buffer: false },
    );
    const log: string[] = [];
    daemon.all?.on('data', (d: Buffer) => log.push(d.toString()));
    const engine = new SecondEngine(dir, socket, name, bridge, daemon);
    for (let i = 0; i < 60; i++) {
      if ((await execa('docker', ['-H', `unix://${socket}`, 'info', '--format', '{{.ID}}'], { reject: false })).exitCode === 0) break;
      if (daemon.exitCode !== null) throw new Error(`the second dockerd exited:\n${log.join('').slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await engine.docker(['info']);
    await execa('docker', ['context', 'rm', '-f', name], { reject: false });
    await execa('docker', ['context', 'create', name, '--docker', `host=unix://${socket}`]);
    return engine;
  }

  /** A CLI call against this engine. */
  docker(args: string[], options: execa.Options = {}): execa.ExecaChildProcess {
    return execa('docker', ['-H', `unix://${this.socket}`, ...args], options);
  }

  /** Copies images from the first engine (e.g. the offline base-image stand-ins). */
  async loadFromFirst(...images: string[]): Promise<void> {
    const save = execa('docker', ['save', ...images], { buffer: false });
    await Promise.all([save, this.docker(['load', '--quiet'], { input: save.stdout ?? undefined })]);
  }

  async stop(): Promise<void> {
    await execa('docker', ['context', 'rm', '-f', this.context], { reject: false });
    let pid = 0;
    try {
      pid = Number(readFileSync(join(this.dir, 'docker.pid'), 'utf8'));
    } catch {
      pid = this.daemon.pid ?? 0;
    }
    if (pid) process.kill(pid, 'SIGTERM');
    await Promise.race([this.daemon, new Promise((r) => setTimeout(r, 20_000))]);
    await execa('ip', ['link', 'delete', this.bridge], { reject: false });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
