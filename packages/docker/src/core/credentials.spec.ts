import { hasUrlCredentials, redactUrl } from './credentials';

describe('credentials in URLs', () => {
  it('strips user:password@ and token@ from URLs, and leaves everything else as it is', () => {
    expect(redactUrl('https://ci-bot:glpat-XYZ@gitlab.example.com/acme/app.git')).toBe('https://gitlab.example.com/acme/app.git');
    expect(redactUrl('https://ghp_abc@github.com/acme/app')).toBe('https://github.com/acme/app');
    expect(redactUrl('ssh://git:pw@host:22/repo.git')).toBe('ssh://host:22/repo.git');
    expect(redactUrl('git@github.com:acme/app.git')).toBe('git@github.com:acme/app.git');
    expect(redactUrl('https://example.com/users/a@b')).toBe('https://example.com/users/a@b');
    expect(redactUrl('clone https://u:p@h/x and https://v@h/y')).toBe('clone https://h/x and https://h/y');
  });

  it('detects them', () => {
    expect(hasUrlCredentials('https://ci-bot:TOKEN@git.example.com/x')).toBe(true);
    expect(hasUrlCredentials('https://git.example.com/x')).toBe(false);
    expect(hasUrlCredentials('git@github.com:acme/app.git')).toBe(false);
  });
});
