// docker-lint rules. Hygiene: package-manager flags and caches, shell behaviour, exec form, health checks.
import { nonPosixShell, stageChain } from '../dockerfile';
import { runs, finalStage, isShellForm, aptInstall, all, declaredNames, type Hit, type Rule } from './rule';

/** `-y`, `--yes`, `--assume-yes`, or quiet level 2 (`-qq`, `-q=2`, `--quiet --quiet`), which implies yes. */
function assumesYes(args: string): boolean {
  if (/\s(-[a-zA-Z]*y[a-zA-Z]*|--yes|--assume-yes)(\s|$)/.test(args)) return true;
  // -q, -qq, -q=2, --quiet (each --quiet counts one): two or more imply -y.
  const quiet = [...args.matchAll(/\s(?:-(q+)(?:=(\d))?|--quiet)(?=\s|$)/g)].reduce((n, m) => n + (m[2] ? Number(m[2]) : m[1] ? m[1].length : 1), 0);
  return quiet >= 2;
}

/** The text outside single and double quotes. */
function unquoted(text: string): string {
  return text.replace(/'[^']*'|"(?:\\.|[^"\\])*"/g, '""');
}

export const HYGIENE_RULES: Rule[] = [
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
        .filter((i) => aptInstall.test(i.args) && !assumesYes(i.args))
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
        .filter((i) => aptInstall.test(i.args) && !i.args.includes('--no-install-recommends') && !/APT::Install-Recommends=(false|0|no)\b/i.test(i.args))
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
            !/\bapt-get\s+(?:[^&|;]*\s)?dist-clean\b/.test(i.args) &&
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
      model.stages.flatMap((stage) => {
        // PIP_NO_CACHE_DIR in the environment (this stage or one it builds on) turns the cache off for every pip.
        if (stageChain(model, stage).some((s) => s.instructions.some((i) => i.keyword === 'ENV' && declaredNames(i).includes('PIP_NO_CACHE_DIR')))) return [];
        return stage.instructions
          .filter((i) => i.keyword === 'RUN' && !nonPosixShell(stage, i))
          .filter((i) => /\b(?:pip(?:[23](?:\.\d+)?)?|python[23]?(?:\.\d+)?\s+-m\s+pip)\s+install\b/.test(i.args))
          .filter((i) => !/--no-cache-dir/.test(i.args) && !i.mounts.some((m) => m.type === 'cache' || m.type === 'tmpfs'))
          .map((i) => ({ line: i.line, message: 'pip install keeps its cache in the layer' }));
      }),
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
          if (i.keyword !== 'RUN' || !isShellForm(i) || nonPosixShell(s, i)) continue;
          // A | inside quotes (`sed "s|a|b|"`) is text, not a pipe.
          const body = unquoted(i.args).replace(/\|\|/g, '');
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
      if (stageChain(ctx.model, stage).some((s) => s.instructions.some((i) => i.keyword === 'HEALTHCHECK'))) return [];
      return [{ line: stage.line, message: `the final stage (line ${stage.line}) EXPOSEs ${stage.exposes.join(', ')} but has no HEALTHCHECK` }];
    },
  },
  // ---------- build speed
];
