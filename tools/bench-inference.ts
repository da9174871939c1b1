// Benchmark: inference (createNodes) over N generated projects with Dockerfiles, cold
// (empty inference cache) and warm (cache filled), measured in one run.
//   npm run bench:inference            # 200 projects
//   npm run bench:inference -- 500
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const count = Number(process.argv[2] ?? 200);
const root = mkdtempSync(join(tmpdir(), 'org-docker-bench-'));
process.env.NX_WORKSPACE_DATA_DIRECTORY = join(root, '.nx', 'workspace-data');

const DOCKERFILE = (i: number) => `ARG PYTHON_IMAGE=python:3.12-slim
FROM \${PYTHON_IMAGE} AS base
ENV PYTHONDONTWRITEBYTECODE=1
WORKDIR /app

FROM base AS deps
COPY requirements.txt ./
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt

FROM base AS development
COPY --from=deps /usr/local /usr/local
COPY src/ ./src/
CMD ["python", "-m", "svc${i}", "--reload"]

FROM base AS production
COPY --from=deps /usr/local /usr/local
COPY src/ ./src/
COPY config/*.toml ./config/
USER 10001
EXPOSE ${8000 + (i % 100)}
HEALTHCHECK CMD ["python", "-c", "print('ok')"]
CMD ["python", "-m", "svc${i}"]
`;

const files: string[] = [];
for (let i = 0; i < count; i++) {
  const dir = join(root, 'apps', `svc-${i}`);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'project.json'), JSON.stringify({ name: `svc-${i}` }));
  writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE(i));
  writeFileSync(join(dir, '.dockerignore'), '*\n!requirements.txt\n!src/\n!config/\n**/__pycache__\n');
  files.push(`apps/svc-${i}/Dockerfile`);
  if (i % 10 === 0) {
    writeFileSync(join(dir, 'Dockerfile.worker'), 'FROM python:3.12-slim\nCOPY worker/ /w/\nUSER 10001\nCMD ["python", "/w/main.py"]\n');
    files.push(`apps/svc-${i}/Dockerfile.worker`);
  }
}

async function main(): Promise<void> {
  const loadStart = performance.now();
  const { createNodes } = await import('../packages/docker/src/plugins/plugin');
  const loadMs = performance.now() - loadStart;
  const context = { workspaceRoot: root, nxJsonConfiguration: {} } as Parameters<(typeof createNodes)[1]>[2];
  const time = async () => {
    const t = performance.now();
    const results = await createNodes[1](files, {}, context);
    return { ms: performance.now() - t, projects: results.length };
  };
  const cold = await time();
  const warm = await time();
  rmSync(process.env.NX_WORKSPACE_DATA_DIRECTORY as string, { recursive: true, force: true });
  const cold2 = await time();
  console.log(`Inference of ${count} projects (${files.length} Dockerfiles), Node ${process.version}`);
  console.log(`| run | time |`);
  console.log(`| --- | ---: |`);
  console.log(`| module load (once per process) | ${loadMs.toFixed(0)} ms |`);
  console.log(`| cold (empty inference cache) | ${cold.ms.toFixed(0)} ms |`);
  console.log(`| cold again (cache removed, modules warm) | ${cold2.ms.toFixed(0)} ms |`);
  console.log(`| warm (cache hit) | ${warm.ms.toFixed(0)} ms |`);
  console.log(`warm/cold ratio: ${(warm.ms / cold.ms).toFixed(2)}; results: ${cold.projects}`);
  rmSync(root, { recursive: true, force: true });
}

void main();
