// docker-lint's rules over the Dockerfile model: correctness, security, hygiene and build
// speed. Each rule has an id, a default severity, why it matters, the fix, and the hadolint /
// CIS / BuildKit-check ids it corresponds to. Pure: the context (files, .dockerignore) comes in.
import { installAfterSourceCopy, installWithoutCacheMount, unpinnedBaseImages, type Finding, type Severity } from './analysis';
import { findStage, stageRef, type DockerfileModel, type InstructionInfo, type Stage } from './dockerfile';
import { ignoreMatcher, type IgnorePattern } from './dockerignore';
import { HEAVY_DIRS } from './context-size';

export interface LintContext {
  model: DockerfileModel;
  /** `.dockerignore` patterns; undefined when the context has none. */
  ignore?: IgnorePattern[];
  /** Context-relative files, when the context is known (enables the context rules). */
  contextFiles?: string[];
  readContextFile?: (path: string) => string | undefined;
  target?: string;
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
  check(ctx: LintContext): Hit[];
}

const all = (m: DockerfileModel) => m.stages.flatMap((s) => s.instructions);
const runs = (m: DockerfileModel) => all(m).filter((i) => i.keyword === 'RUN');
const finalStage = (ctx: LintContext) => findStage(ctx.model, ctx.target);
const fromAnalysis = (findings: Finding[]): Hit[] => findings.map((f) => ({ line: f.line, message: f.message }));

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)/i;
// Names that point at a secret rather than hold one.
const NOT_SECRET = /_(FILE|PATH|DIR|URL|HOST|NAME|ID|PORT)$/i;

