import { failureCause } from './build-failure';

const stats = (errors: string[]) => ({ steps: [], cached: 0, executed: 0, contextBytes: 0, errors });
const MISSING_CACHE = 'importing cache manifest from 127.0.0.1:5000/acme/api:buildcache: 127.0.0.1:5000/acme/api:buildcache: not found';
const PUSH_500 =
  'failed commit on ref "manifest-sha256:379c": unexpected status from PUT request to http://127.0.0.1:5055/v2/acme/api/manifests/v1: 500 Internal Server Error';

describe('why a build failed', () => {
  it('a registry 500 during the push is a transient push error, never the missing-cache line BuildKit also printed', () => {
    const cause = failureCause({
      stats: stats([MISSING_CACHE, `pushing 127.0.0.1:5055/acme/api:v1 with docker: ${PUSH_500}`]),
      errorOutput: `ERROR: ${PUSH_500}`,
      exitCode: 1,
    });
    expect(cause).toEqual({ message: `pushing to the registry failed: ${PUSH_500}`, push: true, transient: true });
  });

  it('a refused login is a push error that asking again will not fix', () => {
    const denied = 'failed to push 127.0.0.1:5000/acme/api:v1: push access denied, repository does not exist or may require authorization: 401 Unauthorized';
    expect(failureCause({ stats: stats([]), errorOutput: `ERROR: ${denied}`, exitCode: 1 })).toEqual({
      message: `pushing to the registry failed: ${denied}`,
      push: true,
      transient: false,
    });
  });

  it('a failing RUN step is reported as that step, not as a push', () => {
    const run = '[2/2] RUN exit 3: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3';
    expect(
      failureCause({
        stats: stats([MISSING_CACHE, run]),
        errorOutput: 'ERROR: failed to solve: process "/bin/sh -c exit 3" did not complete successfully',
        exitCode: 1,
      }),
    ).toEqual({
      message: run,
      push: false,
      transient: false,
    });
  });
});
