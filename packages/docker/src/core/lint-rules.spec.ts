import { parseIgnore } from './dockerignore';
import { lintText, type LintOptions } from './lint';
import { RULES } from './lint-rules';

interface Case {
  rule: string;
  bad: string;
  /** Lines the rule reports in `bad` (null: a finding without a line). */
  lines: Array<number | null>;
  good: string;
  options?: LintOptions;
  goodOptions?: LintOptions;
}

const USER = 'USER 10001\n';
const F = 'FROM python:3.12-slim\n';
const WIN = 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\n';

const CASES: Case[] = [
  // Issue 17: false alarms seen on real Dockerfiles, and what the rules missed.
  {
    rule: 'pip-no-cache',
    bad: `${F}RUN pip2 install x\nRUN python3 -m pip install y\n`,
    lines: [2, 3],
    good: `${F}ENV PIP_NO_CACHE_DIR=1\nRUN pip install x\nFROM python:3.12-slim AS t\nRUN --mount=type=tmpfs,target=/root/.cache pip install y\n`,
  },
  { rule: 'pip-no-cache', bad: `${F}RUN pip install x\n`, lines: [2], good: `${WIN}RUN pip install x\n` },
  { rule: 'install-without-cache-mount', bad: `${F}RUN pip install x\n`, lines: [2], good: `${WIN}RUN pip install x\n` },
  { rule: 'add-local-file', bad: `${F}ADD "app.py" /app/\n`, lines: [2], good: `${F}ADD "https://example.com/tool.tgz" /opt/\n` },
  {
    rule: 'install-after-source-copy',
    bad: 'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n',
    lines: [4],
    good: 'FROM node:22\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n',
  },
  {
    rule: 'apt-lists-kept',
    bad: `${F}RUN apt-get update && apt-get install -y --no-install-recommends x\n`,
    lines: [2],
    good: `${F}RUN apt-get update && apt-get install -y --no-install-recommends x && apt-get dist-clean\n`,
  },
  {
    rule: 'pipefail',
    bad: `${F}RUN curl -fsSL https://x | tar x\n`,
    lines: [2],
    good: `${F}RUN sed "s|a|b|" f > g && sed 's|c|d|' g\n${WIN}RUN Get-ChildItem | Select-Object Name\n`,
  },
  {
    rule: 'apt-get-yes',
    bad: `${F}RUN apt-get -q install x\nRUN aptitude install y\nRUN apt install z\n`,
    lines: [2, 3, 4],
    good: `${F}RUN apt-get -qq install x\nRUN apt-get -q=2 install y\nRUN apt-get --quiet --quiet install z\nRUN apt-get install -qy w\n`,
  },
  {
    rule: 'apt-no-install-recommends',
    bad: `${F}RUN apt-get install -y x\n`,
    lines: [2],
    good: `${F}RUN apt-get install -y -o APT::Install-Recommends=false x\n`,
  },
  { rule: 'expose-invalid', bad: `${F}EXPOSE 40000-70000\n`, lines: [2], good: `${F}ARG PORT_END=40010\nEXPOSE 40000-\${PORT_END} $PORT\n` },
  {
    rule: 'secret-in-arg-env',
    bad: `${F}ARG dbPassword\nENV GITHUB_TOKEN=x AWS_SECRET_ACCESS_KEY=y\n`,
    lines: [2, 3, 3],
    good: `${F}ENV TOKENIZERS_PARALLELISM=false AUTHOR=me DISABLE_AUTH=1 PASSWORD_FILE=/run/secrets/pw\n`,
  },

  { rule: 'duplicate-stage-name', bad: 'FROM a AS x\nRUN true\nFROM b AS x\n', lines: [3], good: 'FROM a AS x\nRUN true\nFROM b AS y\n' },
  {
    rule: 'copy-from-own-or-later-stage',
    bad: 'FROM a AS one\nCOPY --from=two /x /x\nFROM b AS two\nCOPY --from=two /y /y\n',
    lines: [2, 4],
    good: 'FROM a AS one\nRUN true\nFROM b AS two\nCOPY --from=one /x /x\n',
  },
  { rule: 'multiple-cmd', bad: `${F}CMD ["a"]\nCMD ["b"]\n`, lines: [2], good: `${F}CMD ["a"]\nFROM x\nCMD ["b"]\n` },
  { rule: 'multiple-entrypoint', bad: `${F}ENTRYPOINT ["a"]\nENTRYPOINT ["b"]\n`, lines: [2], good: `${F}ENTRYPOINT ["a"]\n` },
  { rule: 'multiple-healthcheck', bad: `${F}HEALTHCHECK CMD ["a"]\nHEALTHCHECK CMD ["b"]\n`, lines: [2], good: `${F}HEALTHCHECK CMD ["a"]\n` },
  { rule: 'workdir-relative', bad: `${F}WORKDIR app\n`, lines: [2], good: `${F}WORKDIR /app\nWORKDIR $HOME/x\n` },
  { rule: 'expose-invalid', bad: `${F}EXPOSE 8080:80\nEXPOSE 70000\n`, lines: [2, 3], good: `${F}EXPOSE 8000 9000/udp 7000-7010\n` },
  { rule: 'undefined-arg-in-from', bad: 'FROM ${BASE}\n', lines: [1], good: 'ARG BASE=python:3.12-slim\nFROM ${BASE}\nFROM --platform=$BUILDPLATFORM x\n' },
  { rule: 'maintainer-deprecated', bad: `${F}MAINTAINER me\n`, lines: [2], good: `${F}LABEL org.opencontainers.image.authors=me\n` },
  // The gap in hadolint: no USER at all runs as root.
  { rule: 'runs-as-root', bad: `${F}RUN true\n`, lines: [1], good: `${F}${USER}` },
  {
    rule: 'runs-as-root',
    bad: `${F}${USER}FROM python:3.12-slim AS final\nUSER root\n`,
    lines: [4],
    good: `FROM python:3.12-slim AS base\n${USER}FROM base AS final\nRUN true\n`,
  },
  // Base images whose default user is not root (issue 20: 8): distroless :nonroot, Chainguard non-dev.
  {
    rule: 'runs-as-root',
    bad: 'FROM gcr.io/distroless/python3-debian12:debug\nCOPY app.py /app/\nFROM cgr.dev/chainguard/python:latest-dev\nCOPY app.py /app/\n',
    lines: [3],
    good: 'FROM gcr.io/distroless/python3-debian12:nonroot AS run\nCOPY app.py /app/\nFROM run\nCMD ["/app/app.py"]\n',
  },
  { rule: 'runs-as-root', bad: 'FROM gcr.io/distroless/static:latest\n', lines: [1], good: 'FROM cgr.dev/chainguard/static:latest\n' },
  { rule: 'sudo', bad: `${F}RUN sudo apt-get update\n`, lines: [2], good: `${F}RUN apt-get update && apt-get install -y x\n` },
  { rule: 'secret-in-arg-env', bad: `${F}ARG NPM_TOKEN\nENV DB_PASSWORD=x API_KEY=y\n`, lines: [2, 3, 3], good: `${F}ARG TOKEN_FILE\nENV DB_HOST=db\n` },
  { rule: 'copy-secret-file', bad: `${F}COPY .env id_rsa certs/server.pem /app/\n`, lines: [2, 2, 2], good: `${F}COPY .env.example.txt src/ /app/\n` },
  {
    rule: 'copy-secret-file',
    bad: `${F}COPY .npmrc ./\n`,
    lines: [2],
    options: { readContextFile: () => '//registry.npmjs.org/:_authToken=abc\n' },
    good: `${F}COPY .npmrc ./\n`,
    goodOptions: { readContextFile: () => 'registry=https://registry.example.com/\n' },
  },
  { rule: 'add-local-file', bad: `${F}ADD src/ /app/\n`, lines: [2], good: `${F}ADD vendor.tar.gz /opt/\nCOPY src/ /app/\n` },
  {
    rule: 'add-url-without-checksum',
    bad: `${F}ADD https://example.com/tool.tgz /opt/\n`,
    lines: [2],
    good: `${F}ADD --checksum=sha256:${'a'.repeat(64)} https://example.com/tool.tgz /opt/\n`,
  },
  { rule: 'base-image-latest', bad: 'FROM node\nFROM python:latest\n', lines: [1, 2], good: F },
  { rule: 'base-image-unpinned', bad: F, lines: [1], good: `FROM python:3.12-slim@sha256:${'b'.repeat(64)}\n` },
  // An optional digest (issue 20: 8) is read as the shell does: nested expansions in the word.
  {
    rule: 'base-image-unpinned',
    bad: 'ARG DIGEST\nFROM python:3.12-slim${DIGEST:+@${DIGEST}}\n',
    lines: [2],
    good: `ARG DIGEST=sha256:${'c'.repeat(64)}\nFROM python:3.12-slim\${DIGEST:+@\${DIGEST}}\n`,
  },
  { rule: 'update-alone', bad: `${F}RUN apt-get update\n`, lines: [2], good: `${F}RUN apt-get update && apt-get install -y curl\n` },
  { rule: 'apt-get-yes', bad: `${F}RUN apt-get update && apt-get install curl\n`, lines: [2], good: `${F}RUN apt-get update && apt-get install -y curl\n` },
  {
    rule: 'apt-no-install-recommends',
    bad: `${F}RUN apt-get install -y curl\n`,
    lines: [2],
    good: `${F}RUN apt-get install -y --no-install-recommends curl\n`,
  },
  {
    rule: 'apt-lists-kept',
    bad: `${F}RUN apt-get update && apt-get install -y curl\n`,
    lines: [2],
    good: `${F}RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get install -y x\n`,
  },
  { rule: 'apt-not-apt-get', bad: `${F}RUN apt install -y curl\n`, lines: [2], good: `${F}RUN apt-get install -y curl\n` },
  {
    rule: 'pip-no-cache',
    bad: `${F}RUN pip install flask\n`,
    lines: [2],
    good: `${F}RUN pip install --no-cache-dir flask\nRUN --mount=type=cache,target=/root/.cache/pip pip install x\n`,
  },
  {
    rule: 'pipefail',
    bad: `${F}RUN curl -fsS https://x | tar xz\n`,
    lines: [2],
    good: `${F}RUN set -o pipefail && curl -fsS https://x | tar xz\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl x | sh\nRUN a || b\n`,
  },
  { rule: 'exec-form', bad: `${F}CMD python app.py\n`, lines: [2], good: `${F}CMD ["python", "app.py"]\n` },
  {
    rule: 'healthcheck-missing',
    bad: `${F}EXPOSE 8000\n`,
    lines: [1],
    good: `FROM python:3.12-slim AS base\nHEALTHCHECK CMD ["true"]\nFROM base\nEXPOSE 8000\n`,
  },
  {
    rule: 'install-after-source-copy',
    bad: `${F}COPY . .\nRUN pip install -r requirements.txt\n`,
    lines: [3],
    good: `${F}COPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY . .\n`,
  },
  {
    rule: 'install-without-cache-mount',
    bad: `${F}RUN npm ci\n`,
    lines: [2],
    good: `${F}RUN --mount=type=cache,target=/root/.npm npm ci\n`,
  },
  {
    rule: 'copy-ignored-file',
    bad: `${F}COPY docs/ /docs/\n`,
    lines: [2],
    options: { ignore: parseIgnore('docs\n') },
    good: `${F}COPY docs/api.md /docs/\n`,
    goodOptions: { ignore: parseIgnore('docs\n!docs/api.md\n') },
  },
  {
    rule: 'no-dockerignore',
    bad: `${F}COPY src/ /app/\n`,
    lines: [2],
    options: { contextFiles: ['src/a.py'] },
    good: `${F}COPY src/ /app/\n`,
    goodOptions: { contextFiles: ['src/a.py'], ignore: parseIgnore('*\n!src\n') },
  },
  {
    rule: 'dockerignore-lets-through',
    bad: `${F}COPY . .\n`,
    lines: [null, null],
    options: { contextFiles: ['src/a.py', '.git/HEAD', 'node_modules/x/index.js', 'src/__pycache__/a.pyc'], ignore: parseIgnore('src/__pycache__\n') },
    good: `${F}COPY . .\n`,
    goodOptions: { contextFiles: ['src/a.py', '.git/HEAD', 'node_modules/x/index.js'], ignore: parseIgnore('.git\nnode_modules\n') },
  },
];

const hits = (text: string, rule: string, options?: LintOptions) =>
  lintText('Dockerfile', text, options)
    .findings.filter((f) => f.id === rule)
    .map((f) => f.line ?? null);

describe('docker-lint rules', () => {
  it.each(CASES.map((c) => [c.rule, c] as const))('%s: reports the bad Dockerfile at its lines, passes the good one', (_id, c) => {
    expect(hits(c.bad, c.rule, c.options)).toEqual(c.lines);
    expect(hits(c.good, c.rule, c.goodOptions ?? c.options)).toEqual([]);
  });

  // That every rule fires and stays quiet in some documented case is checked by lint-cases.spec.ts.
  it('every rule has an explanation, a fix and mapped ids, and ids are unique', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.why.length).toBeGreaterThan(20);
      expect(rule.fix.length).toBeGreaterThan(5);
      expect(rule.refs.length).toBeGreaterThan(0);
    }
    expect(RULES.length).toBeGreaterThanOrEqual(25);
  });
});
