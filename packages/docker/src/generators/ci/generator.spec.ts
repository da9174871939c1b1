import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parse } from 'yaml';
import { inferTargets } from '../../plugins/plugin';
import { normalizeOptions } from '../../plugins/options';
import { ciGenerator, registryProblem } from './generator';

const REPO = join(__dirname, '..', '..', '..', '..', '..');
const EXECUTOR_SCHEMAS: Record<string, string> = {
  '@org/docker:build': '../../executors/build/schema.json',
  '@org/docker:push': '../../executors/push/schema.json',
  '@org/docker:run': '../../executors/run/schema.json',
  '@org/docker:lint': '../../executors/lint/schema.json',
  '@org/docker:audit': '../../executors/audit/schema.json',
  '@org/docker:perf': '../../executors/perf/schema.json',
};
// Nx's own flags for run-many / affected.
const NX_FLAGS = new Set([
  'parallel',
  'batch',
  'base',
  'head',
  'outputStyle',
  'skip-nx-cache',
  'skipNxCache',
  'verbose',
  'configuration',
  'c',
  't',
  'targets',
  'target',
]);

interface Workflow {
  name: string;
  on: Record<string, unknown>;
  env: Record<string, string>;
  permissions?: Record<string, string>;
  jobs: Record<
    string,
    { if?: string; permissions?: Record<string, string>; steps: Array<{ run?: string; uses?: string; with?: Record<string, unknown>; if?: string }> }
  >;
}

/**
 * Every `nx affected` / `nx run-many` command in a workflow, checked against the targets the
 * plugin infers for a reference service: the targets, their configurations and each option.
 */
function unknownReferences(workflow: Workflow): string[] {
  const { targets } = inferTargets({ dockerfile: 'apps/ingestion-api/Dockerfile', options: normalizeOptions({ tags: ['latest'] }), workspaceRoot: REPO });
  const problems: string[] = [];
  for (const job of Object.values(workflow.jobs)) {
    for (const step of job.steps) {
      const m = /\bnx (affected|run-many) (.*)$/.exec(step.run ?? '');
      if (!m) continue;
      const words = m[2].split(/\s+/);
      const value = (flag: string) => words[words.indexOf(flag) + 1];
      const names = value('-t').split(',');
      for (const name of names) {
        const target = targets[name];
        if (!target) {
          problems.push(`${step.run}: no target ${name}`);
          continue;
        }
        if (words.includes('-c') && !target.configurations?.[value('-c')]) problems.push(`${step.run}: ${name} has no configuration ${value('-c')}`);
        const schema = JSON.parse(readFileSync(join(__dirname, EXECUTOR_SCHEMAS[target.executor ?? ''] ?? ''), 'utf8')) as {
          properties: Record<string, unknown>;
        };
        for (const w of words.filter((x) => x.startsWith('--'))) {
          const flag = w.slice(2).split('=')[0];
          if (!NX_FLAGS.has(flag) && !(flag in schema.properties)) problems.push(`${step.run}: ${name} has no option ${flag}`);
        }
      }
    }
  }
  return problems;
}

