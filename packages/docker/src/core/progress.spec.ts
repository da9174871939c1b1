import { JsonObjectSplitter, ProgressTracker } from './progress';

const statuses = [
  {
    vertexes: [
      { digest: 'd1', name: '[internal] load build definition from Dockerfile', started: '2026-01-01T00:00:00Z', completed: '2026-01-01T00:00:00.1Z' },
    ],
  },
  { statuses: [{ id: 'transferring context:', vertex: 'd2', current: 2048 }] },
  {
    vertexes: [
      {
        digest: 'd3',
        name: '[base 1/2] FROM docker.io/library/python:3.12-slim',
        cached: true,
        started: '2026-01-01T00:00:01Z',
        completed: '2026-01-01T00:00:01Z',
      },
    ],
  },
  { vertexes: [{ digest: 'd4', name: '[deps 2/2] RUN pip install -r requirements.txt', started: '2026-01-01T00:00:01Z' }] },
  { logs: [{ vertex: 'd4', data: Buffer.from('Collecting "quoted {braces}"\n').toString('base64') }] },
  {
    vertexes: [{ digest: 'd4', name: '[deps 2/2] RUN pip install -r requirements.txt', started: '2026-01-01T00:00:01Z', completed: '2026-01-01T00:00:04.5Z' }],
  },
  {
    vertexes: [
      {
        digest: 'd5',
        name: '[production 1/1] COPY src/ ./src/',
        started: '2026-01-01T00:00:05Z',
        completed: '2026-01-01T00:00:05Z',
        error: 'failed to compute cache key: "/src": not found',
      },
    ],
  },
];

describe('rawjson progress', () => {
  it('splits concatenated, pretty-printed objects across arbitrary chunk boundaries', () => {
    const stream = statuses.map((s) => JSON.stringify(s, null, 2)).join('\n') + '\nERROR: failed to solve: "/src": not found\n';
    for (const size of [1, 7, 64, stream.length]) {
      const splitter = new JsonObjectSplitter();
      const objects: unknown[] = [];
      let text = '';
      for (let i = 0; i < stream.length; i += size) {
        const r = splitter.push(stream.slice(i, i + size));
        objects.push(...r.objects);
        text += r.text;
      }
      expect(objects).toEqual(statuses);
      expect(text.trim()).toBe('ERROR: failed to solve: "/src": not found');
    }
  });

  it('counts cached and executed Dockerfile steps, times them and measures the context', () => {
    const tracker = new ProgressTracker();
    const lines = statuses.flatMap((s) => tracker.update(s));
    const stats = tracker.stats();
    expect(stats.steps.map((s) => [s.name.slice(0, 14), s.cached, s.seconds])).toEqual([
      ['[base 1/2] FRO', true, 0],
      ['[deps 2/2] RUN', false, 3.5],
      ['[production 1/', false, 0],
    ]);
    expect([stats.cached, stats.executed, stats.contextBytes]).toEqual([1, 2, 2048]);
    expect(stats.errors).toEqual(['[production 1/1] COPY src/ ./src/: failed to compute cache key: "/src": not found']);
    expect(lines).toEqual([
      '#1 [internal] load build definition from Dockerfile',
      '#1 DONE 0.1s',
      '#2 [base 1/2] FROM docker.io/library/python:3.12-slim',
      '#2 CACHED',
      '#3 [deps 2/2] RUN pip install -r requirements.txt',
      '#3 Collecting "quoted {braces}"',
      '#3 DONE 3.5s',
      '#4 [production 1/1] COPY src/ ./src/',
      '#4 ERROR: failed to compute cache key: "/src": not found',
    ]);
  });
});
