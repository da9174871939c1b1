import { composeServices, imageEnvName, publishedPorts, upsertProductionService } from './compose';

const entry = {
  service: 'llm-worker',
  projectRoot: 'apps/llm-worker',
  defaultImage: 'llm-worker:latest',
  containerPort: 8000,
  sources: ['src/'],
  hasHealthcheck: true,
};

describe('compose files', () => {
  it('reads which service builds which context, and the variable its image comes from', () => {
    const text = 'services:\n  api:\n    image: ${API_IMAGE:-api:latest}\n    build: ../../apps/api\n  db:\n    image: postgres:16\n';
    expect(composeServices(text, 'docker/compose')).toEqual([
      { service: 'api', context: 'apps/api', dockerfile: undefined, image: '${API_IMAGE:-api:latest}', imageEnv: 'API_IMAGE' },
      { service: 'db', context: undefined, dockerfile: undefined, image: 'postgres:16', imageEnv: undefined },
    ]);
    expect(composeServices('services: [unclosed', 'docker/compose')).toEqual([]);
    expect(imageEnvName('job-status-api')).toBe('JOB_STATUS_API_IMAGE');
  });

  it('adds a service without disturbing what is there, quoting values YAML 1.1 would misread', () => {
    const existing = '# our stack\nname: mlops\nservices:\n  db:\n    image: postgres:16 # pinned\n    ports: ["5432:5432"]\n';
    const text = upsertProductionService(existing, 'ignored', entry, 8003, 'docker/compose');
    expect(text.startsWith('# our stack\nname: mlops\n')).toBe(true);
    expect(text).toContain('image: postgres:16 # pinned');
    expect(text).toContain('- "8003:8000"');
    expect(composeServices(text, 'docker/compose').map((s) => s.service)).toEqual(['db', 'llm-worker']);
    expect(publishedPorts(text)).toEqual([5432, 8003]);
    // Replacing is idempotent.
    expect(upsertProductionService(text, 'ignored', entry, 8003, 'docker/compose')).toBe(text);
  });
});
