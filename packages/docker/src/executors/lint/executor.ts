// docker-lint: Nx glue around core/lint. Reads the Dockerfile, its .dockerignore and the
// context listing, prints the findings, always writes SARIF, fails at the threshold.
import type { ExecutorContext } from '../../utils/devkit';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { contextListing } from '../../core/context-size';
import { findIgnoreFile, readIgnore } from '../../core/dockerignore';
import { fails, formatJson, formatSarif, formatText, lintText, unknownRules } from '../../core/lint';
import { plannedBuilds } from '../../plugins/dependencies';
import { packageInfo } from '../../utils/package-info';
import type { LintExecutorSchema } from './schema';

export default async function lintExecutor(options: LintExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const dockerfile = resolve(context.root, options.file);
  const contextDir = resolve(context.root, options.context);
  const display = relative(context.root, dockerfile);
  if (!existsSync(dockerfile)) {
    console.error(`✖ ${display}: no such Dockerfile. Check the "file" option of the target.`);
    return { success: false };
  }
  const unknown = unknownRules(options.rules);
  if (unknown.length) {
    console.error(`✖ Unknown docker-lint rule(s) in "rules": ${unknown.join(', ')}. The rules are listed in the @org/docker README.`);
    return { success: false };
  }
  const ignoreFile = findIgnoreFile(dockerfile, contextDir);
  const result = lintText(display, readFileSync(dockerfile, 'utf8'), {
    rules: options.rules,
    policy: { allowedRegistries: options.allowedRegistries, requiredLabels: options.requiredLabels },
    target: options.target,
    buildArgs: options.buildArgs,
    // Read from the graph here, never put on the target: Nx hashes a project's whole
    // configuration into its tasks, so a list of every image would rebuild every image when one
    // project is added.
    workspaceImages: options.workspaceImages ?? plannedBuilds(context.projectsConfigurations?.projects ?? {}).map((b) => b.repository),
    ignore: ignoreFile ? readIgnore(ignoreFile) : undefined,
    contextFiles: existsSync(contextDir) ? contextListing(contextDir) : undefined,
    readContextFile: (p) => {
      try {
        return readFileSync(join(contextDir, p), 'utf8');
      } catch {
        return undefined;
      }
    },
  });
  const { version, homepage } = packageInfo();
  const sarif = formatSarif([result], { version, informationUri: `${homepage}#docker-lint` });
  const sarifFile = resolve(context.root, options.sarifFile);
  mkdirSync(dirname(sarifFile), { recursive: true });
  writeFileSync(sarifFile, `${JSON.stringify(sarif, null, 2)}\n`);
  const format = options.format ?? 'text';
  console.log(format === 'json' ? formatJson([result]) : format === 'sarif' ? JSON.stringify(sarif, null, 2) : formatText([result]));
  const failed = fails([result], options.failOn ?? 'error');
  if (format === 'text')
    console.log(
      `SARIF: ${options.sarifFile}${failed ? `\n✖ findings at or above "${options.failOn ?? 'error'}": fix them, silence one with \`# docker-lint ignore=<rule>\` above the line, or set "rules".` : ''}`,
    );
  return { success: !failed };
}
