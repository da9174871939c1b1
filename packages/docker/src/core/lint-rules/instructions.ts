// docker-lint rules. Instructions that do not do what they say: ENV reading itself, relative COPY
// destinations, reserved stage names, names a host cannot resolve, FROM --platform, ONBUILD
// triggers Docker refuses, casing BuildKit warns about.
import { normalizeRepository, registryOf, splitReference } from '../image-ref';
import { stageChain, stageRef, type Stage } from '../dockerfile';
import { all, finalStage, type Rule } from './rule';

const unquote = (w: string) => w.replace(/^(["'])(.*)\1$/, '$2');
const absolute = (p: string) => /^(\/|\$|[A-Za-z]:[\\/])/.test(unquote(p));

/** The raw keyword of the instruction on `line` (casing rules read the file as written). */
const keywordAt = (text: string | undefined, line: number) => /^\s*(\w+)/.exec(text?.split(/\r?\n/)[line - 1] ?? '')?.[1];

export const INSTRUCTION_RULES: Rule[] = [
  {
    id: 'env-self-reference',
    category: 'correctness',
    severity: 'error',
    title: 'ENV must not use a variable it defines itself',
    why: 'Variables in ENV expand before the instruction runs: in `ENV A=1 B=$A`, B gets the old A (usually empty), not 1.',
    fix: 'Split it: `ENV A=1` then `ENV B=$A`.',
    refs: ['DL3044'],
    check: ({ model }) =>
      all(model)
        .filter((i) => i.keyword === 'ENV')
        .flatMap((i) =>
          i.pairs.flatMap((p, k) => {
            const earlier = i.pairs.slice(0, k).map((q) => q.name);
            const used = [...(p.value ?? '').matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]).filter((n) => earlier.includes(n));
            return used.length ? [{ line: i.line, message: `ENV ${p.name} uses $${used[0]}, which the same ENV defines` }] : [];
          }),
        ),
  },
  {
    id: 'copy-relative-without-workdir',
    wholeImage: true,
    category: 'correctness',
    severity: 'warning',
    title: 'COPY to a relative path needs a WORKDIR',
    why: 'A relative destination lands under whatever directory the base image set (often /), which changes with the base image.',
    fix: 'Set `WORKDIR /app` first, or copy to an absolute path.',
    refs: ['DL3045'],
    check: ({ model }) =>
      model.stages.flatMap((stage) => {
        // A WORKDIR in a stage this one builds FROM counts.
        const inherited = stageChain(model, stage)
          .slice(1)
          .some((s) => s.instructions.some((i) => i.keyword === 'WORKDIR'));
        let workdir = inherited;
        return stage.instructions.flatMap((i) => {
          if (i.keyword === 'WORKDIR') workdir = true;
          if ((i.keyword !== 'COPY' && i.keyword !== 'ADD') || workdir) return [];
          const dest = i.words.at(-1);
          return dest && !absolute(dest) ? [{ line: i.line, message: `${i.keyword} to ${dest} with no WORKDIR set` }] : [];
        });
      }),
  },
  {
    id: 'copy-multiple-to-non-dir',
    category: 'correctness',
    severity: 'error',
    title: 'COPY of several sources needs a destination ending in /',
    why: 'Docker refuses to copy several sources to something that is not a directory.',
    fix: 'End the destination with `/`: `COPY a.txt b.txt /app/`.',
    refs: ['DL3021'],
    check: ({ model }) =>
      all(model)
        .filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && i.words.length > 2 && !i.words.some((w) => w.startsWith('<<')))
        .filter((i) => !unquote(i.words.at(-1) ?? '').endsWith('/') && !/^\$/.test(unquote(i.words.at(-1) ?? '')))
        .map((i) => ({ line: i.line, message: `${i.keyword} of ${i.words.length - 1} sources to ${i.words.at(-1)}, which does not end with /` })),
  },
  {
    id: 'copy-whole-filesystem',
    category: 'correctness',
    severity: 'warning',
    title: 'Do not copy a whole filesystem from another stage',
    why: '`COPY --from=x / /` overwrites every file of this stage, including its OS, users and certificates.',
    fix: 'Copy the directories you need: `COPY --from=build /app /app`.',
    refs: ['DL3067'],
    // From a stage only: `COPY --from=<tool image> / /` is how scratch images holding only a tool's files are used.
    check: ({ model }) =>
      model.stages.flatMap((stage) =>
        stage.instructions
          .filter((i) => i.keyword === 'COPY' && stageRef(model, i.flags.from?.[0], stage.index))
          .filter((i) => unquote(i.words.at(-1) ?? '') === '/' && i.words.slice(0, -1).some((w) => unquote(w) === '/'))
          .map((i) => ({ line: i.line, message: `COPY --from=${i.flags.from?.[0]} / / copies a whole filesystem` })),
      ),
  },
  {
    id: 'reserved-stage-name',
    category: 'correctness',
    severity: 'error',
    title: 'Stage names must not be reserved words',
    why: '`scratch` and `context` mean something else to Docker; a stage named so cannot be referred to reliably.',
    fix: 'Rename the stage.',
    refs: ['DL3063', 'BuildKit:ReservedStageName'],
    check: ({ model }) =>
      model.stages.filter((s) => s.name === 'scratch' || s.name === 'context').map((s) => ({ line: s.line, message: `stage name "${s.name}" is reserved` })),
  },
  {
    id: 'user-not-numeric',
    category: 'security',
    severity: 'info',
    title: 'USER by number',
    why: "A user name is resolved from the image's /etc/passwd; Kubernetes `runAsNonRoot` cannot verify a name and refuses the pod, and the host cannot map it.",
    fix: '`USER 10001:10001` (the UID/GID you created).',
    refs: ['DL3066'],
    check: ({ model }) =>
      model.stages.flatMap((stage) => {
        // Windows users have no UID.
        if (/windows|nanoserver|servercore/i.test(stageChain(model, stage).at(-1)?.image ?? '')) return [];
        const args = new Set(stage.instructions.filter((i) => i.keyword === 'ARG').flatMap((i) => i.pairs.map((p) => p.name)));
        return stage.instructions
          .filter((i) => i.keyword === 'USER')
          .filter((i) => {
            const user = unquote(i.args.trim()).split(':')[0];
            // root is uid 0 everywhere (runs-as-root judges it); a user from an ARG is decided at build time.
            return !/^\d+$/.test(user) && user !== 'root' && !(user.startsWith('$') && [...args].some((a) => user.includes(a)));
          })
          .map((i) => ({ line: i.line, message: `USER ${i.args.trim()} is a name, not a UID` }));
      }),
  },
  {
    id: 'from-platform-flag',
    category: 'correctness',
    severity: 'warning',
    title: 'FROM --platform only with a build variable',
    why: 'A fixed `--platform=linux/amd64` makes the image the wrong architecture on every other platform; `--platform=$TARGETPLATFORM` is what FROM does anyway.',
    fix: 'Drop the flag, or use `--platform=$BUILDPLATFORM` for a cross-compiling build stage.',
    refs: ['DL3029', 'DL3065', 'BuildKit:FromPlatformFlagConstDisallowed', 'BuildKit:RedundantTargetPlatform'],
    check: ({ model }) =>
      model.stages.flatMap((s: Stage) => {
        if (!s.platform) return [];
        if (/^\$\{?TARGETPLATFORM\}?$/.test(s.platform)) return [{ line: s.line, message: 'FROM --platform=$TARGETPLATFORM is the default' }];
        return s.platform.includes('$') ? [] : [{ line: s.line, message: `FROM --platform=${s.platform} is fixed` }];
      }),
  },
  {
    id: 'onbuild-invalid',
    category: 'correctness',
    severity: 'error',
    title: 'ONBUILD cannot trigger ONBUILD, FROM or MAINTAINER',
    why: 'Docker refuses these as ONBUILD triggers.',
    fix: 'Remove the trigger.',
    refs: ['DL3043'],
    check: ({ model }) =>
      all(model)
        .filter((i) => i.keyword === 'ONBUILD' && /^\s*(ONBUILD|FROM|MAINTAINER)\b/i.test(i.args))
        .map((i) => ({ line: i.line, message: `ONBUILD ${i.args.trim().split(/\s+/)[0].toUpperCase()} is not allowed` })),
  },
  {
    id: 'keyword-casing',
    category: 'hygiene',
    severity: 'info',
    title: 'Consistent casing of keywords and stage names',
    why: 'BuildKit warns on mixed-case instructions, on `FROM ... as` casing that differs from FROM, and on stage names with capitals (they are matched case-insensitively).',
    fix: 'Write instructions and `AS` in upper case and stage names in lower case.',
    refs: ['BuildKit:ConsistentInstructionCasing', 'BuildKit:FromAsCasing', 'BuildKit:StageNameCasing'],
    wholeImage: true,
    check: ({ model, text }) => {
      if (!text) return [];
      const lines = [...model.stages.map((s) => s.line), ...all(model).map((i) => i.line)].sort((a, b) => a - b);
      const words = lines.map((l) => ({ line: l, word: keywordAt(text, l) ?? '' })).filter((w) => w.word);
      const upper = words.filter((w) => w.word === w.word.toUpperCase()).length;
      const majority = upper * 2 >= words.length ? 'upper' : 'lower';
      const hits = words
        .filter((w) => (majority === 'upper' ? w.word !== w.word.toUpperCase() : w.word !== w.word.toLowerCase()))
        .map((w) => ({ line: w.line, message: `${w.word} is not ${majority} case like the other instructions` }));
      for (const s of model.stages) {
        const m = /^\s*(\w+)\s.*?\s(as)\s+(\S+)\s*$/i.exec(text.split(/\r?\n/)[s.line - 1] ?? '');
        if (!m) continue;
        if ((m[1] === m[1].toUpperCase()) !== (m[2] === m[2].toUpperCase()))
          hits.push({ line: s.line, message: `'${m[2]}' and '${m[1]}' casing do not match` });
        if (m[3] !== m[3].toLowerCase()) hits.push({ line: s.line, message: `stage name ${m[3]} is not lower case` });
      }
      return hits;
    },
  },
  {
    id: 'registry-not-allowed',
    category: 'security',
    severity: 'error',
    title: 'FROM only from allowed registries (policy)',
    why: 'Your organisation lists the registries images may come from (plugin option `lint.allowedRegistries`); anything else has not been vetted or mirrored.',
    fix: 'Pull the image through an allowed registry (mirror it), or add the registry to `lint.allowedRegistries`.',
    refs: ['DL3026'],
    wholeImage: true,
    check: ({ model, policy, workspaceImages }) => {
      const allowed = policy?.allowedRegistries;
      if (!allowed?.length) return [];
      const names = new Set(model.stages.map((s) => s.name));
      return model.stages.flatMap((s) => {
        const image = s.image ?? s.rawImage;
        if (
          image === 'scratch' ||
          names.has(image.toLowerCase()) ||
          image.includes('$') ||
          workspaceImages?.includes(splitReference(image.split('@')[0]).repository)
        )
          return [];
        const registry = registryOf(image);
        // Docker Hub short names in full (`python` -> `docker.io/library/python`), so a namespace prefix can match.
        const short = normalizeRepository(image);
        const full =
          registry === 'docker.io' ? `docker.io/${short.includes('/') ? short : `library/${short}`}` : splitReference(image.split('@')[0]).repository;
        const ok = allowed.some((a) => a === registry || a === '*' || full === a || full.startsWith(`${a.replace(/\/+$/, '')}/`));
        return ok ? [] : [{ line: s.line, message: `${image} comes from ${registry}, which is not an allowed registry (${allowed.join(', ')})` }];
      });
    },
  },
  {
    id: 'label-required',
    category: 'hygiene',
    severity: 'warning',
    title: 'Required labels are set (policy)',
    why: 'Your organisation requires labels (plugin option `lint.requiredLabels`), e.g. org.opencontainers.image.source, so images can be traced to their repository and owner.',
    fix: '`LABEL org.opencontainers.image.source="https://github.com/acme/app"` in the final stage (or a stage it builds on).',
    refs: ['DL3049'],
    wholeImage: true,
    check: ({ model, policy, target }) => {
      const required = policy?.requiredLabels;
      const stage = finalStage({ model, target });
      if (!required?.length || !stage) return [];
      const set = new Set(
        stageChain(model, stage).flatMap((s) => s.instructions.filter((i) => i.keyword === 'LABEL').flatMap((i) => i.pairs.map((p) => p.name))),
      );
      const missing = required.filter((l) => !set.has(l));
      return missing.length ? [{ line: stage.line, message: `the final stage (line ${stage.line}) has no label ${missing.join(', ')}` }] : [];
    },
  },
  {
    id: 'label-invalid',
    category: 'hygiene',
    severity: 'warning',
    title: 'Label keys are valid and values are not empty',
    why: 'Keys should be reverse-DNS lower case (`org.opencontainers.image.title`); an empty value says nothing and overrides a base image value with nothing.',
    fix: 'Use lower-case keys of letters, digits, dots and dashes, and give each a value.',
    refs: ['DL3048', 'DL3051'],
    check: ({ model }) =>
      all(model)
        .filter((i) => i.keyword === 'LABEL')
        .flatMap((i) =>
          i.pairs.flatMap((p) => {
            if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(p.name) || /\.\.|--/.test(p.name) || /^(com\.docker|io\.docker|org\.dockerproject)\./.test(p.name))
              return [{ line: i.line, message: `label key ${p.name} is not a valid key` }];
            return !p.value?.trim() ? [{ line: i.line, message: `label ${p.name} is empty` }] : [];
          }),
        ),
  },
];
