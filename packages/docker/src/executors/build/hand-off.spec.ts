// The upstream hand-off when the image a build uses comes from the environment
// (`buildArgs: { BASE: "$BASE_IMAGE" }`): inference planned the argument as written, so the
// executor plans with its value and hands over the upstream project's exact image.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlan } from '../../core/build-plan';
import type { ExecutorContext } from '../../utils/devkit';
import { toBuildInput } from './build-input';
import { withUpstreamImages } from './hand-off';
import type { BuildExecutorSchema } from './schema';

describe('upstream hand-off', () => {
  let root: string;
  const write = (file: string, text: string) => {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'org-docker-handoff-'));
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    delete process.env.BASE_IMAGE;
    jest.restoreAllMocks();
  });

  it('an image named by an environment-valued build arg is matched to the project that builds it', async () => {
    const baseText = 'FROM debian\n';
    const apiText = 'ARG BASE=debian\nFROM ${BASE}\nCOPY . /app\n';
    write('docker/base/Dockerfile', baseText);
    write('apps/api/Dockerfile', apiText);
    const base: BuildExecutorSchema = {
      file: 'docker/base/Dockerfile',
      context: 'docker/base',
      image: 'acme/base',
      outputPath: 'dist/docker/docker/base',
      plan: buildPlan({ dockerfile: 'docker/base/Dockerfile', dockerfileText: baseText, context: 'docker/base' }),
    };
    const buildArgs = { BASE: '$BASE_IMAGE' };
    const api: BuildExecutorSchema = {
      file: 'apps/api/Dockerfile',
      context: 'apps/api',
      image: 'acme/api',
      outputPath: 'dist/docker/apps/api',
      buildArgs,
      // What inference stored: the argument as written.
      plan: buildPlan({ dockerfile: 'apps/api/Dockerfile', dockerfileText: apiText, context: 'apps/api' }, { buildArgs }),
    };
    write(
      'dist/docker/docker/base/image.json',
      JSON.stringify({ contentTag: 'acme/base:nx-42', references: ['acme/base:nx-42'], nxHash: '42', pushed: false, imageId: '', platforms: [] }),
    );
    const context = {
      root,
      projectName: 'api',
      targetName: 'docker-build',
      projectsConfigurations: {
        version: 2,
        projects: {
          base: { root: 'docker/base', targets: { 'docker-build': { executor: '@org/docker:build', options: base } } },
          api: { root: 'apps/api', targets: { 'docker-build': { executor: '@org/docker:build', options: api } } },
        },
      },
      taskGraph: { roots: [], dependencies: {}, tasks: {} },
      nxJsonConfiguration: {},
    } as unknown as ExecutorContext;

    process.env.BASE_IMAGE = 'acme/base:latest';
    const input = await toBuildInput(api, { workspaceRoot: root, projectName: 'api', projectRoot: 'apps/api', nxHash: '7' });
    expect(input.plan.uses.map((u) => u.ref)).toContain('acme/base:latest');
    // The argument the user set stays as set; BuildKit is handed the exact image under that name.
    const handed = await withUpstreamImages(input, context);
    expect({ args: handed.buildArgs, contexts: handed.buildContexts }).toEqual({
      args: { BASE: 'acme/base:latest' },
      contexts: { 'acme/base:latest': 'docker-image://acme/base:nx-42' },
    });
  });
});
