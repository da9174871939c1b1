// docker-push: release tags for an image that was already pushed, added by digest on the
// registry side. Nothing is built and no layer moves through this machine.
import type { ExecutorContext } from '../../utils/devkit';
import { publishFailure } from '../promotion-failure';
import { commitTagVars, gitInfo } from '../../core/git';
import { expandTags } from '../../core/naming';
import { promote } from '../../core/registry';
import { selectEngine } from '../../core/engine';
import { projectVersion, targetRepository } from '../build/build-input';
import { trustedBuild } from '../run/ensure-local';
import type { PushExecutorSchema } from './schema';

export const DEFAULT_RELEASE_TAGS = ['{version}', '{shortSha}', 'latest'];

export default async function pushExecutor(options: PushExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  selectEngine(options.engine);
  const projectName = context.projectName ?? '';
  const buildTarget = options.buildTarget ?? 'docker-build';
  const projectRoot = context.projectsConfigurations?.projects[projectName]?.root ?? '.';
  try {
    // Promotion needs the registry's copy: a record that cannot be trusted fails, it is never rebuilt here.
    const found = await trustedBuild(context, buildTarget, projectName, { onDistrust: 'fail' });
    if ('error' in found) {
      console.error(`✖ ${found.error}`);
      return { success: false };
    }
    const { record } = found;
    if (!record.pushed || !record.digest) {
      console.error(
        `✖ ${record.contentTag} was built but not pushed, so there is nothing to promote. ` +
          `Run the build with push enabled, e.g. \`nx run ${projectName}:docker-push -c ci\` (the ci configuration pushes to DOCKER_REGISTRY).`,
      );
      return { success: false };
    }
    const git = await gitInfo(context.root);
    const templates = options.tags ?? DEFAULT_RELEASE_TAGS;
    const tags = expandTags(templates, {
      projectName,
      projectRoot,
      ...(await commitTagVars(context.root, templates, git)),
      branch: git.branch,
      version: projectVersion(context.root, projectRoot),
    } as Parameters<typeof expandTags>[1]);
    if (!tags.length) {
      console.error(`✖ None of the tags ${JSON.stringify(options.tags)} could be filled in (no version, no git?). Set "tags" to literal tags.`);
      return { success: false };
    }
    // This run's repository, never one a (cached) record names.
    const repository = targetRepository(found.buildOptions);
    const into = options.repository ?? repository;
    const targets = tags.map((t) => `${into}:${t}`);
    await promote(`${repository}@${record.digest}`, targets);
    for (const t of targets) console.log(`✔ ${t} -> ${record.digest}`);
    return { success: true };
  } catch (e) {
    return publishFailure(e);
  }
}
