// docker-lint rules. Package managers (apt, apk, yum/dnf/zypper, pip, npm, gem, go, yarn): flags,
// caches and version pins, read from the parsed RUN scripts (core/shell, core/package-managers).
import { aptAssumesYes, installs, removes, type Install } from '../package-managers';
import { hasFlag, operands } from '../shell';
import { declaredNames, shellRuns, type Hit, type Rule, type ShellRun } from './rule';
import { stageChain, type DockerfileModel } from '../dockerfile';

type Manager = Install['manager'];

/** One hit per RUN whose installs by `managers` fail `ok`. */
function eachInstall(model: DockerfileModel, managers: Manager[], bad: (install: Install, run: ShellRun) => string | undefined): Hit[] {
  return shellRuns(model).flatMap((r) => {
    const messages = installs(r.script)
      .filter((i) => managers.includes(i.manager))
      .map((i) => bad(i, r))
      .filter((m): m is string => !!m);
    return messages.length ? [{ line: r.run.line, message: [...new Set(messages)].join('; ') }] : [];
  });
}

const cacheMount = (r: ShellRun, ...targets: string[]) =>
  r.run.mounts.some(
    (m) => (m.type === 'cache' || m.type === 'tmpfs') && targets.some((t) => (m.target ?? m.dst ?? m.destination ?? '').replace(/\/+$/, '') === t),
  );

const unpinned = (packages: string[], pinned: (p: string) => boolean) => packages.filter((p) => !p.includes('$') && !pinned(p));
const list = (names: string[]) => names.slice(0, 4).join(', ') + (names.length > 4 ? `, … (${names.length})` : '');

