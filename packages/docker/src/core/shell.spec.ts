import { parseDockerfile } from './dockerfile';
import { commandsNamed, hasFlag, operands, runScript, shellFor } from './shell';

const run = (dockerfile: string) => {
  const model = parseDockerfile(`FROM debian\n${dockerfile}`);
  const stage = model.stages[0];
  const instruction = stage.instructions.filter((i) => i.keyword === 'RUN').pop()!;
  return runScript(instruction, shellFor(model, stage, instruction));
};

describe('runScript', () => {
  it('reads every simple command across && chains, subshells, loops and substitutions', () => {
    const s = run('RUN set -eux; apt-get update && (cd /tmp && for f in a b; do echo "$f"; done) && x=$(curl -fsSL https://x | sha256sum)');
    expect(s.commands.map((c) => c.name)).toEqual(['set', 'apt-get', 'cd', 'echo', 'curl', 'sha256sum']);
  });

  it('removes quotes from arguments and keeps a | inside quotes as text, not a pipe', () => {
    const s = run(`RUN sed -i "s|a|b|" /etc/x && echo 'x | y'`);
    expect(s.pipelines).toEqual([]);
    expect(commandsNamed(s, 'sed')[0].args).toEqual(['-i', 's|a|b|', '/etc/x']);
  });

  it('records pipelines, their stages, and whether pipefail was set before them', () => {
    const s = run('RUN curl -fsSL https://x | bash && set -o pipefail && wget -qO- https://y | tar xz');
    expect(s.pipelines.map((p) => [p.commands.map((c) => c.name), p.pipefail])).toEqual([
      [['curl', 'bash'], false],
      [['wget', 'tar'], true],
    ]);
  });

  it('honours a SHELL that sets pipefail, and leaves PowerShell and cmd out', () => {
    expect(run('SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN a | b').pipelines[0].pipefail).toBe(true);
    expect(run('SHELL ["powershell", "-Command"]\nRUN Get-Item x | Remove-Item').posix).toBe(false);
    expect(run('SHELL ["cmd", "/S", "/C"]\nRUN dir | find "x"').posix).toBe(false);
  });

  it('reads a heredoc body as the script, unless a shebang names another interpreter', () => {
    const s = run('RUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF');
    expect(s.commands.map((c) => c.name)).toEqual(['set', 'apt-get', 'apt-get']);
    expect(run('RUN <<EOF\n#!/usr/bin/env python3\nimport os | x\nEOF').posix).toBe(false);
    expect(run('RUN python3 <<PY\nprint("a | b")\nPY').commands.map((c) => c.name)).toEqual(['python3']);
  });

  it('reads the exec form: a shell -c script, or one command without a shell', () => {
    expect(run('RUN ["/bin/sh", "-c", "a | b"]').pipelines).toHaveLength(1);
    expect(run('RUN ["pip", "install", "flask"]').commands).toEqual([{ name: 'pip', args: ['install', 'flask'], via: [], env: [] }]);
  });

  it('unwraps sudo and env, and keeps the assignments in front of a command', () => {
    const [c] = run('RUN sudo -u app env A=1 /usr/bin/pip install x').commands;
    expect(c).toMatchObject({ name: 'pip', args: ['install', 'x'], via: ['sudo', 'env'], env: ['A'] });
    expect(run('RUN PIP_NO_CACHE_DIR=1 pip install x').commands[0].env).toEqual(['PIP_NO_CACHE_DIR']);
  });

  it('reads flags (bundled short flags too) and operands', () => {
    const [c] = run('RUN apt-get install -qy --no-install-recommends -o Dpkg::Options::=x curl=7.88').commands;
    expect(hasFlag(c, '-y')).toBe(true);
    expect(hasFlag(c, '--no-install-recommends')).toBe(true);
    expect(operands(c, ['-o'])).toEqual(['install', 'curl=7.88']);
  });
});
