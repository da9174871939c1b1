// docker-audit: the built image (from image.json, brought into the engine if needed) against
// core/audit's checks.
import type { ExecutorContext } from '../../utils/devkit';
import type { Finding } from '../../core/analysis';
import { auditFacts, imageFacts } from '../../core/audit';
import { EngineError } from '../../core/engine';
import { BuildFailure } from '../../core/image-build';
import { fails } from '../../core/lint';
import { ensureLocal, trustedBuild } from '../run/ensure-local';
import type { AuditExecutorSchema } from './schema';

export default async function auditExecutor(options: AuditExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const buildTarget = options.buildTarget ?? 'docker-build';
  try {
    const found = await trustedBuild(context, buildTarget);
    if ('error' in found) {
      console.error(`✖ ${found.error}`);
      return { success: false };
    }
    const ref = await ensureLocal(found.record, found.buildOptions, context);
    const findings: Finding[] = auditFacts(await imageFacts(ref)).flatMap((f) => {
      const setting = options.rules?.[f.id];
      return setting === 'off' ? [] : [{ ...f, severity: setting ?? f.severity }];
    });
    console.log(`${ref}`);
    if (!findings.length) console.log('  no findings');
    for (const f of findings) console.log(`  ${f.severity.padEnd(7)}  ${f.id.padEnd(24)}  ${f.message}\n  ${' '.repeat(9)}${' '.repeat(26)}fix: ${f.fix}`);
    const failed = fails([{ file: ref, findings, suppressed: 0 }], options.failOn ?? 'error');
    if (failed) console.error(`✖ ${ref} fails the audit (findings at or above "${options.failOn ?? 'error'}").`);
    return { success: !failed };
  } catch (e) {
    if (e instanceof BuildFailure || e instanceof EngineError || e instanceof Error) {
      console.error(`✖ ${e.message}`);
      return { success: false };
    }
    throw e;
  }
}
