import { chooseEngine } from './engine-kind';

describe('engine choice (docker | podman | detect)', () => {
  it('an explicit choice wins', () => {
    expect(chooseEngine('podman', { dockerOnPath: true, podmanOnPath: false })).toBe('podman');
    expect(chooseEngine('docker', { dockerOnPath: false, podmanOnPath: true })).toBe('docker');
  });

  it('detect: a real docker CLI is Docker; only podman, or podman behind the docker shim, is Podman', () => {
    expect(chooseEngine('detect', { dockerOnPath: true, podmanOnPath: true })).toBe('docker');
    expect(chooseEngine(undefined, { dockerOnPath: false, podmanOnPath: true })).toBe('podman');
    expect(chooseEngine('detect', { dockerOnPath: true, podmanOnPath: true, dockerIsPodman: true })).toBe('podman');
  });

  it('detect with neither CLI: Docker, so its detection names the missing CLI', () => {
    expect(chooseEngine('detect', { dockerOnPath: false, podmanOnPath: false })).toBe('docker');
  });
});
