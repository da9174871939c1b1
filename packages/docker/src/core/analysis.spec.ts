import { installAfterSourceCopy, installWithoutCacheMount, stepInstruction, unpinnedBaseImages } from './analysis';
import { parseDockerfile } from './dockerfile';

const model = (text: string) => parseDockerfile(text);

describe('Dockerfile analysis', () => {
  it('finds a dependency install after a COPY of the sources, with both lines', () => {
    const m = model('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n');
    expect(installAfterSourceCopy(m)).toEqual([
      expect.objectContaining({
        id: 'install-after-source-copy',
        line: 4,
        message: '`COPY . .` at line 3 comes before `RUN pip install -r requirements.txt` at line 4: every source change re-runs the pip install',
      }),
    ]);
  });

  it('accepts manifests copied first, also across stages, and follows FROM <stage> chains', () => {
    const good = model(
      'FROM node:22 AS deps\nCOPY package.json package-lock.json ./\nRUN npm ci\nFROM deps AS app\nCOPY src/ ./src/\nCMD ["node","src/a.js"]\n',
    );
    expect(installAfterSourceCopy(good)).toEqual([]);
    const inherited = model('FROM node:22 AS src\nCOPY . .\nFROM src AS deps\nRUN npm ci\n');
    expect(installAfterSourceCopy(inherited)).toEqual([expect.objectContaining({ line: 4, message: expect.stringContaining('`COPY . .` at line 2') })]);
    // COPY --from another stage is not a copy of the sources.
    expect(installAfterSourceCopy(model('FROM a AS b\nRUN true\nFROM python:3\nCOPY --from=b /x /x\nRUN pip install x\n'))).toEqual([]);
  });

  it('finds install steps without a cache mount (apt and language managers), not those with one', () => {
    const m = model('FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN --mount=type=cache,target=/root/.npm npm ci\nRUN pip install flask\n');
    expect(installWithoutCacheMount(m).map((f) => [f.line, f.fix.slice(0, 60)])).toEqual([
      [2, 'Use `RUN --mount=type=cache,target=/var/cache/apt,sharing=lo'],
      [4, 'Add `--mount=type=cache,target=/root/.cache/pip` to the RUN '],
    ]);
  });

  it('grades base images: latest/untagged warn, tag-only informs, digests and stages pass', () => {
    const m = model(
      `FROM node AS a\nRUN true\nFROM python:3.12-slim AS b\nRUN true\nFROM a AS c\nCOPY --from=b /x /x\nFROM debian@sha256:${'a'.repeat(64)}\nCOPY --from=c /x /x\n`,
    );
    expect(unpinnedBaseImages(m).map((f) => [f.id, f.severity, f.line])).toEqual([
      ['base-image-latest', 'warning', 1],
      ['base-image-unpinned', 'info', 3],
    ]);
  });

  it("maps BuildKit step names to Dockerfile lines, ignoring docker-perf's cache-mount ids", () => {
    const m = model(
      'FROM python:3.12-slim AS deps\nRUN --mount=type=cache,target=/root/.cache/pip \\\n    pip install -r requirements.txt\nCOPY src/ ./src/\n',
    );
    expect(stepInstruction(m, '[deps 2/3] RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt')?.line).toBe(2);
    expect(
      stepInstruction(m, '[deps 2/3] RUN --mount=type=cache,target=/root/.cache/pip,id=org-docker-perf-1-0-root-cache-pip pip install -r requirements.txt')
        ?.line,
    ).toBe(2);
    expect(stepInstruction(m, '[deps 3/3] COPY src/ ./src/')?.line).toBe(4);
    expect(stepInstruction(m, '[internal] load build context')).toBeUndefined();
  });
});
