// The Dockerfile model: what a Dockerfile builds from, what it reads from the build
// context, and which stages a target needs. Parsing is dockerfile-ast's; validation is
// dockerfile-utils' (the VS Code Docker language server's rules), so a broken
// Dockerfile is reported with its line before Docker is ever called.
import { DockerfileParser, type Instruction, type Flag } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

import type { DockerfileProblem } from './problems';

export { formatProblems, type DockerfileProblem } from './problems';

/** A read from the build context (or another source) by COPY, ADD or RUN --mount=type=bind. */
export interface SourceRead {
  kind: 'COPY' | 'ADD' | 'MOUNT';
  line: number;
  /** Source paths with variables substituted; undefined entries could not be resolved. */
  sources: Array<string | undefined>;
  /** --from (COPY/ADD) or from= (mount): a stage, an image or a named build context. */
  from?: string;
}

/** One instruction of a stage (after its FROM), for analysis: lint rules and perf diagnosis. */
export interface InstructionInfo {
  /** Upper case: RUN, COPY, ... */
  keyword: string;
  line: number;
  /** Arguments without flags, as written (continuations kept). */
  args: string;
  /** Flags as name -> values (`--mount` can repeat); `--mount` values parsed into `mounts`. */
  flags: Record<string, string[]>;
  mounts: Array<Record<string, string>>;
  /** COPY/ADD: source words then the destination (JSON form read exactly; heredoc bodies left out). */
  words: string[];
  /** The whole instruction on one line, whitespace collapsed, as BuildKit names its step. */
  text: string;
  /** ARG / ENV / LABEL: the declared names and values as written (quotes removed). */
  pairs: Array<{ name: string; value: string | undefined }>;
}

export interface Stage {
  index: number;
  name?: string;
  line: number;
  /** The FROM image reference with ARG defaults (and build-arg overrides) substituted. */
  image: string | undefined;
  /** The FROM reference as written, e.g. `${BASE_IMAGE}`. */
  rawImage: string;
  /** FROM --platform, as written. */
  platform?: string;
  reads: SourceRead[];
  /** Ports from EXPOSE, as written (`8000`, `8000/tcp`). */
  exposes: string[];
  instructions: InstructionInfo[];
}

export interface DockerfileModel {
  stages: Stage[];
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string | undefined>;
  /** Problems that make Docker refuse the file. */
  errors: DockerfileProblem[];
}

type Lookup = (name: string) => string | undefined;

/** The index of the `}` closing the `${` that opens at `open`, counting nested `${…}`; -1 if none. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/**
 * Substitutes variables the way Dockerfile word expansion does: `$VAR`, `${VAR}`,
 * `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`, with words that hold
 * expansions themselves (`${DIGEST:+@${DIGEST}}`). Undefined when a variable cannot be resolved.
 */
export function substitute(value: string, lookup: Lookup): string | undefined {
  let unresolved = false;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const bare = value[i] === '$' ? /^[A-Za-z_][A-Za-z0-9_]*/.exec(value.slice(i + 1)) : null;
    if (bare) {
      const v = lookup(bare[0]);
      if (v === undefined) unresolved = true;
      out += v ?? '';
      i += bare[0].length;
      continue;
    }
    const end = value[i] === '$' && value[i + 1] === '{' ? closingBrace(value, i) : -1;
    const inner = end > 0 ? /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([\s\S]*))?$/.exec(value.slice(i + 2, end)) : null;
    if (!inner) {
      out += value[i];
      continue;
    }
    const [, name, op, rawWord] = inner;
    const v = lookup(name);
    const word = () => {
      const w = substitute(rawWord ?? '', lookup);
      if (w === undefined) unresolved = true;
      return w ?? '';
    };
    if (op === ':-') out += v ? v : word();
    else if (op === '-') out += v !== undefined ? v : word();
    else if (op === ':+') out += v ? word() : '';
    else if (op === '+') out += v !== undefined ? word() : '';
    else {
      if (v === undefined) unresolved = true;
      out += v ?? '';
    }
    i = end;
  }
  return unresolved ? undefined : out;
}

function flagValue(flags: Flag[], name: string): string | undefined {
  const f = flags.find((x) => x.getName().toLowerCase() === name);
  return f?.getValue() ?? undefined;
}

function flagsOf(instruction: Instruction): Flag[] {
  const withFlags = instruction as Instruction & { getFlags?: () => Flag[] };
  return typeof withFlags.getFlags === 'function' ? withFlags.getFlags() : [];
}

