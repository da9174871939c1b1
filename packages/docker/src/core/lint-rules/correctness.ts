// docker-lint rules. Correctness: Docker would refuse the file, or it does not do what it says.
import { all, type Rule } from './rule';

export const CORRECTNESS_RULES: Rule[] = [
  {
    id: 'duplicate-stage-name',
    wholeImage: true,
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
            // A port from a variable (`$PORT`, `40000-${PORT_END}`) is known only at build time.
            .filter((p) => !p.includes('$'))
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
    wholeImage: true,
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
];