/** An ARG/ENV/variable name that looks like it holds a secret. Shared with the image audit. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET.test(name);
}
const SECRET_FILE =
  /(^|\/)(\.env(\.(?!example|sample|template|dist)[\w-]+)?|[^/]*\.pem|[^/]*\.key|id_rsa|id_dsa|id_ecdsa|id_ed25519|\.npmrc|\.pypirc|\.netrc|credentials(\.json)?|\.git-credentials)$/;
const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/;
const URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The words of an ARG/ENV instruction's declarations (`A=1 B`, `A 1`). */
function declaredNames(i: InstructionInfo): string[] {
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
function effectiveUser(model: DockerfileModel, stage: Stage): { user?: string; line?: number } {
  const own = [...stage.instructions].reverse().find((i) => i.keyword === 'USER');
  if (own) return { user: own.args.trim(), line: own.line };
  const parent = stageRef(model, stage.image ?? stage.rawImage, stage.index);
  return parent ? effectiveUser(model, parent) : {};
}

const isRoot = (user: string) => /^(root|0)(:.*)?$/.test(user.trim());
const isShellForm = (i: InstructionInfo) => !i.args.trim().startsWith('[');
const aptInstall = /\bapt-get\s+(?:[^&|;]*\s)?install\b/;

export const RULES: Rule[] = [
  // ---------- correctness
  {
    id: 'duplicate-stage-name',
    category: 'correctness',
    severity: 'error',
    title: 'Stage names must be unique',
    why: 'Docker refuses a Dockerfile where two stages have the same name; references to it would be ambiguous.',
    fix: 'Rename one of the stages.',
    refs: ['DL3024', 'BuildKit:DuplicateStageName'],
    check: ({ model }) =>
      model.stages
        .filter((s, i) => s.name && model.stages.findIndex((t) => t.name === s.name) < i)
        .map((s) => ({ line: s.line, message: `stage name "${s.name}" is used by an earlier stage` })),
  },
  {
    id: 'copy-from-own-or-later-stage',
    category: 'correctness',
    severity: 'error',
    title: 'COPY --from must name an earlier stage',
    why: 'A stage cannot copy from itself or from a stage defined after it.',
    fix: 'Point --from at an earlier stage, or move the stage it names above this one.',
    refs: ['DL3023', 'DL3022'],
    check: ({ model }) =>
      model.stages.flatMap((stage) =>
        stage.instructions
          .filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && i.flags.from?.length)
          .flatMap((i) => {
            const from = (i.flags.from?.[0] ?? '').toLowerCase();
            const target = model.stages.find((s) => s.name === from) ?? (/^\d+$/.test(from) ? model.stages[Number(from)] : undefined);
            if (!target || target.index < stage.index) return [];
            return [{ line: i.line, message: `COPY --from=${from} refers to ${target.index === stage.index ? 'its own stage' : 'a later stage'}` }];
          }),
      ),
  },
  ...(['CMD', 'ENTRYPOINT', 'HEALTHCHECK'] as const).map((keyword): Rule => ({
    id: `multiple-${keyword.toLowerCase()}`,
    category: 'correctness',
    severity: keyword === 'CMD' ? 'warning' : 'error',
    title: `One ${keyword} per stage`,
    why: `Only the last ${keyword} of a stage takes effect; the others mislead the reader.`,
    fix: `Keep one ${keyword} per stage.`,
    refs:
      keyword === 'CMD'
        ? ['DL4003', 'BuildKit:MultipleInstructionsDisallowed']
        : keyword === 'ENTRYPOINT'
          ? ['DL4004', 'BuildKit:MultipleInstructionsDisallowed']
          : ['DL3012'],
    check: ({ model }) =>
      model.stages.flatMap((s) =>
        s.instructions
          .filter((i) => i.keyword === keyword)
          .slice(0, -1)
          .map((i) => ({ line: i.line, message: `${keyword} at line ${i.line} is overridden by a later ${keyword} in the same stage` })),
      ),
  })),
  {
    id: 'workdir-relative',
    category: 'correctness',
    severity: 'error',
    title: 'WORKDIR must be absolute',
    why: 'A relative WORKDIR depends on the previous one and on the base image, so it silently changes with them.',
    fix: 'Use an absolute path, e.g. `WORKDIR /app`.',
    refs: ['DL3000', 'BuildKit:WorkdirRelativePath'],
    check: ({ model }) =>
      all(model)
        .filter((i) => i.keyword === 'WORKDIR' && !/^["']?(\/|\$|[A-Za-z]:[\\/])/.test(i.args.trim()))
        .map((i) => ({ line: i.line, message: `WORKDIR ${i.args.trim()} is relative` })),
  },
  {
    id: 'expose-invalid',
    category: 'correctness',
    severity: 'error',
    title: 'EXPOSE needs valid ports',
    why: 'Ports are 0-65535 with an optional lower-case /tcp or /udp; anything else fails or is ignored.',
    fix: 'Write `EXPOSE 8000` or `EXPOSE 8000/udp` (container port only; publish host ports at run time).',
    refs: ['DL3011', 'BuildKit:ExposeInvalidFormat', 'BuildKit:ExposeProtoCasing'],
    check: ({ model }) =>
      all(model)
        .filter((i) => i.keyword === 'EXPOSE')
        .flatMap((i) =>
          i.args
            .split(/\s+/)
            .filter(Boolean)
            .filter((p) => !p.startsWith('$'))
            .filter((p) => {
              const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/.exec(p);
              return !m || Number(m[1]) > 65535 || (m[2] !== undefined && Number(m[2]) > 65535);
            })
            .map((p) => ({
              line: i.line,
              message: `EXPOSE ${p} is not a valid port${/:/.test(p) ? ' (host:container mappings belong to docker run -p)' : ''}`,
            })),
        ),
  },
  {
    id: 'undefined-arg-in-from',
    category: 'correctness',
    severity: 'error',
    title: 'FROM may only use ARGs declared before the first FROM',
    why: 'A variable in FROM that no global ARG declares expands to an empty string, so the build pulls the wrong image or fails.',
    fix: 'Declare it before the first FROM, with a default: `ARG BASE_IMAGE=python:3.12-slim`.',
    refs: ['BuildKit:UndefinedArgInFrom', 'BuildKit:InvalidDefaultArgInFrom'],
    check: ({ model }) =>
      model.stages.flatMap((s) =>
        // `${NAME:-default}` / `${NAME-default}` carry their own default.
        [...s.rawImage.matchAll(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_]|:?-)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))/g)]
          .map((m) => [m[0], m[1] ?? m[2]] as const)
          .filter(
            (m) =>
              !(m[1] in model.globalArgs) &&
              !['BUILDPLATFORM', 'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT', 'BUILDOS', 'BUILDARCH'].includes(m[1]),
          )
          .map((m) => ({ line: s.line, message: `FROM uses $${m[1]}, which no ARG before the first FROM declares` })),
      ),
  },
  {
    id: 'maintainer-deprecated',
    category: 'correctness',
    severity: 'warning',
    title: 'MAINTAINER is deprecated',
    why: 'MAINTAINER was deprecated in favour of labels, which tools read.',
    fix: 'Use `LABEL org.opencontainers.image.authors="name <email>"`.',
    refs: ['DL4000', 'BuildKit:MaintainerDeprecated'],
    check: ({ model }) =>
      all(model)
        .filter((i) => i.keyword === 'MAINTAINER')
        .map((i) => ({ line: i.line, message: 'MAINTAINER is deprecated' })),
  },
  // ---------- security
  {
    id: 'runs-as-root',
    category: 'security',
    severity: 'error',
    title: 'The final stage must run as a non-root user',
    why: "A process running as root in the container is root on the host's kernel: any escape or mounted path is fully exposed. hadolint only flags an explicit `USER root`; a Dockerfile with no USER at all runs as root too.",
    fix: 'Create a user (`useradd --no-log-init -l -u 10001 app`) and end the final stage with `USER 10001:10001`.',
    refs: ['DL3002', 'CIS-4.1', 'CIS-DI-0001'],
    check: (ctx) => {
      const stage = finalStage(ctx);
      if (!stage) return [];
      const { user, line } = effectiveUser(ctx.model, stage);
      if (user === undefined)
        return [{ line: stage.line, message: `the final stage (line ${stage.line}) sets no USER, so it runs as the base image's user (root)` }];
      return isRoot(user) ? [{ line, message: `the final stage runs as ${user}` }] : [];
    },
  },
  {
    id: 'sudo',
    category: 'security',
    severity: 'error',
    title: 'No sudo',
    why: 'sudo in an image gives the runtime user a way back to root, and it behaves unpredictably without a TTY.',
    fix: 'Run the step as root before the USER instruction instead.',
    refs: ['DL3004', 'DKL-DI-0001'],
    check: ({ model }) =>
      runs(model).flatMap((i) => {
        // `sudo` as a command (after a separator), or as a package being installed.
        if (/(^|&&|\|\||[;|(])\s*sudo\s/.test(i.args)) return [{ line: i.line, message: 'RUN uses sudo' }];
        if (/\b(install|add)\b[^;&|]*\ssudo(\s|$)/.test(i.args)) return [{ line: i.line, message: 'RUN installs sudo' }];
        return [];
      }),
  },
  {
    id: 'secret-in-arg-env',
    category: 'security',
    severity: 'error',
    title: 'No secrets in ARG or ENV',
    why: 'ARG and ENV values are stored in the image history and config, readable by anyone who can pull the image.',
    fix: 'Use a build secret (`RUN --mount=type=secret,id=npm ...`, `--secret id=npm,env=NPM_TOKEN`) or inject it at run time.',
    refs: ['DL3064', 'BuildKit:SecretsUsedInArgOrEnv', 'CIS-4.10', 'CIS-DI-0010'],
    check: ({ model }) =>
      all(model)
        .filter((i) => i.keyword === 'ARG' || i.keyword === 'ENV')
        .flatMap((i) =>
          declaredNames(i)
            .filter(isSecretName)
            .map((n) => ({ line: i.line, message: `${i.keyword} ${n} looks like a secret` })),
        ),
  },
  {
    id: 'copy-secret-file',
    category: 'security',
    severity: 'error',
    title: 'No secret files in the image',
    why: 'A copied .env, private key or token file stays in a layer forever, even if a later step deletes it.',
    fix: 'Use `RUN --mount=type=secret,id=...` for build-time credentials, keep the file out with .dockerignore, and inject runtime secrets.',
    refs: ['CIS-4.10', 'CIS-DI-0010', 'DKL-DI-0005'],
    check: ({ model, readContextFile }) =>
      all(model)
        .filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && !i.flags.from?.length)
        .flatMap((i) =>
          i.words
            .slice(0, -1)
            .filter((src) => SECRET_FILE.test(src.replace(/\/+$/, '')))
            .filter((src) => {
              // An .npmrc without credentials is just registry configuration.
              if (!/\.npmrc$/.test(src) || !readContextFile) return true;
              const text = readContextFile(src);
              return text === undefined || /_auth(Token)?\s*=|:_password\s*=/.test(text);
            })
            .map((src) => ({ line: i.line, message: `${i.keyword} ${src} copies a secret-looking file into the image` })),
        ),
  },
  {
    id: 'add-local-file',
    category: 'security',
    severity: 'error',
    title: 'COPY, not ADD, for local files',
    why: 'ADD also fetches URLs and unpacks archives; for plain files it hides intent and surprises reviewers.',
    fix: 'Use COPY (ADD only to unpack a local archive).',
    refs: ['DL3020', 'CIS-4.9'],
    check: ({ model }) =>
      all(model)
        .filter((i) => i.keyword === 'ADD' && !i.flags.from?.length)
        .flatMap((i) => {
          const local = i.words.slice(0, -1).filter((s) => !URL.test(s) && !s.startsWith('<<') && !ARCHIVE.test(s));
          return local.length ? [{ line: i.line, message: `ADD ${local.join(' ')}: use COPY for local files` }] : [];
        }),
  },
  {
    id: 'add-url-without-checksum',
    category: 'security',
    severity: 'warning',
    title: 'Remote ADD needs --checksum',
    why: 'Whatever the URL serves at build time ends up in the image; a checksum makes a changed or tampered download fail.',
    fix: 'Add `--checksum=sha256:<hex>`, or download in a RUN step that verifies it.',
    refs: ['DL3020', 'CIS-4.9'],
    check: ({ model }) =>
      all(model)
        .filter((i) => i.keyword === 'ADD' && !i.flags.checksum?.length)
        .flatMap((i) =>
          i.words
            .slice(0, -1)
            .filter((s) => /^https?:\/\//i.test(s))
            .map((s) => ({ line: i.line, message: `ADD ${s} without --checksum` })),
        ),
  },
  {
    id: 'base-image-latest',
    category: 'security',
    severity: 'warning',
    title: 'Tag the base image (not latest)',
    why: 'latest (or no tag) changes whenever upstream pushes: builds stop being reproducible and every layer is invalidated.',
    fix: 'Use a specific tag, ideally pinned by digest: `python:3.12-slim@sha256:...`.',
    refs: ['DL3006', 'DL3007', 'DKL-DI-0006'],
    check: (ctx) => fromAnalysis(unpinnedBaseImages(ctx.model, ctx.target, true).filter((f) => f.id === 'base-image-latest')),
  },
  {
    id: 'base-image-unpinned',
    category: 'security',
    severity: 'info',
    title: 'Pin base images by digest',
    why: 'A tag can be re-pushed; only a digest names exactly the image you reviewed.',
    fix: '`FROM name:tag@sha256:...` (`nx g @org/docker:dockerfile --pinDigests`), keeping it in an ARG so tests can override it.',
    refs: ['CIS-4.2'],
    check: (ctx) => fromAnalysis(unpinnedBaseImages(ctx.model, ctx.target, true).filter((f) => f.id === 'base-image-unpinned')),
  },
  {
    id: 'update-alone',
    category: 'security',
    severity: 'warning',
    title: 'Never run a package index update alone',
    why: 'A cached `apt-get update` layer goes stale: later installs use an old index and miss security fixes, or fail.',
    fix: 'Update and install in the same RUN: `apt-get update && apt-get install -y ...`.',
    refs: ['CIS-4.7', 'DL3009'],
    check: ({ model }) =>
      runs(model)
        .filter((i) => /\b(apt-get|apt|apk|yum|dnf)\s+(update|makecache)\b/.test(i.args) && !/\binstall\b|\badd\b|\bupgrade\b/.test(i.args))
        .map((i) => ({ line: i.line, message: 'package index update without an install in the same RUN' })),
  },
  // ---------- hygiene
  {
    id: 'apt-get-yes',
    category: 'hygiene',
    severity: 'warning',
    title: 'apt-get install -y',
    why: 'Without -y apt-get waits for an answer that never comes and the build fails.',
    fix: '`apt-get install -y --no-install-recommends ...`',
    refs: ['DL3014'],
    check: ({ model }) =>
      runs(model)
        .filter((i) => aptInstall.test(i.args) && !/\s(-\w*y\w*|--yes|--assume-yes|-qq)\b/.test(i.args))
        .map((i) => ({ line: i.line, message: 'apt-get install without -y' })),
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
      runs(model)
        .filter((i) => aptInstall.test(i.args) && !i.args.includes('--no-install-recommends'))
        .map((i) => ({ line: i.line, message: 'apt-get install without --no-install-recommends' })),
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
      runs(model)
        .filter(
          (i) =>
            aptInstall.test(i.args) &&
            !/\/var\/lib\/apt\/lists/.test(i.args) &&
            !i.mounts.some((m) => m.type === 'cache' && /^\/var\/lib\/apt/.test(m.target ?? m.dst ?? '')),
        )
        .map((i) => ({ line: i.line, message: 'apt lists stay in the layer' })),
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
      runs(model)
        .filter((i) => /(^|[\s;&|])apt\s+(install|update|upgrade|remove)\b/.test(i.args))
        .map((i) => ({ line: i.line, message: 'apt used in a RUN' })),
  },
  {
    id: 'pip-no-cache',
    category: 'hygiene',
    severity: 'warning',
    title: 'pip install --no-cache-dir, or a cache mount',
    why: "pip's download cache otherwise stays in the layer.",
    fix: 'Add `--mount=type=cache,target=/root/.cache/pip` (faster) or `--no-cache-dir`.',
    refs: ['DL3042'],
    check: ({ model }) =>
      runs(model)
        .filter((i) => /\bpip3?\s+install\b/.test(i.args) && !/--no-cache-dir/.test(i.args) && !i.mounts.some((m) => m.type === 'cache'))
        .map((i) => ({ line: i.line, message: 'pip install keeps its cache in the layer' })),
  },
  {
    id: 'pipefail',
    category: 'hygiene',
    severity: 'warning',
    title: 'set -o pipefail before a pipe',
    why: "A pipe's status is its last command's: `curl ... | tar x` succeeds even when the download failed.",
    fix: '`SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN, or start it with `set -o pipefail &&`.',
    refs: ['DL4006'],
    check: ({ model }) =>
      model.stages.flatMap((s) => {
        let pipefail = false;
        const hits: Hit[] = [];
        for (const i of s.instructions) {
          if (i.keyword === 'SHELL') pipefail = /pipefail/.test(i.args);
          if (i.keyword !== 'RUN' || !isShellForm(i)) continue;
          const body = i.args.replace(/\|\|/g, '');
          if (/\|/.test(body) && !pipefail && !/set\s+-[a-z]*o\s+pipefail|set\s+-o\s+pipefail/.test(i.args))
            hits.push({ line: i.line, message: 'RUN pipes without pipefail' });
        }
        return hits;
      }),
  },
  {
    id: 'exec-form',
    category: 'hygiene',
    severity: 'warning',
    title: 'Exec form for CMD and ENTRYPOINT',
    why: 'The shell form runs under /bin/sh -c: the process does not get SIGTERM, so stops take the full timeout and are unclean.',
    fix: 'Use JSON: `CMD ["python", "-m", "app"]`.',
    refs: ['DL3025', 'BuildKit:JSONArgsRecommended'],
    check: ({ model }) =>
      all(model)
        .filter((i) => (i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') && isShellForm(i))
        .map((i) => ({ line: i.line, message: `${i.keyword} in shell form` })),
  },
  {
    id: 'healthcheck-missing',
    category: 'hygiene',
    severity: 'warning',
    title: 'Services need a HEALTHCHECK',
    why: 'Without one, orchestrators and compose cannot tell a hung service from a healthy one.',
    fix: 'Add `HEALTHCHECK CMD ["curl", "-fsS", "http://127.0.0.1:8000/health"]` (or an equivalent) to the final stage.',
    refs: ['DL3057', 'CIS-4.6', 'CIS-DI-0006'],
    check: (ctx) => {
      const stage = finalStage(ctx);
      if (!stage || !stage.exposes.length) return [];
      const chain: Stage[] = [];
      for (let s: Stage | undefined = stage; s && !chain.includes(s); s = stageRef(ctx.model, s.image ?? s.rawImage, s.index)) chain.push(s);
      if (chain.some((s) => s.instructions.some((i) => i.keyword === 'HEALTHCHECK'))) return [];
      return [{ line: stage.line, message: `the final stage (line ${stage.line}) EXPOSEs ${stage.exposes.join(', ')} but has no HEALTHCHECK` }];
    },
  },
  // ---------- build speed
  {
    id: 'install-after-source-copy',
    category: 'speed',
    severity: 'warning',
    title: 'Install dependencies before copying the sources',
    why: 'Every source change invalidates the COPY and everything after it, so the dependency install runs again on every edit.',
    fix: 'Copy only the manifests/lockfile, install, then copy the sources.',
    refs: ['reference-guide:layer-order'],
    check: (ctx) => fromAnalysis(installAfterSourceCopy(ctx.model, ctx.target, true)),
  },
  {
    id: 'install-without-cache-mount',
    category: 'speed',
    severity: 'info',
    title: 'Cache-mount package downloads',
    why: 'When the install step re-runs, a cache mount keeps downloaded packages, so only what changed is fetched.',
    fix: '`RUN --mount=type=cache,target=/root/.cache/pip pip install ...` (npm: /root/.npm, deno: /deno-dir, apt: /var/cache/apt + /var/lib/apt with sharing=locked).',
    refs: ['reference-guide:cache-mounts'],
    check: (ctx) => fromAnalysis(installWithoutCacheMount(ctx.model, ctx.target, true)),
  },
  {
    id: 'copy-ignored-file',
    category: 'speed',
    severity: 'error',
    title: 'COPY of a file .dockerignore excludes',
    why: '.dockerignore keeps the file out of the context, so the COPY fails or silently copies nothing.',
    fix: 'Remove the COPY, or re-include the path in .dockerignore with `!path`.',
    refs: ['BuildKit:CopyIgnoredFile'],
    check: ({ model, ignore }) => {
      if (!ignore?.length) return [];
      const excluded = ignoreMatcher(ignore);
      return all(model)
        .filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && !i.flags.from?.length)
        .flatMap((i) =>
          i.words
            .slice(0, -1)
            .filter((s) => !URL.test(s) && !/[*?[$]/.test(s) && s !== '.' && !s.startsWith('<<'))
            .map((s) => s.replace(/^\.\//, '').replace(/\/+$/, ''))
            .filter((s) => s && excluded(s))
            .map((s) => ({ line: i.line, message: `${i.keyword} ${s}: .dockerignore excludes it, so it never reaches the build` })),
        );
    },
  },
  {
    id: 'no-dockerignore',
    category: 'speed',
    severity: 'warning',
    title: 'Every context needs a .dockerignore',
    why: 'Without one the whole directory (VCS data, dependencies, build output, local secrets) is sent and can end up in the image.',
    fix: 'Add a deny-by-default .dockerignore: `*`, then `!` each path the Dockerfile copies.',
    refs: ['reference-guide:dockerignore'],
    check: ({ model, ignore, contextFiles }) => {
      if (ignore !== undefined || contextFiles === undefined) return [];
      const copies = all(model).find((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && !i.flags.from?.length);
      return copies ? [{ line: copies.line, message: 'the build context has no .dockerignore' }] : [];
    },
  },
  {
    id: 'dockerignore-lets-through',
    category: 'speed',
    severity: 'warning',
    title: '.dockerignore must keep VCS, dependency and build directories out',
    why: 'They are large, change constantly (busting the cache of every COPY that covers them) and may hold secrets.',
    fix: 'Add them to .dockerignore (or go deny-by-default).',
    refs: ['reference-guide:dockerignore', 'DKL-LI-0003'],
    check: ({ ignore, contextFiles }) => {
      if (!contextFiles) return [];
      const excluded = ignoreMatcher(ignore ?? []);
      const dirs = new Set<string>();
      for (const f of contextFiles) {
        const parts = f.split('/');
        const at = parts.findIndex((p, k) => k < parts.length - 1 && HEAVY_DIRS.includes(p));
        if (at >= 0 && !excluded(f)) dirs.add(parts.slice(0, at + 1).join('/'));
      }
      return [...dirs].sort().map((d) => ({ message: `${d}/ is in the context and .dockerignore lets it through` }));
    },
  },
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