export const PACKAGE_RULES: Rule[] = [
  {
    id: 'apt-get-yes',
    category: 'hygiene',
    severity: 'warning',
    title: 'apt-get install -y',
    why: 'Without -y apt-get waits for an answer that never comes and the build fails.',
    fix: '`apt-get install -y --no-install-recommends ...`',
    refs: ['DL3014'],
    check: ({ model }) => eachInstall(model, ['apt'], (i) => (aptAssumesYes(i.command) ? undefined : `${i.command.name} install without -y`)),
  },
  {
    id: 'apt-no-install-recommends',
    category: 'hygiene',
    severity: 'info',
    title: 'apt-get install --no-install-recommends',
    why: 'Recommended packages add size and attack surface that nothing asked for.',
    fix: 'Add `--no-install-recommends`.',
    refs: ['DL3015'],
    check: ({ model }) =>
      eachInstall(model, ['apt'], (i) =>
        hasFlag(i.command, '--no-install-recommends') || i.command.args.some((a) => /^APT::Install-Recommends=(false|0|no)$/i.test(a))
          ? undefined
          : `${i.command.name} install without --no-install-recommends`,
      ),
  },
  {
    id: 'apt-lists-kept',
    category: 'hygiene',
    severity: 'info',
    title: 'Remove apt lists, or cache-mount them',
    why: '/var/lib/apt/lists adds tens of MB to the layer.',
    fix: 'End the RUN with `rm -rf /var/lib/apt/lists/*`, or mount `/var/lib/apt` as a cache.',
    refs: ['DL3009', 'DKL-DI-0005'],
    check: ({ model }) =>
      eachInstall(model, ['apt'], (_i, r) =>
        removes(r.script, '/var/lib/apt/lists') ||
        r.script.commands.some((c) => c.name === 'apt-get' && operands(c)[0] === 'dist-clean') ||
        cacheMount(r, '/var/lib/apt', '/var/lib/apt/lists')
          ? undefined
          : 'apt lists stay in the layer',
      ),
  },
  {
    id: 'apt-not-apt-get',
    category: 'hygiene',
    severity: 'warning',
    title: 'apt-get, not apt, in scripts',
    why: "apt's interface is for humans and not stable for scripts.",
    fix: 'Use apt-get (or apt-cache).',
    refs: ['DL3027'],
    check: ({ model }) =>
      shellRuns(model).flatMap((r) => (r.script.commands.some((c) => c.name === 'apt') ? [{ line: r.run.line, message: 'apt used in a RUN' }] : [])),
  },
  {
    id: 'apt-unpinned',
    category: 'hygiene',
    severity: 'info',
    title: 'Pin apt package versions',
    why: 'An unpinned install takes whatever the archive serves that day, so two builds of one commit can differ. (Debian drops old versions: pin together with a digest-pinned base, or accept the drift knowingly.)',
    fix: '`apt-get install -y curl=7.88.1-10+deb12u8`, or turn the rule off if the base image is digest-pinned and refreshed on purpose.',
    refs: ['DL3008'],
    check: ({ model }) =>
      eachInstall(model, ['apt'], (i) => {
        const loose = unpinned(i.packages, (p) => p.includes('=') || p.includes('/') || p.endsWith('.deb'));
        return loose.length ? `apt package(s) without a version: ${list(loose)}` : undefined;
      }),
  },
  {
    id: 'apk-no-cache',
    category: 'hygiene',
    severity: 'info',
    title: 'apk add --no-cache',
    why: 'Without it the package index and downloads stay in the layer.',
    fix: '`apk add --no-cache ...` (or mount `/var/cache/apk` as a cache).',
    refs: ['DL3019'],
    check: ({ model }) =>
      eachInstall(model, ['apk'], (i, r) =>
        hasFlag(i.command, '--no-cache') || cacheMount(r, '/var/cache/apk', '/etc/apk/cache') || removes(r.script, '/var/cache/apk')
          ? undefined
          : 'apk add without --no-cache',
      ),
  },
  {
    id: 'apk-unpinned',
    category: 'hygiene',
    severity: 'info',
    title: 'Pin apk package versions',
    why: 'An unpinned `apk add` takes whatever the index serves that day.',
    fix: '`apk add --no-cache curl=8.5.0-r0` (or `curl~8.5`).',
    refs: ['DL3018'],
    check: ({ model }) =>
      eachInstall(model, ['apk'], (i) => {
        const loose = unpinned(i.packages, (p) => /[=<>~]/.test(p) || p.endsWith('.apk'));
        return loose.length ? `apk package(s) without a version: ${list(loose)}` : undefined;
      }),
  },
  {
    id: 'rpm-yes',
    category: 'hygiene',
    severity: 'warning',
    title: 'yum/dnf install -y, zypper -n',
    why: 'Without the non-interactive switch the package manager waits for an answer and the build fails.',
    fix: '`dnf install -y ...`, `yum install -y ...`, `zypper --non-interactive install ...`.',
    refs: ['DL3030', 'DL3038', 'DL3034'],
    check: ({ model }) =>
      eachInstall(model, ['yum', 'dnf', 'zypper'], (i) => {
        if (i.manager === 'zypper')
          return hasFlag(i.command, '-n', '--non-interactive', '-y', '--no-confirm') ? undefined : 'zypper install without --non-interactive';
        return i.command.name === 'microdnf' || hasFlag(i.command, '-y', '--assumeyes') ? undefined : `${i.command.name} install without -y`;
      }),
  },
  {
    id: 'rpm-clean',
    category: 'hygiene',
    severity: 'info',
    title: 'Clean the yum/dnf/zypper cache in the same RUN',
    why: 'Repository metadata and downloaded packages stay in the layer.',
    fix: 'End the RUN with `yum clean all` / `dnf clean all` / `zypper clean --all`, or cache-mount /var/cache/<manager>.',
    refs: ['DL3032', 'DL3040', 'DL3036'],
    check: ({ model }) =>
      eachInstall(model, ['yum', 'dnf', 'zypper'], (i, r) => {
        const name = i.command.name;
        const cleaned =
          r.script.commands.some((c) => c.name === name && ['clean', 'cc'].includes(operands(c)[0])) ||
          removes(r.script, `/var/cache/${name === 'microdnf' ? 'dnf' : name}`, '/var/cache/yum', '/var/cache/dnf', '/var/cache/zypp') ||
          cacheMount(r, `/var/cache/${name}`, '/var/cache/dnf', '/var/cache/yum', '/var/cache/zypp');
        return cleaned ? undefined : `${name} install without ${name} clean`;
      }),
  },
  {
    id: 'rpm-unpinned',
    category: 'hygiene',
    severity: 'info',
    title: 'Pin yum/dnf/zypper package versions',
    why: 'An unpinned install takes whatever the repository serves that day.',
    fix: '`dnf install -y curl-7.76.1`, `zypper install -y curl=8.0.1`.',
    refs: ['DL3033', 'DL3041', 'DL3037'],
    check: ({ model }) =>
      eachInstall(model, ['yum', 'dnf', 'zypper'], (i) => {
        const pinned =
          i.manager === 'zypper' ? (p: string) => /[=<>]/.test(p) || p.endsWith('.rpm') : (p: string) => /-\d/.test(p) || p.endsWith('.rpm') || p.includes('/');
        const loose = unpinned(i.packages, (p) => p.startsWith('@') || pinned(p));
        return loose.length ? `${i.command.name} package(s) without a version: ${list(loose)}` : undefined;
      }),
  },
  {
    id: 'zypper-dist-upgrade',
    category: 'hygiene',
    severity: 'warning',
    title: 'No zypper dist-upgrade',
    why: 'A distribution upgrade inside an image build changes the whole base underneath you; pick a newer base image instead.',
    fix: 'Use a newer base image tag; `zypper update` for patches.',
    refs: ['DL3035'],
    check: ({ model }) =>
      shellRuns(model).flatMap((r) =>
        r.script.commands.some((c) => c.name === 'zypper' && ['dist-upgrade', 'dup'].includes(operands(c, ['-r', '--repo'])[0]))
          ? [{ line: r.run.line, message: 'zypper dist-upgrade' }]
          : [],
      ),
  },
  {
    id: 'pip-no-cache',
    category: 'hygiene',
    severity: 'warning',
    title: 'pip install --no-cache-dir, or a cache mount',
    why: "pip's download cache otherwise stays in the layer.",
    fix: 'Add `--mount=type=cache,target=/root/.cache/pip` (faster) or `--no-cache-dir`.',
    refs: ['DL3042'],
    check: ({ model }) => {
      // PIP_NO_CACHE_DIR in the environment (the stage or one it builds on) turns the cache off for every pip.
      const envOff = (r: ShellRun) =>
        stageChain(model, r.stage).some((s) => s.instructions.some((i) => i.keyword === 'ENV' && declaredNames(i).includes('PIP_NO_CACHE_DIR')));
      return eachInstall(model, ['pip'], (i, r) =>
        hasFlag(i.command, '--no-cache-dir') ||
        i.command.env.includes('PIP_NO_CACHE_DIR') ||
        r.run.mounts.some((m) => m.type === 'cache' || m.type === 'tmpfs') ||
        envOff(r)
          ? undefined
          : 'pip install keeps its cache in the layer',
      );
    },
  },
  {
    id: 'pip-unpinned',
    category: 'hygiene',
    severity: 'info',
    title: 'Pin pip package versions',
    why: 'An unpinned `pip install` takes whatever PyPI serves that day.',
    fix: '`pip install flask==3.0.3`, or `pip install -r requirements.txt` with a lockfile.',
    refs: ['DL3013'],
    check: ({ model }) =>
      eachInstall(model, ['pip'], (i) => {
        if (hasFlag(i.command, '-r', '--requirement', '-c', '--constraint')) return undefined;
        const pinned = (p: string) =>
          /==|>=|<=|~=|!=|[<>]/.test(p) ||
          /\.(whl|tar\.gz|zip)$/.test(p) ||
          p === '.' ||
          (p.includes('/') && !/^(git|hg|svn|bzr)\+/.test(p)) ||
          (/^(git|hg|svn|bzr)\+/.test(p) && /@[^/]+$/.test(p));
        const loose = unpinned(i.packages, pinned);
        return loose.length ? `pip package(s) without a version: ${list(loose)}` : undefined;
      }),
  },
  {
    id: 'npm-unpinned',
    category: 'hygiene',
    severity: 'info',
    title: 'Pin npm package versions',
    why: 'An unpinned `npm install <package>` takes whatever the registry serves that day (the lockfile does not cover it).',
    fix: '`npm install -g typescript@5.9.3`; for the project, `npm ci` from the lockfile.',
    refs: ['DL3016'],
    check: ({ model }) =>
      eachInstall(model, ['npm'], (i) => {
        const pinned = (p: string) =>
          /^(git|git\+\w+|github|gitlab|bitbucket):/.test(p)
            ? p.includes('#')
            : /\.(tgz|tar\.gz|tar)$/.test(p) || /^(\.{0,2}\/|~\/|file:)/.test(p) || p.replace(/^@[^/]*\//, '').includes('@');
        const loose = unpinned(i.packages, pinned);
        return loose.length ? `npm package(s) without a version: ${list(loose)}` : undefined;
      }),
  },
  {
    id: 'gem-unpinned',
    category: 'hygiene',
    severity: 'info',
    title: 'Pin gem versions',
    why: 'An unpinned `gem install` takes whatever rubygems.org serves that day.',
    fix: '`gem install bundler:2.5.6` (or `-v 2.5.6`).',
    refs: ['DL3028'],
    check: ({ model }) =>
      eachInstall(model, ['gem'], (i) => {
        if (hasFlag(i.command, '-v', '--version')) return undefined;
        const loose = unpinned(i.packages, (p) => p.includes(':') || p.endsWith('.gem'));
        return loose.length ? `gem(s) without a version: ${list(loose)}` : undefined;
      }),
  },
  {
    id: 'go-install-unpinned',
    category: 'hygiene',
    severity: 'info',
    title: 'Pin go install versions',
    why: '`go install pkg@latest` (or no version) builds whatever the module proxy serves that day.',
    fix: '`go install golang.org/x/tools/gopls@v0.16.2`.',
    refs: ['DL3062'],
    check: ({ model }) =>
      eachInstall(model, ['go'], (i) => {
        const loose = unpinned(i.packages, (p) => /^(\.|\/)/.test(p) || (p.includes('@') && !/@(latest|none)$/.test(p)));
        return loose.length ? `go install without a version: ${list(loose)}` : undefined;
      }),
  },
  {
    id: 'yarn-cache-kept',
    category: 'hygiene',
    severity: 'info',
    title: 'yarn cache clean after yarn install',
    why: "yarn's package cache otherwise stays in the layer.",
    fix: 'End the RUN with `yarn cache clean`, or mount the cache: `--mount=type=cache,target=/usr/local/share/.cache/yarn`.',
    refs: ['DL3060'],
    check: ({ model }) =>
      eachInstall(model, ['yarn'], (_i, r) =>
        r.script.commands.some((c) => c.name === 'yarn' && operands(c)[0] === 'cache' && operands(c)[1] === 'clean') ||
        r.run.mounts.some((m) => m.type === 'cache')
          ? undefined
          : 'yarn install keeps its cache in the layer',
      ),
  },
];
