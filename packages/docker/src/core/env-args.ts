// Build-arg values may read the environment (`$VERSION`, `${VERSION}`): the names become
// `env` inputs of the task, and the values are filled in when the build runs.

const ENV_REF = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

export function envReferences(value: string): string[] {
  return [...value.matchAll(ENV_REF)].map((m) => (m[1] ?? m[2]) as string);
}

export function interpolateEnv(value: string, env: Record<string, string | undefined>): string {
  return value.replace(ENV_REF, (_m, braced: string | undefined, bare: string | undefined) => env[(braced ?? bare) as string] ?? '');
}
