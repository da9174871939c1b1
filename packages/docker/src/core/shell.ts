// What a RUN instruction runs, read with a real shell parser (unbash: Bash/POSIX, typed AST)
// instead of regular expressions: every simple command with its literal arguments, the
// pipelines, `set -o pipefail`, across `&&` chains, subshells, loops, substitutions and
// heredocs. RUN lines under PowerShell/cmd (SHELL) or a non-shell heredoc interpreter are
// recognised and left out (posix: false), so no POSIX rule reads them.
import { forEachChild, parse, type Command, type SyntaxNode, type Word } from 'unbash';

import { stageChain, type DockerfileModel, type InstructionInfo, type Stage } from './dockerfile';

export interface ShellCommand {
  /** The program (basename), after wrappers such as sudo and env; '' when it is not literal. */
  name: string;
  /** Argument values with quotes removed; words that expand stay as written. */
  args: string[];
  /** Wrappers stripped from the front (`sudo`, `env`, ...). */
  via: string[];
  /** Names assigned in front of the command (`PIP_NO_CACHE_DIR=1 pip install`). */
  env: string[];
  /** Set for a stage of a pipeline of two or more commands. */
  piped?: { index: number; of: number };
  /** Runs in a subshell, a substitution or a function: its cd or exports do not last. */
  nested?: boolean;
}

export interface Pipeline {
  commands: ShellCommand[];
  /** `set -o pipefail` ran earlier in the script, or the SHELL sets it. */
  pipefail: boolean;
}

export interface ShellScript {
  /** False: PowerShell, cmd or a heredoc for another interpreter; nothing below is read. */
  posix: boolean;
  commands: ShellCommand[];
  pipelines: Pipeline[];
  /** Parse errors (the script is still read as far as it goes). */
  errors: string[];
}

export const DEFAULT_SHELL = ['/bin/sh', '-c'];
const POSIX_SHELLS = /^(sh|bash|ash|dash|ksh|mksh|zsh|busybox)$/;
const WRAPPERS = new Set(['sudo', 'env', 'command', 'exec', 'nice', 'nohup', 'time', 'doas', 'su-exec', 'gosu', 'chroot']);

