// How the executors that publish (docker-push, nx-release-publish) end on an expected failure:
// one line naming what failed, a failed task; anything else is a bug and is thrown.
import { EngineError } from '../core/engine';
import { BuildFailure } from '../core/image-build';

export function publishFailure(e: unknown): { success: false } {
  if (e instanceof BuildFailure || e instanceof EngineError || (e instanceof Error && /imagetools/.test(e.message))) {
    console.error(`✖ ${e.message}`);
    return { success: false };
  }
  throw e;
}
