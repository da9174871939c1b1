// Static findings about a Dockerfile that cost build time: a dependency install placed after a
// copy of the sources, install steps without a cache mount, unpinned base images. Pure (no
// I/O); shared by docker-perf's diagnosis and the lint rules.
import { imageOwner } from './image-graph';
import { installs, type Install } from './package-managers';
import { runScript, shellFor } from './shell';
import { neededStages, stageChain, type DockerfileModel, type InstructionInfo, type Stage } from './dockerfile';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  id: string;
  severity: Severity;
  /** 1-based line in the Dockerfile, when the finding has one. */
  line?: number;
  message: string;
  /** What to change. */
  fix: string;
  /** Seconds the problem costs, when measured. */
  cost?: number;
}

interface Installer {
  tool: string;
  /** Where the tool keeps its download cache (for a `--mount=type=cache,target=`). */
  cache: string;
}

// Where each package manager keeps its downloads: the target of a cache mount.
const CACHES: Partial<Record<Install['manager'], string>> = {
  pip: '/root/.cache/pip',
  uv: '/root/.cache/uv',
  poetry: '/root/.cache/pypoetry',
  npm: '/root/.npm',
  yarn: '/usr/local/share/.cache/yarn',
  pnpm: '/root/.local/share/pnpm/store',
  deno: '/deno-dir',
  go: '/go/pkg/mod',
  bundler: '/usr/local/bundle/cache',
  cargo: '/usr/local/cargo/registry',
  apt: '/var/cache/apt',
};
// System package managers: their installs do not read the project's manifests.
const SYSTEM = new Set<Install['manager']>(['apt', 'apk', 'yum', 'dnf', 'zypper']);

/** Dependency manifests and lockfiles: what an install reads. */
export const MANIFEST =
  /(?:^|\/)(?:requirements[^/]*\.txt|constraints[^/]*\.txt|pyproject\.toml|poetry\.lock|uv\.lock|Pipfile(?:\.lock)?|setup\.(?:py|cfg)|package[^/]*\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-(?:lock|workspace)\.yaml|\.npmrc|\.yarnrc(?:\.yml)?|deno\.jsonc?|deno\.lock|import_map\.json|go\.(?:mod|sum)|Cargo\.(?:toml|lock)|Gemfile(?:\.lock)?)$/;

/** The install a RUN performs (language packages; with `system`, apt too), read from its parsed script. */
function installer(model: DockerfileModel, stage: Stage, instruction: InstructionInfo, system: boolean): Installer | undefined {
  if (instruction.keyword !== 'RUN') return undefined;
  const script = runScript(instruction, shellFor(model, stage, instruction));
  const found = installs(script)
    .filter((i) => (system ? i.manager === 'apt' || !SYSTEM.has(i.manager) : !SYSTEM.has(i.manager)) && CACHES[i.manager])
    // `go install tool@v` and `cargo install tool` fetch a tool, not the project's dependencies.
    .filter((i) => !((i.manager === 'go' || i.manager === 'cargo') && i.packages.length));
  // A language install wins over apt in the same RUN: it is the one that reads the manifests.
  const pick = found.find((i) => i.manager !== 'apt') ?? found[0];
  return pick && { tool: pick.manager === 'apt' ? 'apt-get' : pick.manager, cache: CACHES[pick.manager]! };
}

/** The language package manager a RUN instruction installs with, if any. */
export function dependencyInstaller(model: DockerfileModel, stage: Stage, instruction: InstructionInfo): Installer | undefined {
  return installer(model, stage, instruction, false);
}

/** A COPY/ADD from the build context that brings in more than manifests (i.e. sources). */
export function copiesSources(instruction: InstructionInfo): boolean {
  if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') return false;
  if (instruction.flags.from?.length) return false;
  const sources = instruction.words.slice(0, -1);
  return sources.length > 0 && sources.some((s) => !MANIFEST.test(s.replace(/\/+$/, '')));
}

/** Instructions that run before `stage`'s own: its ancestors' through FROM <stage>, oldest first. */
function inherited(model: DockerfileModel, stage: Stage): InstructionInfo[] {
  return stageChain(model, stage)
    .slice(1)
    .reverse()
    .flatMap((s) => s.instructions);
}

/** The stages a build of `target` runs, or every stage (a linter reads the whole file). */
function stagesOf(model: DockerfileModel, target: string | undefined, everyStage: boolean): Stage[] {
  return everyStage ? model.stages : neededStages(model, target);
}

