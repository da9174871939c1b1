// The GitHub Actions workflow the ci generator writes, as data (serialised with `yaml`, so it
// is always valid YAML). Nx-free so the repository's own workflow can be checked against it.
import { SIGNING_KEY_ENV } from '../../core/signature';

export interface WorkflowOptions {
  /** The workflow's display name (the file name by default). */
  name: string;
  registry: string;
  remoteCache: 'self-hosted' | 'nx-cloud' | 'none';
  mainBranch: string;
  parallel: number;
  nodeVersion: string;
  installCommand: string;
  testCommand?: string;
}

export const DEFAULT_REGISTRY = 'ghcr.io/${{ github.repository_owner }}';

type Step = Record<string, unknown>;

function login(registry: string): Step {
  const host = registry.split('/')[0];
  const ghcr = host === 'ghcr.io';
  return {
    name: `Log in to ${host}`,
    uses: 'docker/login-action@v3',
    with: {
      registry: host,
      username: ghcr ? '${{ github.actor }}' : '${{ secrets.REGISTRY_USERNAME }}',
      password: ghcr ? '${{ secrets.GITHUB_TOKEN }}' : '${{ secrets.REGISTRY_PASSWORD }}',
    },
  };
}

/** A pull request gets the read-only token: it may use the cache, never write an entry main will trust. */
const byEvent = (readOnly: string, readWrite: string) => `\${{ github.event_name == 'pull_request' && secrets.${readOnly} || secrets.${readWrite} }}`;

function cacheEnv(remoteCache: WorkflowOptions['remoteCache']): Record<string, string> {
  if (remoteCache === 'self-hosted') {
    return {
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: '${{ secrets.NX_SELF_HOSTED_REMOTE_CACHE_SERVER }}',
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: byEvent('NX_SELF_HOSTED_REMOTE_CACHE_READ_TOKEN', 'NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN'),
      NX_NO_CLOUD: 'true',
    };
  }
  if (remoteCache === 'nx-cloud') return { NX_CLOUD_ACCESS_TOKEN: byEvent('NX_CLOUD_READ_TOKEN', 'NX_CLOUD_ACCESS_TOKEN') };
  return { NX_NO_CLOUD: 'true' };
}

const setup = (o: WorkflowOptions): Step[] => [
  // Full history: nx affected compares against the base commit.
  { uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } },
  { uses: 'actions/setup-node@v4', with: { 'node-version': o.nodeVersion, cache: 'npm' } },
  { run: o.installCommand },
];

export function workflow(o: WorkflowOptions): Record<string, unknown> {
  const onMain = `github.ref == 'refs/heads/${o.mainBranch}'`;
  const jobs: Record<string, unknown> = {};
  if (o.testCommand) {
    jobs.test = {
      'runs-on': 'ubuntu-latest',
      services: { registry: { image: 'registry:2', ports: ['5000:5000'] } },
      steps: [...setup(o), { uses: 'docker/setup-buildx-action@v3', with: { driver: 'docker' } }, { run: o.testCommand, env: { CI: 'true' } }],
    };
  }
  const lint: Step[] = [
    { name: 'Base and head SHAs for nx affected', uses: 'nrwl/nx-set-shas@v4', with: { 'main-branch-name': o.mainBranch } },
    { name: 'Lint affected Dockerfiles', run: 'npx nx affected -t docker-lint' },
    {
      name: 'Upload lint results to code scanning',
      if: 'always()',
      uses: 'github/codeql-action/upload-sarif@v3',
      with: { sarif_file: 'dist/docker-lint', category: 'docker-lint' },
    },
  ];
  // Pull requests build and audit in the runner's engine: no registry write, a read-only cache.
  jobs['pull-request'] = {
    if: "github.event_name == 'pull_request'",
    'runs-on': 'ubuntu-latest',
    ...(o.testCommand ? { needs: 'test' } : {}),
    permissions: { contents: 'read', packages: 'read', 'security-events': 'write' },
    steps: [
      ...setup(o),
      ...lint,
      { uses: 'docker/setup-buildx-action@v3', with: { driver: 'docker' } },
      // --batch: every image of the run in one process (no task process per image).
      { name: 'Build affected images (local engine, not pushed)', run: `npx nx affected -t docker-build --batch --parallel=${o.parallel}` },
      { name: 'Audit the built images', run: 'npx nx affected -t docker-audit' },
    ],
  };
  jobs.docker = {
    if: "github.event_name != 'pull_request'",
    'runs-on': 'ubuntu-latest',
    ...(o.testCommand ? { needs: 'test' } : {}),
    permissions: { contents: 'read', packages: 'write', 'security-events': 'write' },
    steps: [
      ...setup(o),
      ...lint,
      { uses: 'docker/setup-buildx-action@v3' },
      login(o.registry),
      {
        name: 'Build affected images (pushed by content tag; unchanged ones come from the Nx remote cache or the registry)',
        run: `npx nx affected -t docker-build -c ci --batch --parallel=${o.parallel}`,
        // Only this job (never a pull request's) gets the key that signs pushed images (nx g @org/docker:signing-key).
        env: { [SIGNING_KEY_ENV]: `\${{ secrets.${SIGNING_KEY_ENV} }}` },
      },
      { name: 'Audit the built images', run: 'npx nx affected -t docker-audit -c ci' },
      {
        name: 'Measure build performance (on demand)',
        if: "github.event_name == 'workflow_dispatch' && inputs.perf",
        run: 'npx nx run-many -t docker-perf',
      },
      {
        if: "github.event_name == 'workflow_dispatch' && inputs.perf",
        uses: 'actions/upload-artifact@v4',
        with: { name: 'docker-perf', path: 'dist/docker-perf' },
      },
      {
        name: 'Promote the images of this commit (release tags by digest, no rebuild)',
        if: `github.event_name == 'push' && ${onMain}`,
        run: 'npx nx affected -t docker-push -c ci',
      },
    ],
  };
  return {
    name: o.name,
    on: {
      push: { branches: [o.mainBranch] },
      pull_request: null,
      workflow_dispatch: {
        inputs: { perf: { description: 'Measure build performance (docker-perf) and upload the report', type: 'boolean', default: false } },
      },
    },
    // Least privilege: each job asks for what it needs (only pushes to main can write packages).
    permissions: { contents: 'read' },
    concurrency: { group: '${{ github.workflow }}-${{ github.ref }}', 'cancel-in-progress': `\${{ !(${onMain}) }}` },
    env: { DOCKER_REGISTRY: o.registry, ...cacheEnv(o.remoteCache) },
    jobs,
  };
}
