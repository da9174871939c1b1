// docker-lint rules. What RUN scripts do, read from the parsed shell (core/shell): pipes without
// pipefail, `curl | sh`, cd instead of WORKDIR, tools that make no sense in a build.
import { hasFlag, operands, type ShellCommand } from '../shell';
import { shellRuns, type Rule } from './rule';

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'python', 'python3', 'perl', 'ruby', 'node']);
const POINTLESS = new Set(['ssh', 'vim', 'shutdown', 'service', 'ps', 'free', 'top', 'kill', 'mount', 'ifconfig']);

/** A command that runs what it reads on stdin (`sh`, `bash -s`, `sudo bash`, `python3 -`). */
const runsStdin = (c: ShellCommand) => {
  if (!SHELLS.has(c.name)) return false;
  const own = c.args.includes('--') ? c.args.slice(0, c.args.indexOf('--')) : c.args;
  return hasFlag({ ...c, args: own }, '-s') || !own.some((a) => a !== '-' && !a.startsWith('-'));
};

export const SHELL_USE_RULES: Rule[] = [
  {
    id: 'pipefail',
    category: 'hygiene',
    severity: 'warning',
    title: 'set -o pipefail before a pipe',
    why: "A pipe's status is its last command's: `curl ... | tar x` succeeds even when the download failed.",
    fix: '`SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN, or start it with `set -o pipefail &&`.',
    refs: ['DL4006'],
    check: ({ model }) =>
      shellRuns(model).flatMap((r) => (r.script.pipelines.some((p) => !p.pipefail) ? [{ line: r.run.line, message: 'RUN pipes without pipefail' }] : [])),
  },
  {
    id: 'curl-pipe-shell',
    category: 'security',
    severity: 'warning',
    title: 'Do not pipe a download into a shell',
    why: 'Whatever the server sends at build time runs as root in the build, unreviewed and unverifiable; a truncated download runs half a script.',
    fix: 'Download to a file, check its sha256 (`echo "<sum>  install.sh" | sha256sum -c -`), then run it; or install a released, checksummed package.',
    refs: ['Scorecard:Pinned-Dependencies'],
    check: ({ model }) =>
      shellRuns(model).flatMap((r) =>
        r.script.pipelines
          .filter((p) => p.commands.some((c, k) => (c.name === 'curl' || c.name === 'wget') && p.commands.slice(k + 1).some(runsStdin)))
          .map(() => ({ line: r.run.line, message: 'a download is piped into a shell' }))
          .slice(0, 1),
      ),
  },
  {
    id: 'cd-instead-of-workdir',
    category: 'hygiene',
    severity: 'info',
    title: 'WORKDIR, not a RUN that starts with cd',
    why: 'A `cd` lasts for one RUN; WORKDIR sets the directory for every later instruction and shows in the image config. (A `cd` in the middle of a step, e.g. into a source tree to build it, is fine.)',
    fix: 'Put `WORKDIR /path` before the RUN and drop the leading `cd`.',
    refs: ['DL3003'],
    check: ({ model }) =>
      shellRuns(model).flatMap((r) =>
        r.script.commands[0]?.name === 'cd' && !r.script.commands[0].nested
          ? [{ line: r.run.line, message: `RUN starts with cd ${r.script.commands[0].args.join(' ')}` }]
          : [],
      ),
  },
  {
    id: 'wget-and-curl',
    wholeImage: true,
    category: 'hygiene',
    severity: 'info',
    title: 'Either wget or curl, not both',
    why: 'Two download tools in one image is one more package to patch for no gain.',
    fix: 'Use one of them throughout the Dockerfile.',
    refs: ['DL4001'],
    check: ({ model }) => {
      const runs = shellRuns(model);
      const uses = (name: string) => runs.find((r) => r.script.commands.some((c) => c.name === name));
      const [wget, curl] = [uses('wget'), uses('curl')];
      if (!wget || !curl) return [];
      const later = wget.run.line > curl.run.line ? wget : curl;
      return [{ line: later.run.line, message: `both wget (line ${wget.run.line}) and curl (line ${curl.run.line}) are used` }];
    },
  },
  {
    id: 'wget-progress',
    category: 'hygiene',
    severity: 'info',
    title: 'wget --progress=dot:giga (or -q)',
    why: "wget's default progress bar floods the build log on large downloads.",
    fix: '`wget --progress=dot:giga ...`, or `-q` / `-nv`.',
    refs: ['DL3047'],
    check: ({ model }) =>
      shellRuns(model).flatMap((r) =>
        r.script.commands.some(
          (c) =>
            c.name === 'wget' &&
            !hasFlag(c, '--progress', '-q', '--quiet', '-nv', '--no-verbose') &&
            !c.args.includes('-O-') &&
            !c.args.some((a) => /^-[A-Za-z]*q/.test(a)),
        )
          ? [{ line: r.run.line, message: 'wget without --progress or -q' }]
          : [],
      ),
  },
  {
    id: 'useradd-without-l',
    category: 'hygiene',
    severity: 'warning',
    title: 'useradd -l with a high UID',
    why: 'useradd writes a sparse /var/log/lastlog sized by the UID; in a layer it is stored in full, so a UID like 100000 adds tens of MB.',
    fix: '`useradd --no-log-init -l -u 100001 app` (or a UID of five digits or fewer).',
    refs: ['DL3046'],
    check: ({ model }) =>
      shellRuns(model).flatMap((r) =>
        r.script.commands
          .filter((c) => c.name === 'useradd' && !hasFlag(c, '-l', '--no-log-init'))
          .filter((c) => {
            const k = c.args.findIndex((a) => a === '-u' || a === '--uid');
            const uid = k >= 0 ? c.args[k + 1] : (c.args.find((a) => a.startsWith('--uid=')) ?? '').slice(6);
            return /^\d{6,}$/.test(uid ?? '');
          })
          .map(() => ({ line: r.run.line, message: 'useradd with a six-digit UID and without -l' }))
          .slice(0, 1),
      ),
  },
  {
    id: 'pointless-command',
    category: 'hygiene',
    severity: 'info',
    title: 'No interactive or system-control commands in RUN',
    why: 'ssh, vim, shutdown, service, ps, free, top, kill, mount and ifconfig do nothing useful in a build step (there is no init, no terminal, no running service).',
    fix: 'Remove the command; start services from CMD/ENTRYPOINT, inspect at run time.',
    refs: ['DL3001'],
    check: ({ model }) =>
      shellRuns(model).flatMap((r) => {
        const found = [...new Set(r.script.commands.filter((c) => POINTLESS.has(c.name)).map((c) => c.name))];
        return found.length ? [{ line: r.run.line, message: `RUN uses ${found.join(', ')}` }] : [];
      }),
  },
  {
    id: 'shell-via-ln',
    category: 'correctness',
    severity: 'warning',
    title: 'SHELL, not ln, to change the shell',
    why: 'Replacing /bin/sh with a link changes the shell for every later program in the image, not just for RUN.',
    fix: '`SHELL ["/bin/bash", "-o", "pipefail", "-c"]`.',
    refs: ['DL4005'],
    check: ({ model }) =>
      shellRuns(model).flatMap((r) =>
        r.script.commands.some((c) => c.name === 'ln' && operands(c).at(-1) === '/bin/sh')
          ? [{ line: r.run.line, message: 'RUN links /bin/sh to another shell' }]
          : [],
      ),
  },
];