/** Source and destination words of COPY/ADD; heredoc bodies carry no context files. */
function copyWords(instruction: Instruction): string[] {
  const json = instruction as Instruction & { getJSONStrings?: () => unknown[] };
  if ((json.getJSONStrings?.() ?? []).length > 0) {
    // dockerfile-ast drops spaces inside JSON strings, so read the array from the raw text.
    const raw = (instruction.getRawArgumentsContent() ?? '').replace(/\\\r?\n/g, '');
    try {
      const parsed: unknown = JSON.parse(raw.slice(raw.indexOf('[')));
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // fall through to the shell-form words
    }
  }
  const words = instruction.getArguments().map((a) => a.getValue());
  const heredoc = words.findIndex((w) => w.startsWith('<<'));
  // Only the words before the first heredoc are sources; the last entry stands for the destination.
  if (heredoc >= 0) return [...words.slice(0, heredoc), ''];
  return words;
}

function isRemote(source: string): boolean {
  // URLs and git sources are fetched by BuildKit, not read from the context.
  return /^(https?:\/\/|git@|git:\/\/|ssh:\/\/)/.test(source);
}

function parseMount(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) out[part.trim()] = 'true';
    else out[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim();
  }
  return out;
}

export interface ParseOptions {
  /** --build-arg values; they override ARG defaults in FROM and COPY sources. */
  buildArgs?: Record<string, string | undefined>;
  /** The target platform (`linux/amd64`): BuildKit's automatic platform ARGs take their values from it. */
  platform?: string;
}

/**
 * BuildKit's automatic platform ARGs (TARGETPLATFORM, TARGETOS, ... BUILDARCH): they have values
 * without being declared in the global scope (FROM lines), and inside a stage once declared
 * with `ARG NAME` and no default. Here the build and target platform are the same.
 */
export function platformArgs(platform: string): Record<string, string> {
  const [os = 'linux', arch = 'amd64', variant = ''] = platform.split('/');
  const args: Record<string, string> = {};
  for (const side of ['TARGET', 'BUILD']) {
    Object.assign(args, { [`${side}PLATFORM`]: platform, [`${side}OS`]: os, [`${side}ARCH`]: arch, [`${side}VARIANT`]: variant });
  }
  return args;
}

type WithProperties = Instruction & { getProperties?: () => Array<{ getName(): string; getValue(): string | null }> };

/** ARG / ENV name-value pairs with quotes removed as Docker does (`ARG APP="api"` is `api`). */
function properties(instruction: Instruction): Array<{ name: string; value: string | undefined; hasValue: boolean }> {
  return ((instruction as WithProperties).getProperties?.() ?? []).map((p) => {
    const value = p.getValue();
    return { name: p.getName(), value: value ?? undefined, hasValue: value !== null };
  });
}

/** The last models parsed: inference asks for one text's model twice (context inference, then the plan). */
const recent = new Map<string, DockerfileModel>();
const RECENT = 16;

/** The model of a Dockerfile text for these options; parsed once, then shared (read-only). */
export function parseDockerfile(content: string, options: ParseOptions = {}): DockerfileModel {
  const key = JSON.stringify([content, options.buildArgs ?? {}, options.platform ?? '']);
  const known = recent.get(key);
  if (known) return known;
  const model = parseUncached(content, options);
  if (recent.size >= RECENT) recent.delete(recent.keys().next().value as string);
  recent.set(key, model);
  return model;
}

