// How package-manager commands read, on the parsed shell (core/shell): which command installs,
// with which packages and flags. Shared by the lint rules and docker-perf's diagnosis.
import { hasFlag, operands, type ShellCommand, type ShellScript } from './shell';

export interface Install {
  manager: 'apt' | 'apk' | 'yum' | 'dnf' | 'zypper' | 'pip' | 'npm' | 'gem' | 'go' | 'yarn' | 'pnpm' | 'uv' | 'poetry' | 'deno' | 'bundler' | 'cargo';
  command: ShellCommand;
  /** What is installed (options and their values removed); empty: from a manifest. */
  packages: string[];
}

// Options that take a value, per manager: their value is not a package.
const VALUE_OPTIONS: Record<string, string[]> = {
  apt: ['-o', '--option', '-t', '--target-release', '-c', '--config-file', '-a', '--host-architecture'],
  apk: ['-X', '--repository', '-t', '--virtual', '-p', '--root', '--arch', '--cache-dir', '--keys-dir', '--repositories-file'],
  yum: ['--enablerepo', '--disablerepo', '--installroot', '--releasever', '-c', '--config', '--setopt', '--exclude', '-x', '--repo', '--repoid', '--forcearch'],
  zypper: ['-r', '--repo', '--from', '-t', '--type', '--root', '-R'],
  pip: [
    '-r',
    '--requirement',
    '-c',
    '--constraint',
    '-e',
    '--editable',
    '-i',
    '--index-url',
    '--extra-index-url',
    '-f',
    '--find-links',
    '-t',
    '--target',
    '--prefix',
    '--root',
    '--src',
    '--platform',
    '--python-version',
    '--implementation',
    '--abi',
    '--no-binary',
    '--only-binary',
    '--trusted-host',
    '--progress-bar',
    '--cache-dir',
    '--upgrade-strategy',
    '--log',
    '--proxy',
    '--timeout',
    '--retries',
    '--global-option',
    '--config-settings',
    '-C',
    '--python',
    '--report',
    '--group',
  ],
  npm: ['--prefix', '--registry', '--cache', '-w', '--workspace', '--omit', '--include', '--loglevel', '--tag'],
  gem: ['-v', '--version', '-i', '--install-dir', '-n', '--bindir', '--source', '-s', '-P', '--trust-policy', '--platform'],
  go: [
    '-o',
    '-tags',
    '-ldflags',
    '-gcflags',
    '-mod',
    '-modfile',
    '-p',
    '-C',
    '-pkgdir',
    '-toolexec',
    '-asmflags',
    '-buildmode',
    '-compiler',
    '-overlay',
    '-pgo',
  ],
};

const PIP = /^pip(?:[23](?:\.\d+)?)?$/;
const PYTHON = /^python(?:[23](?:\.\d+)?)?$/;
const RPM = new Set(['yum', 'dnf', 'microdnf', 'tdnf']);

/** `pip ...` or `python -m pip ...` as a pip command (`pip` and its arguments). */
export function asPip(c: ShellCommand): ShellCommand | undefined {
  if (PIP.test(c.name)) return c;
  if (!PYTHON.test(c.name)) return undefined;
  const m = c.args.indexOf('-m');
  return m >= 0 && c.args[m + 1] === 'pip' ? { ...c, name: 'pip', args: c.args.slice(m + 2) } : undefined;
}

function install(manager: Install['manager'], command: ShellCommand, verbs: string[], valueOptions: string[] = []): Install | undefined {
  const words = operands(command, valueOptions);
  if (!verbs.includes(words[0])) return undefined;
  return { manager, command, packages: words.slice(1) };
}

