import { buildReads, filesMatchedByInputs, filesRead } from './context';
import { parseDockerfile } from './dockerfile';
import { parseIgnore } from './dockerignore';

// A context tree shared by the cases: sources, tests, caches, secrets, dependencies.
const FILES = [
  'Dockerfile',
  '.dockerignore',
  'requirements.txt',
  'requirements-dev.txt',
  'package.json',
  'src/main.py',
  'src/util/helpers.py',
  'src/__pycache__/main.cpython-311.pyc',
  'src/keep.tmp',
  'src/drop.tmp',
  'tests/test_main.py',
  'docs/index.md',
  'node_modules/left-pad/index.js',
  'node_modules/keep/index.js',
  '.env',
  'README.md',
  'a.txt',
  'b.txt',
  'c.md',
  'tools/gen.sh',
];

interface Case {
  name: string;
  dockerfile: string;
  ignore?: string;
  target?: string;
  buildArgs?: Record<string, string>;
  /** Files Docker reads; the Nx inputs must match exactly these (or all, for wholeContext). */
  expected: string[];
  wholeContext?: boolean;
  /** Where Nx's order-free negations cannot express Docker's exceptions, inputs may be wider. */
  inputsAlsoMatch?: string[];
}

const cases: Case[] = [
  {
    name: 'plain file and directory sources',
    dockerfile: 'FROM python:3.12-slim\nCOPY requirements.txt ./\nCOPY src/ ./src/\n',
    expected: ['requirements.txt', 'src/main.py', 'src/util/helpers.py', 'src/__pycache__/main.cpython-311.pyc', 'src/keep.tmp', 'src/drop.tmp'],
  },
  {
    name: 'wildcard sources',
    dockerfile: 'FROM node:22-bookworm-slim\nCOPY requirements*.txt *.json /app/\nCOPY ?.txt /x/\n',
    expected: ['requirements.txt', 'requirements-dev.txt', 'package.json', 'a.txt', 'b.txt'],
  },
  {
    name: 'COPY --from a stage reads nothing from the context',
    dockerfile:
      'FROM python:3.12-slim AS deps\nCOPY requirements.txt .\nFROM python:3.12-slim\nCOPY --from=deps /usr/lib /usr/lib\nCOPY --from=0 /a /b\nCOPY src/main.py /app/\n',
    expected: ['requirements.txt', 'src/main.py'],
  },
  {
    name: 'multi-stage: a stage the target does not need is skipped',
    dockerfile:
      'FROM python:3.12-slim AS base\nCOPY requirements.txt .\n' +
      'FROM base AS test\nCOPY tests/ ./tests/\n' +
      'FROM base AS docs\nCOPY docs/ ./docs/\n' +
      'FROM base AS production\nCOPY src/ ./src/\n' +
      'FROM docs AS site\n',
    target: 'production',
    ignore: '**/__pycache__\n*.tmp\nsrc/*.tmp\n',
    expected: ['requirements.txt', 'src/main.py', 'src/util/helpers.py'],
  },
  {
    name: 'the default target is the last stage, and FROM <stage> pulls in its reads',
    dockerfile: 'FROM python:3.12-slim AS base\nCOPY requirements.txt .\nFROM base AS test\nCOPY tests/ ./tests/\nFROM base AS docs\nCOPY docs/ ./docs/\n',
    expected: ['requirements.txt', 'docs/index.md'],
  },
  {
    name: '.dockerignore with ! exceptions (deny by default)',
    dockerfile: 'FROM python:3.12-slim\nCOPY . /app/\n',
    ignore: '*\n!src\n!requirements.txt\nsrc/*.tmp\n!src/keep.tmp\n**/__pycache__\n',
    wholeContext: true,
    expected: ['requirements.txt', 'src/main.py', 'src/util/helpers.py', 'src/keep.tmp'],
    // `*` and `src/*.tmp` are re-opened by later exceptions: Nx keeps those files as inputs (safe).
    inputsAlsoMatch: FILES.filter((f) => !f.includes('__pycache__')),
  },
  {
    name: 'COPY . . falls back to the whole context minus .dockerignore',
    dockerfile: 'FROM node:22-bookworm-slim\nWORKDIR /app\nCOPY . .\n',
    ignore: 'node_modules\n.env\n**/*.md\ntests\n',
    wholeContext: true,
    expected: FILES.filter((f) => !f.startsWith('node_modules/') && f !== '.env' && !f.endsWith('.md') && !f.startsWith('tests/')),
  },
  {
    name: 'an exception inside an ignored directory keeps that directory an input',
    dockerfile: 'FROM node:22-bookworm-slim\nCOPY . .\n',
    ignore: 'node_modules\n!node_modules/keep\ndocs\n',
    wholeContext: true,
    expected: FILES.filter((f) => !f.startsWith('docs/') && f !== 'node_modules/left-pad/index.js'),
    inputsAlsoMatch: FILES.filter((f) => !f.startsWith('docs/')),
  },
  {
    name: 'variables resolve from ARG defaults and build args; heredocs read nothing',
    dockerfile:
      'ARG SRC=src\nFROM python:3.12-slim\nARG SRC\nARG DOC_DIR=docs\nCOPY ${SRC}/main.py /app/\nCOPY $DOC_DIR/ /docs/\nCOPY <<EOF /app/config.ini\n[x]\nEOF\n',
    buildArgs: { DOC_DIR: 'tools' },
    expected: ['src/main.py', 'tools/gen.sh'],
  },
  {
    name: 'a source with an unset variable reads the whole context',
    dockerfile: 'FROM python:3.12-slim\nARG WHERE\nCOPY ${WHERE} /app/\n',
    ignore: 'node_modules\n',
    wholeContext: true,
    expected: FILES.filter((f) => !f.startsWith('node_modules/')),
  },
  {
    name: 'RUN --mount=type=bind reads its source; remote ADD and cache mounts do not',
    dockerfile:
      'FROM python:3.12-slim\nRUN --mount=type=bind,source=requirements.txt,target=/tmp/r.txt --mount=type=cache,target=/root/.cache pip install -r /tmp/r.txt\n' +
      'ADD https://example.com/file.tgz /opt/\nADD --checksum=sha256:0 https://example.com/x /y\nCOPY ["src/main.py", "/app/main.py"]\n',
    expected: ['requirements.txt', 'src/main.py'],
  },
];

