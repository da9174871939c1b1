// nx-release-publish for images: what `nx release publish` runs for each released project.
// The image docker-build recorded is published under the version nx release just wrote: pushed
// by content tag when the registry does not have it yet (no rebuild: the image is the one Nx
// cached), signed when the workspace signs images, then the version tags are added by digest.
import type { ExecutorContext } from '../../utils/devkit';
import { publishFailure } from '../promotion-failure';
import { BuildFailure } from '../../core/image-build';
import { selectEngine, spawnEngine, tagImage, transferArgv } from '../../core/engine';
import { expandTags } from '../../core/naming';
import { lookupImage, promote } from '../../core/registry';
import { signImage, SIGNING_KEY_ENV } from '../../core/signature';
import { projectVersion, targetRepository } from '../build/build-input';
import { signingKeys } from '../build/signing';
import { ensureLocal, trustedBuild } from '../run/ensure-local';
import { hasRegistryHost } from '../../core/image-ref';
import type { ReleasePublishExecutorSchema } from './schema';

export default async function releasePublishExecutor(options: ReleasePublishExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  selectEngine(options.engine);
  const projectName = context.projectName ?? '';
  const projectRoot = context.projectsConfigurations?.projects[projectName]?.root ?? '.';
  try {
    const found = await trustedBuild(context, options.buildTarget ?? 'docker-build', projectName, { onDistrust: 'fail' });
    if ('error' in found) throw new BuildFailure(found.error);
    const { record, buildOptions } = found;
    const repository = targetRepository(buildOptions);
    if (!hasRegistryHost(repository)) {
      throw new BuildFailure(`${repository} names no registry, so there is nowhere to publish it: set the plugin's "registry" option (e.g. ghcr.io/acme).`);
    }
    const version = projectVersion(context.root, projectRoot);
    const tags = expandTags(options.tags ?? ['{version}'], { projectName, projectRoot, version } as Parameters<typeof expandTags>[1]);
    if (!tags.length)
      throw new BuildFailure(`${projectName} has no version to publish (package.json or project.json "version"); run \`nx release version\` first.`);
    const targets = tags.map((t) => `${repository}:${t}`);
    if (options.dryRun) {
      console.log(`Would publish ${record.contentTag} as ${targets.join(', ')} (dry run: nothing pushed).`);
      return { success: true };
    }
    let digest: string;
    if (record.pushed && record.digest) {
      // Pushed by the build (an index, with provenance): the registry adds the tags by digest.
      digest = record.digest;
      await promote(`${repository}@${digest}`, targets);
    } else {
      // Built here: pushed under each tag from this engine. The manifest is the same bytes each
      // time, so every tag has the content tag's digest, and no layer is sent twice.
      const local = await ensureLocal(record, buildOptions, context);
      digest = await pushLocal(local, record.contentTag);
      const signing = signingKeys(buildOptions, context.root);
      if (signing) {
        if (!signing.privateKey)
          throw new BuildFailure(`Published images must be signed with the key ${signing.source} names, but ${SIGNING_KEY_ENV} is not set here.`);
        console.log(`Signed ${repository}@${digest} (${await signImage(repository, digest, record.nxHash, signing.privateKey)}).`);
      }
      for (const t of targets) {
        await tagImage(local, t);
        const tagged = await pushLocal(t, t);
        if (tagged !== digest) throw new BuildFailure(`${t} was pushed as ${tagged}, not ${digest}; the registry changed the manifest.`);
      }
    }
    for (const t of targets) console.log(`✔ ${t} -> ${digest}`);
    return { success: true };
  } catch (e) {
    return publishFailure(e);
  }
}

/** Pushes a local image reference; the registry's digest for `lookup`. */
async function pushLocal(ref: string, lookup: string): Promise<string> {
  console.log(`Pushing ${ref}.`);
  const pushed = await spawnEngine(transferArgv('push', ref), { stdio: ['ignore', 'inherit', 'inherit'] });
  if (pushed.exitCode !== 0) throw new BuildFailure(`docker push ${ref} failed; nothing more was published.`);
  const found = await lookupImage(lookup);
  if (!('found' in found))
    throw new BuildFailure(`${lookup} was pushed but the registry does not show it: ${'missing' in found ? found.missing : found.unreachable}.`);
  return found.found.digest;
}
