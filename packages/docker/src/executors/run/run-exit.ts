// What a `docker run` exit code means, said plainly: Nx does not report a continuous task's exit
// (a service stopping is normal there), so this line is what tells the user the container failed.
// 125-127 are the CLI's and the runtime's own codes; anything else is the container's process.

export function runExitMessage(code: number | undefined, ref: string, engine: 'docker' | 'podman' = 'docker'): string | undefined {
  if (code === 0) return undefined;
  const run = `${engine} run`;
  if (code === undefined) return `${run} of ${ref} ended without an exit code (killed?).`;
  if (code === 125) return `${run} of ${ref} failed (exit 125): the engine could not create or start the container; its message is above.`;
  if (code === 126) return `${ref} started, but its command cannot be invoked (exit 126): check the image's ENTRYPOINT/CMD and their permissions.`;
  if (code === 127) return `${ref} started, but its command was not found (exit 127): check the image's ENTRYPOINT/CMD and PATH.`;
  const signal = code > 128 && code < 160 ? ` (signal ${code - 128})` : '';
  return `the container of ${ref} exited with code ${code}${signal}.`;
}