describe('build inputs from COPY/ADD and .dockerignore', () => {
  it.each(cases)('$name', (c) => {
    const ignore = parseIgnore(c.ignore ?? '');
    const model = parseDockerfile(c.dockerfile, { buildArgs: c.buildArgs });
    expect(model.errors).toEqual([]);
    const { context } = buildReads(model, ignore, { target: c.target });
    expect(context.wholeContext).toBe(Boolean(c.wholeContext));
    // What Docker reads, evaluated with Docker's own ignore semantics.
    expect(filesRead(context, ignore, FILES).sort()).toEqual([...c.expected].sort());
    // What Nx hashes: never less than Docker reads; exactly it where Nx can express it.
    expect(filesMatchedByInputs(context, FILES).sort()).toEqual([...(c.inputsAlsoMatch ?? c.expected)].sort());
  });

  it('names the line that forces the whole context', () => {
    const { context } = buildReads(parseDockerfile('FROM x\nWORKDIR /a\nCOPY . .\n'), []);
    expect(context.reasons).toEqual(['line 3: COPY . reads the whole context']);
  });

  it('reports reads from named build contexts separately', () => {
    const model = parseDockerfile('FROM python:3.12-slim\nCOPY --from=common lib/ /lib/\nCOPY --from=python:3.12 /x /y\n');
    const reads = buildReads(model, [], { namedContexts: ['common'] });
    expect(reads.named).toEqual({ common: ['lib', 'lib/**/*'] });
    expect(reads.context.include).toEqual([]);
  });
});
