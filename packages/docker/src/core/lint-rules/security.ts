// docker-lint rules. Security: root, secrets, unverified downloads, unpinned bases.
import { unpinnedBaseImages } from '../analysis';
import { stageChain } from '../dockerfile';
import { splitReference } from '../image-ref';
import { installs, isIndexUpdate } from '../package-managers';
import { shellRuns, finalStage, fromAnalysis, isSecretName, SECRET_FILE, ARCHIVE, URL, declaredNames, effectiveUser, isRoot, all, type Rule } from './rule';

/** A base image that runs as a non-root user by default: distroless `:nonroot` tags, Chainguard images other than `-dev`. */
export function nonRootBase(image: string): boolean {
  const { repository, tag } = splitReference(image.split('@')[0]);
  if (/(^|[-_.])nonroot($|[-_.])/.test(tag ?? '')) return true;
  return /^cgr\.dev\/chainguard\//.test(repository) && !/(^|-)dev$/.test(tag ?? 'latest');
}

export const SECURITY_RULES: Rule[] = [
  {
    id: 'runs-as-root',
    wholeImage: true,
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
      if (user === undefined) {
        const base = stageChain(ctx.model, stage).at(-1)?.image;
        // Images whose own default user is not root (distroless :nonroot, Chainguard's non-dev tags).
        if (base && nonRootBase(base)) return [];
        return [{ line: stage.line, message: `the final stage (line ${stage.line}) sets no USER, so it runs as the base image's user (root)` }];
      }
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
      shellRuns(model).flatMap((r) => {
        if (r.script.commands.some((c) => c.name === 'sudo' || c.via.includes('sudo'))) return [{ line: r.run.line, message: 'RUN uses sudo' }];
        if (installs(r.script).some((i) => i.packages.some((p) => p.split(/[=<>~:]/)[0] === 'sudo')))
          return [{ line: r.run.line, message: 'RUN installs sudo' }];
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
          const unquote = (w: string) => w.replace(/^(["'])(.*)\1$/, '$2');
          const local = i.words
            .slice(0, -1)
            .map(unquote)
            .filter((s) => !URL.test(s) && !s.startsWith('<<') && !ARCHIVE.test(s));
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
    refs: ['CIS-4.9', 'BuildKit:ADD --checksum'],
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
    wholeImage: true,
    category: 'security',
    severity: 'warning',
    title: 'Tag the base image (not latest)',
    why: 'latest (or no tag) changes whenever upstream pushes: builds stop being reproducible and every layer is invalidated.',
    fix: 'Use a specific tag, ideally pinned by digest: `python:3.12-slim@sha256:...`.',
    refs: ['DL3006', 'DL3007', 'DKL-DI-0006'],
    check: (ctx) => fromAnalysis(unpinnedBaseImages(ctx.model, ctx.target, true, ctx.workspaceImages).filter((f) => f.id === 'base-image-latest')),
  },
  {
    id: 'base-image-unpinned',
    wholeImage: true,
    category: 'security',
    severity: 'info',
    title: 'Pin base images by digest',
    why: 'A tag can be re-pushed; only a digest names exactly the image you reviewed.',
    fix: '`FROM name:tag@sha256:...` (`nx g @org/docker:dockerfile --pinDigests`), keeping it in an ARG so tests can override it.',
    refs: ['CIS-4.2'],
    check: (ctx) => fromAnalysis(unpinnedBaseImages(ctx.model, ctx.target, true, ctx.workspaceImages).filter((f) => f.id === 'base-image-unpinned')),
  },
  {
    id: 'update-alone',
    category: 'security',
    severity: 'warning',
    title: 'Never run a package index update alone',
    why: 'A cached `apt-get update` layer goes stale: later installs use an old index and miss security fixes, or fail.',
    fix: 'Update and install in the same RUN: `apt-get update && apt-get install -y ...`.',
    refs: ['CIS-4.7'],
    check: ({ model }) =>
      shellRuns(model)
        .filter(
          (r) =>
            r.script.commands.some(isIndexUpdate) &&
            !installs(r.script).length &&
            !r.script.commands.some((c) => ['upgrade', 'dist-upgrade', 'full-upgrade'].includes(c.args[0])),
        )
        .map((r) => ({ line: r.run.line, message: 'package index update without an install in the same RUN' })),
  },
];
