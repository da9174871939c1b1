// Static findings about a Dockerfile that cost build time: a dependency install placed after a
// copy of the sources, install steps without a cache mount, unpinned base images. Pure (no
// I/O); shared by docker-perf's diagnosis and the lint rules.
import { imageOwner } from './image-graph';
import { neededStages, nonPosixShell, stageChain, type DockerfileModel, type InstructionInfo, type Stage } from './dockerfile';

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
  pattern: RegExp;
  /** Where the tool keeps its download cache (for a `--mount=type=cache,target=`). */
  cache: string;
}

// Language package managers: their installs read the manifests, so they belong before the sources.
const INSTALLERS: Installer[] = [
  { tool: 'pip', pattern: /\bpip3?\s+install\b|\bpython[0-9.]*\s+-m\s+pip\s+install\b/, cache: '/root/.cache/pip' },
  { tool: 'uv', pattern: /\buv\s+(?:pip\s+install|sync)\b/, cache: '/root/.cache/uv' },
  { tool: 'poetry', pattern: /\bpoetry\s+install\b/, cache: '/root/.cache/pypoetry' },
  { tool: 'npm', pattern: /\bnpm\s+(?:ci|install|i)\b/, cache: '/root/.npm' },
  { tool: 'yarn', pattern: /\byarn\s+install\b|\byarn\s*(?:&&|;|$)/, cache: '/usr/local/share/.cache/yarn' },
  { tool: 'pnpm', pattern: /\bpnpm\s+(?:install|i)\b/, cache: '/root/.local/share/pnpm/store' },
  { tool: 'deno', pattern: /\bdeno\s+(?:install|cache)\b/, cache: '/deno-dir' },
  { tool: 'go', pattern: /\bgo\s+mod\s+download\b/, cache: '/go/pkg/mod' },
  { tool: 'bundler', pattern: /\bbundle\s+install\b/, cache: '/usr/local/bundle/cache' },
  { tool: 'cargo', pattern: /\bcargo\s+fetch\b/, cache: '/usr/local/cargo/registry' },
];
const APT: Installer = { tool: 'apt-get', pattern: /\bapt(?:-get)?\s+(?:-\S+\s+)*install\b/, cache: '/var/cache/apt' };

/** Dependency manifests and lockfiles: what an install reads. */
export const MANIFEST =
  /(?:^|\/)(?:requirements[^/]*\.txt|constraints[^/]*\.txt|pyproject\.toml|poetry\.lock|uv\.lock|Pipfile(?:\.lock)?|setup\.(?:py|cfg)|package[^/]*\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-(?:lock|workspace)\.yaml|\.npmrc|\.yarnrc(?:\.yml)?|deno\.jsonc?|deno\.lock|import_map\.json|go\.(?:mod|sum)|Cargo\.(?:toml|lock)|Gemfile(?:\.lock)?)$/;

/** The language package manager a RUN instruction installs with, if any. */
export function dependencyInstaller(instruction: InstructionInfo): Installer | undefined {
  if (instruction.keyword !== 'RUN') return undefined;
  return INSTALLERS.find((i) => i.pattern.test(instruction.args));
}

/** Any install step (language packages or apt). */
export function anyInstaller(instruction: InstructionInfo): Installer | undefined {
  if (instruction.keyword !== 'RUN') return undefined;
  return dependencyInstaller(instruction) ?? (APT.pattern.test(instruction.args) ? APT : undefined);
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
      const installer = dependencyInstaller(instruction);
      if (!installer) return;
      const copy = [...before, ...stage.instructions.slice(0, i)].reverse().find(copiesSources);
      if (!copy) return;
      findings.push({
        id: 'install-after-source-copy',
        severity: 'warning',
        line: instruction.line,
        message: `\`${short(copy.text)}\` at line ${copy.line} comes before \`${short(instruction.text)}\` at line ${instruction.line}: every source change re-runs the ${installer.tool} install`,
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
      const installer = anyInstaller(instruction);
      if (!installer || instruction.mounts.some((m) => m.type === 'cache') || nonPosixShell(stage, instruction)) continue;
      findings.push({
        id: 'install-without-cache-mount',
        severity: 'warning',
        line: instruction.line,
        message: `no cache mount on the ${installer.tool} step at line ${instruction.line}: every rebuild downloads everything again`,
        fix:
          installer === APT
            ? 'Use `RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y --no-install-recommends ...` (and remove /etc/apt/apt.conf.d/docker-clean).'
            : `Add \`--mount=type=cache,target=${installer.cache}\` to the RUN instruction.`,
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
