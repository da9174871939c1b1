import { resolvePush, targetRepository } from './build-input';

describe('where a build goes', () => {
  const local = { remote: false, endpoint: 'unix:///var/run/docker.sock', builder: 'default' };
  const remote = { remote: true, endpoint: 'unix:///tmp/other/docker.sock', builder: 'other' };
  beforeEach(() => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it("a build on another engine pushes by content tag when the plugin's registry says where", () => {
    expect(resolvePush({ image: 'acme/api', registry: '127.0.0.1:5000' }, remote)).toBe(true);
    // The plugin's registry option reaches the target inside the image name.
    expect(resolvePush({ image: '127.0.0.1:5000/acme/api' }, remote)).toBe(true);
    expect(targetRepository({ image: 'acme/api', registry: '127.0.0.1:5000', push: true })).toBe('127.0.0.1:5000/acme/api');
  });

  it('a multi-platform image is pushed when the registry is set: this engine runs one platform of it', () => {
    expect(resolvePush({ image: 'acme/api', registry: '127.0.0.1:5000', platforms: ['linux/amd64', 'linux/arm64'] }, local)).toBe(true);
    expect(resolvePush({ image: 'acme/api', registry: '127.0.0.1:5000', platforms: ['linux/arm64'] }, local)).toBeUndefined();
  });

  it("this machine's engine, an explicit push or load, or no registry: as configured", () => {
    expect(resolvePush({ image: 'acme/api', registry: '127.0.0.1:5000' }, local)).toBeUndefined();
    expect(resolvePush({ image: 'acme/api', registry: '127.0.0.1:5000', push: false }, remote)).toBe(false);
    expect(resolvePush({ image: 'acme/api', registry: '127.0.0.1:5000', load: true }, remote)).toBeUndefined();
    expect(resolvePush({ image: 'acme/api' }, remote)).toBeUndefined();
    expect(console.warn).toHaveBeenCalledWith(expect.stringContaining('the image stays in that engine. Set the plugin\'s "registry" option'));
  });
});
