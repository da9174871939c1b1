// Nx's createNodesFromFiles, without loading Nx's devkit into the plugin worker on every graph
// computation (about 50 ms there): every file's result, and Nx's own aggregate error, loaded
// only when a file failed, so Nx reports each failure with its file and keeps the rest.
import type { CreateNodesResult } from '../utils/devkit';

export type FileResults = Array<readonly [file: string, result: CreateNodesResult]>;

export async function eachFile(files: readonly string[], infer: (file: string) => Promise<CreateNodesResult>): Promise<FileResults> {
  const settled = await Promise.all(
    files.map(async (file) => {
      try {
        return { file, value: await infer(file) };
      } catch (error) {
        return { file, error };
      }
    }),
  );
  const results: FileResults = settled.flatMap((s) => ('value' in s && s.value ? [[s.file, s.value] as const] : []));
  const errors = settled.flatMap((s) => ('error' in s ? [[s.file, s.error] as [string, Error]] : []));
  if (errors.length) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- only on failure
    const { AggregateCreateNodesError } = require('nx/src/devkit-exports') as typeof import('nx/src/devkit-exports');
    throw new AggregateCreateNodesError(errors, results as Array<[string, CreateNodesResult]>);
  }
  return results;
}