describe('ci generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('writes a workflow that builds affected images in the ci configuration with the remote cache, and promotes on main', () => {
    ciGenerator(tree, {});
    const text = tree.read('.github/workflows/docker.yml', 'utf-8') ?? '';
    const wf = parse(text) as Workflow;
    expect(wf.env).toEqual({
      DOCKER_REGISTRY: 'ghcr.io/${{ github.repository_owner }}',
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: '${{ secrets.NX_SELF_HOSTED_REMOTE_CACHE_SERVER }}',
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN:
        "${{ github.event_name == 'pull_request' && secrets.NX_SELF_HOSTED_REMOTE_CACHE_READ_TOKEN || secrets.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN }}",
      NX_NO_CLOUD: 'true',
    });
    // Least privilege: nothing at the top; only the non-pull-request job may write packages.
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(wf.jobs.docker.if).toBe("github.event_name != 'pull_request'");
    expect(wf.jobs.docker.permissions).toEqual({ contents: 'read', packages: 'write', 'security-events': 'write' });
    const pr = wf.jobs['pull-request'];
    expect(pr.if).toBe("github.event_name == 'pull_request'");
    expect(pr.permissions).toEqual({ contents: 'read', packages: 'read', 'security-events': 'write' });
    expect(pr.steps.map((s) => s.run).filter(Boolean)).toEqual([
      'npm ci',
      'npx nx affected -t docker-lint',
      'npx nx affected -t docker-build --batch --parallel=3',
      'npx nx affected -t docker-audit',
    ]);
    expect(pr.steps.some((s) => s.uses === 'docker/login-action@v3')).toBe(false);
    const steps = wf.jobs.docker.steps;
    expect(steps[0]).toEqual({ uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } });
    expect(steps[1]).toEqual({ uses: 'actions/setup-node@v4', with: { 'node-version': '20', cache: 'npm' } });
    expect(steps.map((s) => s.uses).filter(Boolean)).toEqual([
      'actions/checkout@v4',
      'actions/setup-node@v4',
      'nrwl/nx-set-shas@v4',
      'github/codeql-action/upload-sarif@v3',
      'docker/setup-buildx-action@v3',
      'docker/login-action@v3',
      'actions/upload-artifact@v4',
    ]);
    expect(steps.find((s) => s.uses === 'docker/login-action@v3')?.with).toEqual({
      registry: 'ghcr.io',
      username: '${{ github.actor }}',
      password: '${{ secrets.GITHUB_TOKEN }}',
    });
    expect(steps.map((s) => s.run).filter(Boolean)).toEqual([
      'npm ci',
      'npx nx affected -t docker-lint',
      'npx nx affected -t docker-build -c ci --batch --parallel=3',
      'npx nx affected -t docker-audit -c ci',
      'npx nx run-many -t docker-perf',
      'npx nx affected -t docker-push -c ci',
    ]);
    expect(steps[steps.length - 1].if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(unknownReferences(wf)).toEqual([]);
  });

  it('logs in to another registry with secrets, and uses Nx Cloud when asked', () => {
    ciGenerator(tree, { name: 'images', registry: 'registry.example.com/team', remoteCache: 'nx-cloud', mainBranch: 'trunk', parallel: 2 });
    const wf = parse(tree.read('.github/workflows/images.yml', 'utf-8') ?? '') as Workflow;
    expect(wf.env).toEqual({
      DOCKER_REGISTRY: 'registry.example.com/team',
      NX_CLOUD_ACCESS_TOKEN: "${{ github.event_name == 'pull_request' && secrets.NX_CLOUD_READ_TOKEN || secrets.NX_CLOUD_ACCESS_TOKEN }}",
    });
    const steps = wf.jobs.docker.steps;
    expect(steps.find((s) => s.uses === 'docker/login-action@v3')?.with).toEqual({
      registry: 'registry.example.com',
      username: '${{ secrets.REGISTRY_USERNAME }}',
      password: '${{ secrets.REGISTRY_PASSWORD }}',
    });
    expect(steps.find((s) => s.uses === 'nrwl/nx-set-shas@v4')?.with).toEqual({ 'main-branch-name': 'trunk' });
    expect(steps.map((s) => s.run)).toContain('npx nx affected -t docker-build -c ci --batch --parallel=2');
  });

  it('the reference check catches a misspelt target, a missing configuration and an unknown option', () => {
    const wf: Workflow = {
      name: 'x',
      on: {},
      env: {},
      jobs: {
        a: {
          steps: [
            { run: 'npx nx affected -t docker-biuld' },
            { run: 'npx nx affected -t docker-run -c prod' },
            { run: 'npx nx run-many -t docker-push -c ci --tag=v1' },
          ],
        },
      },
    };
    expect(unknownReferences(wf)).toEqual([
      'npx nx affected -t docker-biuld: no target docker-biuld',
      'npx nx affected -t docker-run -c prod: docker-run has no configuration prod',
      'npx nx run-many -t docker-push -c ci --tag=v1: docker-push has no option tag',
    ]);
  });

  it('refuses a workflow name that is not a file name', () => {
    expect(() => ciGenerator(tree, { name: '../evil' })).toThrow('not a valid workflow file name');
  });

  it('warns when the plugin option "registry" would override the workflow\'s DOCKER_REGISTRY, above all with a loopback registry (issue 20: 4)', () => {
    const setRegistry = (registry?: string) =>
      tree.write('nx.json', JSON.stringify({ plugins: [{ plugin: '@org/docker', options: registry ? { registry, repository: '{projectName}' } : {} }] }));
    setRegistry('127.0.0.1:5000');
    expect(registryProblem(tree, 'ghcr.io/acme')).toMatch(
      /"registry" to 127\.0\.0\.1:5000, a loopback address: on the runner that is the runner itself\. It wins over the workflow's DOCKER_REGISTRY \(ghcr\.io\/acme\)/,
    );
    setRegistry('registry.example.com/team');
    expect(registryProblem(tree, 'ghcr.io/acme')).toContain('"registry" to registry.example.com/team. It wins over');
    expect(registryProblem(tree, 'registry.example.com/team')).toBeUndefined();
    setRegistry(undefined);
    expect(registryProblem(tree, 'ghcr.io/acme')).toBeUndefined();
  });

  it("this repository's workflows parse as YAML and reference only targets, configurations and options that exist", () => {
    const dir = join(REPO, '.github', 'workflows');
    const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const wf = parse(readFileSync(join(dir, file), 'utf8')) as Workflow;
      expect(Object.keys(wf.jobs).length).toBeGreaterThan(0);
      expect(unknownReferences(wf)).toEqual([]);
    }
    // And ci.yml is exactly what the generator writes with the options in its header.
    const committed = readFileSync(join(dir, 'ci.yml'), 'utf8');
    ciGenerator(tree, { name: 'ci', testCommand: 'npm test' });
    expect(committed).toBe(tree.read('.github/workflows/ci.yml', 'utf-8'));
  });
});
