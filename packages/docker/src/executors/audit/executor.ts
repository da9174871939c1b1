// docker-audit: the built image (from image.json, brought into the engine if needed) against
// core/audit's checks.
import type { ExecutorContext } from '../../utils/devkit';
import type { Finding } from '../../core/analysis';
import { auditFacts, imageFacts, platformImageFacts } from '../../core/audit';
import { EngineError, selectEngine } from '../../core/engine';
import { BuildFailure } from '../../core/image-build';
import { fails } from '../../core/lint';
import { ensureLocal, trustedBuild } from '../run/ensure-local';
import type { AuditExecutorSchema } from './schema';

export default async function auditExecutor(options: AuditExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  selectEngine(options.engine);
  const buildTarget = options.buildTarget ?? 'docker-build';
  try {
    const found = await trustedBuild(context, buildTarget);
    if ('error' in found) {
      console.error(`✖ ${found.error}`);
      return { success: false };
    }
    const ref = await ensureLocal(found.record, found.buildOptions, context);
    const { platforms, pushed } = found.record;
    // A pushed multi-platform image: every platform's image is audited, not just this machine's.
    const facts = pushed && platforms.length > 1 ? await platformImageFacts(ref, platforms) : new Map([[platforms[0] ?? '', await imageFacts(ref)]]);
    let failed = false;
    for (const [platform, f] of facts) {
      const findings: Finding[] = auditFacts(f).flatMap((x) => {
        const setting = options.rules?.[x.id];
        return setting === 'off' ? [] : [{ ...x, severity: setting ?? x.severity }];
      });
      const name = facts.size > 1 ? `${ref} (${platform})` : ref;
      console.log(name);
      if (!findings.length) console.log('  no findings');
      for (const x of findings) console.log(`  ${x.severity.padEnd(7)}  ${x.id.padEnd(24)}  ${x.message}\n  ${' '.repeat(9)}${' '.repeat(26)}fix: ${x.fix}`);
      const platformFails = fails([{ file: name, findings, suppressed: 0 }], options.failOn ?? 'error');
      if (platformFails) console.error(`✖ ${name} fails the audit (findings at or above "${options.failOn ?? 'error'}").`);
      failed ||= platformFails;
    }
    return { success: !failed };
  } catch (e) {
    if (e instanceof BuildFailure || e instanceof EngineError || e instanceof Error) {
      console.error(`✖ ${e.message}`);
      return { success: false };
    }
    throw e;
  }
}
