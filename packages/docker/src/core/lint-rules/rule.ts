// What a docker-lint rule is, and the small helpers the rule families share.
import type { Finding, Severity } from '../analysis';
import { findStage, stageChain, type DockerfileModel, type InstructionInfo, type Stage } from '../dockerfile';
import type { IgnorePattern } from '../dockerignore';
import { runScript, shellFor, type ShellScript } from '../shell';

export interface LintContext {
  model: DockerfileModel;
  /** `.dockerignore` patterns; undefined when the context has none. */
  ignore?: IgnorePattern[];
  /** Context-relative files, when the context is known (enables the context rules). */
  contextFiles?: string[];
  readContextFile?: (path: string) => string | undefined;
  target?: string;
  /** Images built in the workspace, handed to the build by content tag. */
  workspaceImages?: string[];
  /** The Dockerfile as written (casing and continuation rules read it). */
  text?: string;
  /** Organisation policy from the plugin options. */
  policy?: LintPolicy;
}

export interface LintPolicy {
  /** Registries FROM may pull from (`docker.io`, `ghcr.io/acme`); unset: any. */
  allowedRegistries?: string[];
  /** Labels every final stage must set (`org.opencontainers.image.source`). */
  requiredLabels?: string[];
}

export interface Hit {
  line?: number;
  message: string;
}

export type Category = 'correctness' | 'security' | 'hygiene' | 'speed';

export interface Rule {
  id: string;
  category: Category;
  severity: Severity;
  title: string;
  why: string;
  fix: string;
  /** hadolint (DLxxxx), CIS Docker Benchmark (CIS-4.x), Dockle, BuildKit check ids. */
  refs: string[];
  /** Reads the whole image or its context (final stage, USER, .dockerignore), not single instructions: not applied to ONBUILD bodies. */
  wholeImage?: boolean;
  check(ctx: LintContext): Hit[];
}

export interface ShellRun {
  stage: Stage;
  run: InstructionInfo;
  script: ShellScript;
}

const shellRunCache = new WeakMap<DockerfileModel, ShellRun[]>();

/** Every RUN under a POSIX shell, with its parsed script (PowerShell/cmd RUN lines are left out). */
export function shellRuns(model: DockerfileModel): ShellRun[] {
  let out = shellRunCache.get(model);
  if (!out) {
    out = model.stages
      .flatMap((stage) =>
        stage.instructions.filter((i) => i.keyword === 'RUN').map((run) => ({ stage, run, script: runScript(run, shellFor(model, stage, run)) })),
      )
      .filter((r) => r.script.posix);
    shellRunCache.set(model, out);
  }
  return out;
}

export const all = (m: DockerfileModel) => m.stages.flatMap((s) => s.instructions);
export const finalStage = (ctx: LintContext) => findStage(ctx.model, ctx.target);
export const fromAnalysis = (findings: Finding[]): Hit[] => findings.map((f) => ({ line: f.line, message: f.message }));

// BuildKit's SecretsUsedInArgOrEnv words, matched as whole words of the name (split at `_`,
// `-`, `.` and camelCase): `GITHUB_TOKEN`, `dbPassword`, but not `TOKENIZERS_PARALLELISM`, `AUTHOR`.
const SECRET_WORDS = new Set([
  'apikey',
  'auth',
  'credential',
  'credentials',
  'key',
  'password',
  'pword',
  'passwd',
  'secret',
  'token',
  'privatekey',
  'accesskey',
  'secretkey',
]);
// Names that point at a secret rather than hold one (`PASSWORD_FILE`), or switch a feature (`DISABLE_AUTH`).
const POINTER_WORDS = new Set(['file', 'path', 'dir', 'url', 'host', 'name', 'id', 'port', 'version']);
// Names of public material (BuildKit allows `public`): a GPG key fingerprint is published to verify downloads.
const PUBLIC_WORDS = new Set(['public', 'pub', 'gpg', 'pgp', 'fingerprint', 'keyserver', 'keyring']);
const SWITCH_WORDS = new Set(['disable', 'enable', 'use', 'skip', 'no', 'require', 'allow', 'with', 'without']);

/** An ARG/ENV/variable name that looks like it holds a secret. Shared with the image audit. */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[_.-]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  if (!words.some((w) => SECRET_WORDS.has(w))) return false;
  return !POINTER_WORDS.has(words[words.length - 1]) && !SWITCH_WORDS.has(words[0]) && !words.some((w) => PUBLIC_WORDS.has(w));
}
export const SECRET_FILE =
  /(^|\/)(\.env(\.(?!example|sample|template|dist)[\w-]+)?|[^/]*\.pem|[^/]*\.key|id_rsa|id_dsa|id_ecdsa|id_ed25519|\.npmrc|\.pypirc|\.netrc|credentials(\.json)?|\.git-credentials)$/;
export const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/;
export const URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The words of an ARG/ENV instruction's declarations (`A=1 B`, `A 1`). */
export function declaredNames(i: InstructionInfo): string[] {
  if (i.keyword === 'ARG')
    return i.args
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => w.split('=')[0]);
  if (i.keyword === 'ENV') {
    const words = i.args.replace(/\\\r?\n/g, ' ').trim();
    if (!words.includes('=')) return [words.split(/\s+/)[0]];
    return [...words.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1]);
  }
  return [];
}

/** The USER in effect at the end of a stage (following FROM <stage>); undefined: none set (the base image's, usually root). */
export function effectiveUser(model: DockerfileModel, stage: Stage): { user?: string; line?: number } {
  for (const s of stageChain(model, stage)) {
    const own = [...s.instructions].reverse().find((i) => i.keyword === 'USER');
    if (own) return { user: own.args.trim(), line: own.line };
  }
  return {};
}

export const isRoot = (user: string) => /^(root|0)(:.*)?$/.test(user.trim());
export const isShellForm = (i: InstructionInfo) => !i.args.trim().startsWith('[');