function parseUncached(content: string, options: ParseOptions): DockerfileModel {
  const buildArgs = options.buildArgs ?? {};
  const dockerfile = DockerfileParser.parse(content);
  const errors = validate(content)
    .filter((d) => d.severity === 1)
    .map((d) => ({ line: d.range.start.line + 1, message: typeof d.message === 'string' ? d.message : d.message.value }));

  const automatic = options.platform ? platformArgs(options.platform) : {};
  const globalArgs: Record<string, string | undefined> = {};
  for (const arg of dockerfile.getInitialARGs()) {
    for (const p of properties(arg)) globalArgs[p.name] = p.value;
  }
  const globalLookup: Lookup = (name) => (name in buildArgs ? buildArgs[name] : name in globalArgs ? globalArgs[name] : automatic[name]);

  const stages: Stage[] = [];
  let current: Stage | undefined;
  // Variables in scope in the current stage: redeclared global ARGs, stage ARGs, ENVs.
  let scope: Record<string, string | undefined> = {};
  const lookup: Lookup = (name) => (name in scope ? scope[name] : undefined);

  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase();
    const line = instruction.getRange().start.line + 1;
    if (keyword === 'FROM') {
      const rest = instruction.getArguments().map((a) => a.getValue());
      const rawImage = rest[0] ?? '';
      const asIndex = rest.findIndex((w) => w.toLowerCase() === 'as');
      current = {
        index: stages.length,
        name: asIndex >= 0 ? rest[asIndex + 1]?.toLowerCase() : undefined,
        line,
        image: substitute(rawImage, globalLookup),
        rawImage,
        platform: flagValue(flagsOf(instruction), 'platform'),
        reads: [],
        exposes: [],
        instructions: [],
      };
      stages.push(current);
      scope = {};
      continue;
    }
    if (!current) continue; // ARGs before the first FROM are handled above
    const flags: Record<string, string[]> = {};
    for (const f of flagsOf(instruction)) (flags[f.getName().toLowerCase()] ??= []).push(f.getValue() ?? '');
    current.instructions.push({
      keyword,
      line,
      args: instruction.getArgumentsContent() ?? '',
      flags,
      mounts: (flags.mount ?? []).map(parseMount),
      words: keyword === 'COPY' || keyword === 'ADD' ? copyWords(instruction) : [],
      text: (instruction.getTextContent() ?? '')
        .replace(/\\\r?\n/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
      pairs: ['ARG', 'ENV', 'LABEL'].includes(keyword) ? properties(instruction).map(({ name, value }) => ({ name, value })) : [],
    });
    if (keyword === 'ARG') {
      for (const { name, value, hasValue } of properties(instruction)) {
        if (name in buildArgs) scope[name] = buildArgs[name];
        else if (hasValue) scope[name] = substitute(value ?? '', lookup);
        else scope[name] = name in globalArgs ? globalArgs[name] : automatic[name];
      }
    } else if (keyword === 'ENV') {
      for (const p of properties(instruction)) scope[p.name] = substitute(p.value ?? '', lookup);
    } else if (keyword === 'COPY' || keyword === 'ADD') {
      const words = copyWords(instruction);
      const sources = words.slice(0, -1).filter((s) => !isRemote(s));
      const from = flagValue(flagsOf(instruction), 'from');
      if (words.length >= 2 || from) {
        current.reads.push({
          kind: keyword,
          line,
          sources: sources.map((s) => substitute(s, lookup)),
          from: from === undefined ? undefined : (substitute(from, lookup) ?? from),
        });
      }
    } else if (keyword === 'RUN') {
      for (const flag of flagsOf(instruction)) {
        if (flag.getName().toLowerCase() !== 'mount') continue;
        const mount = parseMount(flag.getValue() ?? '');
        if ((mount.type ?? 'bind') !== 'bind') continue;
        current.reads.push({
          kind: 'MOUNT',
          line,
          sources: [substitute(mount.source ?? mount.src ?? '.', lookup)],
          from: mount.from,
        });
      }
    } else if (keyword === 'EXPOSE') {
      for (const arg of instruction.getArguments()) {
        const port = substitute(arg.getValue(), lookup);
        if (port) current.exposes.push(port);
      }
    }
  }
  if (stages.length === 0 && errors.length === 0) {
    errors.push({ line: 1, message: 'no FROM instruction: a Dockerfile must start its first stage with FROM' });
  }
  return { stages, globalArgs, errors };
}

/** The stage a build of `target` ends in (default: the last one). */
export function findStage(model: DockerfileModel, target?: string): Stage | undefined {
  if (!target) return model.stages[model.stages.length - 1];
  return model.stages.find((s) => s.name === target.toLowerCase());
}

/** Resolves `--from` / `FROM` references to an earlier stage of the same Dockerfile. */
export function stageRef(model: DockerfileModel, ref: string | undefined, before: number): Stage | undefined {
  if (ref === undefined) return undefined;
  if (/^\d+$/.test(ref)) {
    const i = Number(ref);
    return i < before ? model.stages[i] : undefined;
  }
  return model.stages.find((s) => s.index < before && s.name === ref.toLowerCase());
}

/** A stage and the stages it builds FROM (`FROM <stage>`), nearest first: what it inherits. */
export function stageChain(model: DockerfileModel, stage: Stage): Stage[] {
  const chain: Stage[] = [];
  for (let s: Stage | undefined = stage; s && !chain.includes(s); s = stageRef(model, s.image ?? s.rawImage, s.index)) chain.push(s);
  return chain;
}

/** Every stage that BuildKit executes to build `target`, in Dockerfile order. */
export function neededStages(model: DockerfileModel, target?: string): Stage[] {
  const end = findStage(model, target);
  if (!end) return [];
  const needed = new Set<number>();
  const visit = (stage: Stage): void => {
    if (needed.has(stage.index)) return;
    needed.add(stage.index);
    const parent = stage.image ? stageRef(model, stage.image, stage.index) : undefined;
    if (parent) visit(parent);
    for (const read of stage.reads) {
      const dep = stageRef(model, read.from, stage.index);
      if (dep) visit(dep);
    }
  };
  visit(end);
  return model.stages.filter((s) => needed.has(s.index));
}