const short = (text: string, max = 60) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Dependency installs that come after a COPY of sources (in their stage or the stages it builds FROM). */
export function installAfterSourceCopy(model: DockerfileModel, target?: string, everyStage = false): Finding[] {
  const findings: Finding[] = [];
  for (const stage of stagesOf(model, target, everyStage)) {
    const before = inherited(model, stage);
    stage.instructions.forEach((instruction, i) => {
      const found = dependencyInstaller(model, stage, instruction);
      if (!found) return;
      const copy = [...before, ...stage.instructions.slice(0, i)].reverse().find(copiesSources);
      if (!copy) return;
      findings.push({
        id: 'install-after-source-copy',
        severity: 'warning',
        line: instruction.line,
        message: `\`${short(copy.text)}\` at line ${copy.line} comes before \`${short(instruction.text)}\` at line ${instruction.line}: every source change re-runs the ${found.tool} install`,
        fix: `Copy only the manifests first (e.g. \`COPY requirements.txt ./\` or \`COPY package.json package-lock.json ./\`), run the install, then copy the sources.`,
      });
    });
  }
  return findings;
}

/** Install steps (language packages or apt) without a BuildKit cache mount. */
export function installWithoutCacheMount(model: DockerfileModel, target?: string, everyStage = false): Finding[] {
  const findings: Finding[] = [];
  for (const stage of stagesOf(model, target, everyStage)) {
    for (const instruction of stage.instructions) {
      const found = installer(model, stage, instruction, true);
      if (!found || instruction.mounts.some((m) => m.type === 'cache')) continue;
      findings.push({
        id: 'install-without-cache-mount',
        severity: 'warning',
        line: instruction.line,
        message: `no cache mount on the ${found.tool} step at line ${instruction.line}: every rebuild downloads everything again`,
        fix:
          found.tool === 'apt-get'
            ? 'Use `RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y --no-install-recommends ...` (and remove /etc/apt/apt.conf.d/docker-clean).'
            : `Add \`--mount=type=cache,target=${found.cache}\` to the RUN instruction.`,
      });
    }
  }
  return findings;
}

/** Base images referenced by tag only (or not at all): the build can change under you. */
/**
 * Base images not pinned by digest. `workspaceImages` are built in the workspace: the build is
 * handed their exact content tag, so whatever tag the Dockerfile names is never what is used.
 */
export function unpinnedBaseImages(model: DockerfileModel, target?: string, everyStage = false, workspaceImages: string[] = []): Finding[] {
  const findings: Finding[] = [];
  const owned = workspaceImages.map((repository) => ({ repository }));
  for (const stage of stagesOf(model, target, everyStage)) {
    const image = stage.image;
    if (!image || image === 'scratch' || stageChain(model, stage).length > 1) continue;
    if (owned.length && imageOwner(image, owned)) continue;
    if (/@sha256:[a-f0-9]{64}$/.test(image)) continue;
    const slash = image.lastIndexOf('/');
    const tag = image.lastIndexOf(':') > slash ? image.slice(image.lastIndexOf(':') + 1) : undefined;
    const floating = !tag || tag === 'latest';
    findings.push({
      id: floating ? 'base-image-latest' : 'base-image-unpinned',
      severity: floating ? 'warning' : 'info',
      line: stage.line,
      message: floating
        ? `base image ${image} at line ${stage.line} has ${tag ? 'the tag latest' : 'no tag'}: every pull may bring a different image and invalidate every layer`
        : `base image ${image} at line ${stage.line} is not pinned by digest: a re-pushed tag silently changes the build`,
      fix: 'Pin it: `name:tag@sha256:…` (`nx g @org/docker:dockerfile --pinDigests` resolves the digests), keeping the image in an ARG so it can be overridden.',
    });
  }
  return findings;
}

/** The instruction a BuildKit step (`[stage 2/5] RUN ...`) comes from. */
export function stepInstruction(model: DockerfileModel, stepName: string): InstructionInfo | undefined {
  const text = normalizeStep(stepName.replace(/^\[[^\]]*\]\s*/, ''));
  if (!text) return undefined;
  const all = model.stages.flatMap((s) => s.instructions);
  return (
    all.find((i) => normalizeStep(i.text) === text) ??
    all.find((i) => normalizeStep(i.text).startsWith(text.slice(0, 50)) || text.startsWith(normalizeStep(i.text).slice(0, 50)))
  );
}

/** Cache-mount ids docker-perf adds for its cold builds are not part of an instruction's identity. */
function normalizeStep(text: string): string {
  return text
    .replace(/,id=org-docker-perf-[A-Za-z0-9-]+/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}