const basename = (p: string) => p.replace(/^.*\//, '');

/** The SHELL in effect for a RUN: the last SHELL before it in its stage or the stages it builds FROM. */
export function shellFor(model: DockerfileModel, stage: Stage, run: InstructionInfo): string[] {
  for (const s of stageChain(model, stage)) {
    const shell = s.instructions.filter((i) => i.keyword === 'SHELL' && (s !== stage || i.line < run.line)).pop();
    if (shell) {
      try {
        const argv: unknown = JSON.parse(shell.args);
        if (Array.isArray(argv) && argv.every((a) => typeof a === 'string')) return argv as string[];
      } catch {
        // dockerfile-utils reports a SHELL that is not JSON; keep the default.
      }
    }
  }
  return DEFAULT_SHELL;
}

/** A SHELL that is not a POSIX shell (PowerShell, cmd). */
export const isPosixShell = (shell: string[]) => POSIX_SHELLS.test(basename(shell[0] ?? '').replace(/\.exe$/i, ''));

const shellSetsPipefail = (shell: string[]) => shell.some((a, k) => a === 'pipefail' && /^-[a-z]*o$/.test(shell[k - 1] ?? ''));

/** Strips wrappers (`sudo -u app`, `env A=1`, `command -v`) off the front of a command's words. */
function unwrap(words: string[]): { name: string; args: string[]; via: string[]; env: string[] } {
  const via: string[] = [];
  const env: string[] = [];
  let k = 0;
  while (k < words.length && WRAPPERS.has(basename(words[k]))) {
    const wrapper = basename(words[k++]);
    via.push(wrapper);
    if (wrapper === 'gosu' || wrapper === 'su-exec' || wrapper === 'chroot') k++; // the user / new root
    while (k < words.length && (words[k].startsWith('-') || (wrapper === 'env' && /^[A-Za-z_]\w*=/.test(words[k])))) {
      if (wrapper === 'env' && words[k].includes('=')) env.push(words[k].split('=')[0]);
      // sudo -u USER / -g GROUP, nice -n N take a value.
      if (/^-[ugnCDhprTU]$/.test(words[k]) && wrapper !== 'env') k++;
      k++;
    }
  }
  return { name: basename(words[k] ?? ''), args: words.slice(k + 1), via, env };
}

function read(source: string, shell: string[]): ShellScript {
  const ast = parse(source);
  const commands: ShellCommand[] = [];
  const pipelines: Pipeline[] = [];
  const pipedAt = new Map<SyntaxNode, { index: number; of: number; into: Pipeline }>();
  let pipefail = shellSetsPipefail(shell);
  let depth = 0;
  const visit = (node: SyntaxNode): void => {
    const nests = node.type === 'Subshell' || node.type === 'Function' || (node.type === 'Script' && node !== ast);
    if (node.type === 'Pipeline' && node.commands.length > 1) {
      const into: Pipeline = { commands: [], pipefail };
      pipelines.push(into);
      node.commands.forEach((c, index) => pipedAt.set(c, { index, of: node.commands.length, into }));
    }
    // A command of assignments only (`x=$(...)`) runs nothing itself; its substitutions are visited below.
    if (node.type === 'Command' && node.name) {
      const at = pipedAt.get(node);
      const command = toCommand(node, at && { index: at.index, of: at.of });
      if (depth || at) command.nested = true;
      commands.push(command);
      at?.into.commands.push(command);
      if (command.name === 'set' && shellSetsPipefail(['set', ...command.args])) pipefail = true;
    }
    if (nests) depth++;
    forEachChild(node, visit);
    if (nests) depth--;
  };
  visit(ast);
  return { posix: true, commands, pipelines, errors: (ast.errors ?? []).map((e) => e.message) };
}

function toCommand(node: Command, piped: { index: number; of: number } | undefined): ShellCommand {
  const words = [node.name, ...node.suffix].filter((w): w is Word => w?.type === 'Word').map((w) => w.value);
  const assigned = node.prefix.flatMap((p) => (p.type === 'Assignment' ? [p.name] : []));
  const { name, args, via, env } = unwrap(words);
  return { name, args, via, env: [...assigned, ...env], piped };
}

const NOT_POSIX: ShellScript = { posix: false, commands: [], pipelines: [], errors: [] };
const HEREDOC = /^<<(-?)(["']?)([A-Za-z_][\w.-]*)\2[ \t]*\r?\n([\s\S]*?)\r?\n[ \t]*\3[ \t]*$/;

/** The script a RUN runs: exec form, a heredoc body, or the shell form, under the SHELL in effect. */
export function runScript(run: InstructionInfo, shell: string[] = DEFAULT_SHELL): ShellScript {
  const key = shell.join('\0');
  let byShell = cache.get(run);
  if (!byShell) cache.set(run, (byShell = new Map()));
  let script = byShell.get(key);
  if (!script) byShell.set(key, (script = scriptOf(run, shell)));
  return script;
}
const cache = new WeakMap<InstructionInfo, Map<string, ShellScript>>();

function scriptOf(run: InstructionInfo, shell: string[]): ShellScript {
  const args = run.args.trim();
  if (args.startsWith('[')) {
    let argv: unknown;
    try {
      argv = JSON.parse(args);
    } catch {
      argv = undefined;
    }
    if (Array.isArray(argv) && argv.every((a) => typeof a === 'string')) {
      // ["/bin/sh", "-c", "script"] runs a script; any other exec form is one command, no shell.
      const c = argv.indexOf('-c');
      if (c > 0 && POSIX_SHELLS.test(basename(argv[0])) && argv[c + 1] !== undefined) return read(argv[c + 1], argv);
      const { name, args: rest, via, env } = unwrap(argv as string[]);
      return { posix: true, commands: [{ name, args: rest, via, env }], pipelines: [], errors: [] };
    }
  }
  if (!isPosixShell(shell)) return NOT_POSIX;
  const heredoc = HEREDOC.exec(args);
  if (heredoc) {
    const body = heredoc[1] ? heredoc[4].replace(/^\t+/gm, '') : heredoc[4];
    const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(body);
    // `#!/usr/bin/env python3` or `#!/usr/bin/python3`: BuildKit runs the body with that interpreter.
    if (shebang && !POSIX_SHELLS.test(basename(basename(shebang[1]) === 'env' ? (shebang[2] ?? '') : shebang[1]))) return NOT_POSIX;
    return read(body, shell);
  }
  return read(args, shell);
}

/** Every command of a script named one of `names` (after wrappers). */
export function commandsNamed(script: ShellScript, ...names: string[]): ShellCommand[] {
  return script.commands.filter((c) => names.includes(c.name));
}

/** The words of a command that are not options (`apt-get install -y curl` → install, curl). */
export function operands(command: ShellCommand, optionsWithValue: string[] = []): string[] {
  const out: string[] = [];
  for (let k = 0; k < command.args.length; k++) {
    const a = command.args[k];
    if (a === '--') return [...out, ...command.args.slice(k + 1)];
    if (a.startsWith('-') && a.length > 1) {
      if (optionsWithValue.includes(a)) k++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** True when the command carries one of the flags (`-y`, `--yes`); short flags may be bundled (`-qy`). */
export function hasFlag(command: ShellCommand, ...flags: string[]): boolean {
  return command.args.some((a) => {
    if (flags.includes(a) || flags.some((f) => f.startsWith('--') && a.startsWith(`${f}=`))) return true;
    if (!/^-[A-Za-z0-9]{2,}$/.test(a)) return false;
    return flags.some((f) => /^-[A-Za-z0-9]$/.test(f) && a.includes(f[1]));
  });
}
