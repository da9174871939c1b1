import { auditFacts, type ImageFacts } from './audit';

const clean: ImageFacts = {
  user: '10001:10001',
  healthcheck: ['CMD', 'curl', '-f', 'http://127.0.0.1:8000/health'],
  env: ['PATH=/usr/bin', 'PORT=8000', 'TOKEN_FILE=/run/secrets/token'],
  history: ['CMD ["python" "-m" "app"]', 'RUN /bin/sh -c pip install -r requirements.txt # buildkit'],
  leftovers: [],
};

describe('image audit', () => {
  it('passes a non-root image with a healthcheck and nothing secret', () => {
    expect(auditFacts(clean)).toEqual([]);
  });

  it('fails root (explicit or missing user) and secret-looking environment variables', () => {
    expect(auditFacts({ ...clean, user: '' }).map((f) => [f.id, f.severity, f.message])).toEqual([
      ['image-runs-as-root', 'error', 'the image sets no user, so it runs as root'],
    ]);
    expect(auditFacts({ ...clean, user: '0:0' })[0].message).toBe('the image runs as 0:0');
    expect(auditFacts({ ...clean, env: ['GITHUB_TOKEN=x', 'DB_PASSWORD=y'] }).map((f) => f.message)).toEqual([
      'environment variable GITHUB_TOKEN looks like a secret, and anyone who pulls the image can read it',
      'environment variable DB_PASSWORD looks like a secret, and anyone who pulls the image can read it',
    ]);
  });

  it('finds secret build args in the history, a missing healthcheck, and leftovers', () => {
    const findings = auditFacts({
      ...clean,
      healthcheck: ['NONE'],
      history: ['|2 NPM_TOKEN=abc VERSION=1 /bin/sh -c npm ci # buildkit', 'ARG API_KEY', 'ARG VERSION'],
      leftovers: ['app/.git/', 'root/.cache/pip/http/x'],
    });
    expect(findings.map((f) => f.id)).toEqual(['image-no-healthcheck', 'image-secret-build-arg', 'image-secret-build-arg', 'image-leftovers']);
    expect(findings.filter((f) => f.id === 'image-secret-build-arg').map((f) => f.message.split(' ')[2])).toEqual(['API_KEY', 'NPM_TOKEN']);
    expect(findings[3].message).toBe('the filesystem keeps what no running service needs: /app/.git/, /root/.cache/pip/http/x');
  });

  it('flags URLs with credentials in labels and environment variables', () => {
    const findings = auditFacts({
      ...clean,
      labels: { 'org.opencontainers.image.source': 'https://ci-bot:glpat-secret@git.example.com/acme/app.git', 'org.opencontainers.image.title': 'app' },
      env: [...clean.env, 'MIRROR=https://token123@pypi.example.com/simple', 'DOCS=https://example.com/a@b'],
    });
    expect(findings.map((f) => [f.id, f.message.split(' holds')[0]])).toEqual([
      ['image-url-credentials', 'label org.opencontainers.image.source'],
      ['image-url-credentials', 'environment variable MIRROR'],
    ]);
  });
});
