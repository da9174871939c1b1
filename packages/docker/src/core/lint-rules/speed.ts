// docker-lint rules. Build speed: layer order, cache mounts, what the context sends.
import { installAfterSourceCopy, installWithoutCacheMount } from '../analysis';
import { ignoreMatcher } from '../dockerignore';
import { HEAVY_DIRS } from '../context-size';
import { fromAnalysis, URL, all, type Rule } from './rule';

export const SPEED_RULES: Rule[] = [
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
    wholeImage: true,
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
    wholeImage: true,
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
    wholeImage: true,
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