/** The install a command performs, if any. */
export function installOf(c: ShellCommand): Install | undefined {
  const pip = asPip(c);
  if (pip) return install('pip', pip, ['install'], VALUE_OPTIONS.pip);
  switch (c.name) {
    case 'apt-get':
    case 'apt':
    case 'aptitude':
      return install('apt', c, ['install'], VALUE_OPTIONS.apt);
    case 'apk':
      return install('apk', c, ['add'], VALUE_OPTIONS.apk);
    case 'zypper':
      return install('zypper', c, ['install', 'in'], VALUE_OPTIONS.zypper);
    case 'npm':
      return install('npm', c, ['install', 'i', 'add', 'ci'], VALUE_OPTIONS.npm);
    case 'gem':
      return install('gem', c, ['install'], VALUE_OPTIONS.gem);
    case 'go': {
      const words = operands(c, VALUE_OPTIONS.go);
      return words[0] === 'mod' && words[1] === 'download'
        ? { manager: 'go', command: c, packages: [] }
        : install('go', c, ['install', 'get'], VALUE_OPTIONS.go);
    }
    case 'yarn': {
      const words = operands(c);
      // Bare `yarn` installs; `yarn add x` installs x.
      return words.length === 0 || words[0] === 'install' ? { manager: 'yarn', command: c, packages: [] } : install('yarn', c, ['add']);
    }
    case 'pnpm':
      return install('pnpm', c, ['install', 'i', 'add', 'fetch']);
    case 'uv':
      return operands(c)[0] === 'sync'
        ? { manager: 'uv', command: c, packages: [] }
        : operands(c)[0] === 'pip'
          ? install('uv', { ...c, args: c.args.slice(c.args.indexOf('pip') + 1) }, ['install'])
          : undefined;
    case 'poetry':
      return install('poetry', c, ['install']);
    case 'deno':
      return install('deno', c, ['install', 'cache']);
    case 'bundle':
      return install('bundler', c, ['install']);
    case 'cargo':
      return install('cargo', c, ['fetch', 'install']);
  }
  if (RPM.has(c.name)) return install(c.name === 'yum' ? 'yum' : 'dnf', c, ['install', 'groupinstall', 'localinstall', 'reinstall'], VALUE_OPTIONS.yum);
  return undefined;
}

/** Every install of a script. */
export function installs(script: ShellScript): Install[] {
  // A dozen rules ask for the same script's installs: read them once.
  let found = installCache.get(script);
  if (!found) installCache.set(script, (found = script.commands.flatMap((c) => installOf(c) ?? [])));
  return found;
}
const installCache = new WeakMap<ShellScript, Install[]>();

/** `apt-get update`, `apk update`, `yum makecache` and the like: a package index refresh. */
export function isIndexUpdate(c: ShellCommand): boolean {
  const verb = operands(c, VALUE_OPTIONS.apt)[0];
  if (['apt-get', 'apt', 'aptitude', 'apk'].includes(c.name)) return verb === 'update';
  if (RPM.has(c.name)) return verb === 'makecache';
  return c.name === 'zypper' && (verb === 'refresh' || verb === 'ref');
}

/** apt-get's answer-yes: -y/--yes/--assume-yes, `-o APT::Get::Assume-Yes=true`, or quiet level 2 (`-qq`, `-q=2`, `-q -q`). */
export function aptAssumesYes(c: ShellCommand): boolean {
  if (hasFlag(c, '-y', '--yes', '--assume-yes')) return true;
  if (c.args.some((a, k) => c.args[k - 1] === '-o' && /^APT::Get::Assume-Yes=(true|1|yes)$/i.test(a))) return true;
  const quiet = c.args.reduce((n, a) => {
    const m = /^-(q+)(?:=(\d))?$/.exec(a) ?? (/^-[a-z]*q[a-z]*$/.test(a) ? [a, 'q'] : null);
    if (m) return n + (m[2] ? Number(m[2]) : m[1].length);
    const long = /^--quiet(?:=(\d))?$/.exec(a);
    return long ? n + (long[1] ? Number(long[1]) : 1) : n;
  }, 0);
  return quiet >= 2;
}

/** `rm` of one of `paths` (or something under it) in the script: the cleanup of a cache or list directory. */
export function removes(script: ShellScript, ...paths: string[]): boolean {
  return script.commands.some((c) => c.name === 'rm' && operands(c).some((a) => paths.some((p) => a === p || a.startsWith(`${p}/`) || a.startsWith(`${p}*`))));
}
