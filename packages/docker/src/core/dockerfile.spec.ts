import { findStage, neededStages, parseDockerfile, substitute } from './dockerfile';

describe('Dockerfile model', () => {
  it('reports syntax errors with their line', () => {
    const model = parseDockerfile('FROM python:3.12-slim\nRUN echo ok\nFORM python\nCOPY onlyone\n');
    expect(model.errors).toEqual([
      { line: 3, message: 'Unknown instruction: FORM' },
      { line: 4, message: 'COPY requires at least two arguments' },
    ]);
  });

  it('a file without FROM is an error', () => {
    expect(parseDockerfile('# nothing here\n').errors[0]).toMatchObject({ line: 1 });
    expect(parseDockerfile('RUN echo\n').errors.length).toBeGreaterThan(0);
  });

  it('resolves FROM through ARG defaults and build-arg overrides', () => {
    const text = 'ARG BASE_IMAGE=python:3.12-slim\nFROM ${BASE_IMAGE} AS base\nFROM base\nEXPOSE 8000/tcp 9000\n';
    expect(parseDockerfile(text).stages.map((s) => s.image)).toEqual(['python:3.12-slim', 'base']);
    expect(parseDockerfile(text, { buildArgs: { BASE_IMAGE: 'my/base:nx-1' } }).stages[0].image).toBe('my/base:nx-1');
    expect(parseDockerfile(text).stages[1].exposes).toEqual(['8000/tcp', '9000']);
  });

  it('finds the stages a target needs through FROM, COPY --from and mounts', () => {
    const model = parseDockerfile(
      'FROM a AS one\nFROM b AS two\nFROM c AS three\nRUN --mount=type=bind,from=two,target=/t true\nFROM one AS four\nCOPY --from=three /x /y\n',
    );
    expect(neededStages(model).map((s) => s.name)).toEqual(['one', 'two', 'three', 'four']);
    expect(neededStages(model, 'three').map((s) => s.name)).toEqual(['two', 'three']);
    expect(findStage(model, 'missing')).toBeUndefined();
  });

  it('substitutes variables with Dockerfile modifiers', () => {
    const env: Record<string, string> = { A: 'x', EMPTY: '' };
    const lookup = (n: string) => env[n];
    expect(substitute('$A/${A}', lookup)).toBe('x/x');
    expect(substitute('${MISSING:-d}/${EMPTY:-e}/${A:+alt}', lookup)).toBe('d/e/alt');
    expect(substitute('${MISSING}', lookup)).toBeUndefined();
    // Words that hold expansions themselves, as BuildKit's lexer reads them.
    expect(substitute('img${A:+@${A}}', lookup)).toBe('img@x');
    expect(substitute('img${MISSING:+@${MISSING}}', lookup)).toBe('img');
    expect(substitute('${MISSING:-${A}-${EMPTY:-z}}', lookup)).toBe('x-z');
    expect(substitute('${MISSING:-${OTHER}}', lookup)).toBeUndefined();
    expect(substitute('cost: $5 and ${', lookup)).toBe('cost: $5 and ${');
  });
});
