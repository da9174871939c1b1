// docker-lint rules. Hygiene of the image's run-time interface: exec form, health checks.
import { stageChain } from '../dockerfile';
import { finalStage, isShellForm, all, type Rule } from './rule';

export const HYGIENE_RULES: Rule[] = [
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
    wholeImage: true,
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
];
