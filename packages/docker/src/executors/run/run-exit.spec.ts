import { runExitMessage } from './run-exit';

describe('docker run exit codes, said plainly', () => {
  it('names what failed: the engine (125), the command (126, 127), or the container with its code', () => {
    expect(runExitMessage(0, 'api:nx-1')).toBeUndefined();
    expect(runExitMessage(125, 'api:nx-1')).toMatch(/^docker run of api:nx-1 failed \(exit 125\): the engine could not create or start the container/);
    expect(runExitMessage(125, 'api:nx-1', 'podman')).toMatch(/^podman run of api:nx-1 failed/);
    expect(runExitMessage(126, 'api:nx-1')).toContain('cannot be invoked (exit 126)');
    expect(runExitMessage(127, 'api:nx-1')).toContain('was not found (exit 127)');
    expect(runExitMessage(3, 'api:nx-1')).toBe('the container of api:nx-1 exited with code 3.');
    expect(runExitMessage(137, 'api:nx-1')).toBe('the container of api:nx-1 exited with code 137 (signal 9).');
  });
});
