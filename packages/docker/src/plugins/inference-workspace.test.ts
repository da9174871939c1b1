// A temporary workspace (git included) that runs createNodesV2 as Nx would, for the inference
// specs. Call it inside a describe: it creates the workspace before each test and removes it
// after. Nx's workspace data directory (the inference cache) is set before the plugin loads.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fg from 'fast-glob';
import type { TargetConfiguration } from '../utils/devkit';

export type Targets = Record<string, TargetConfiguration>;

export interface InferenceWorkspace {
  root: string;
  /** Nx's workspace data directory: the inference caches. */
  readonly dataDir: string;
  /** What inference warned, this test. */
  readonly warnings: string[];
  readonly plugin: typeof import('./plugin');
  write(file: string, content: string): void;
  /** Every project's inferred targets, by project root. */
  infer(nxJson?: Record<string, unknown>, options?: Record<string, unknown>): Promise<Record<string, Targets>>;
}

export function inferenceWorkspace(name: string): InferenceWorkspace {
  const dataDir = mkdtempSync(join(tmpdir(), `org-docker-${name}-data-`));
  process.env.NX_WORKSPACE_DATA_DIRECTORY = dataDir;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- after the data directory is set
  const plugin = require('./plugin') as typeof import('./plugin');
  const ws: InferenceWorkspace = {
    root: '',
    dataDir,
    warnings: [],
    plugin,
    write(file, content) {
      mkdirSync(dirname(join(ws.root, file)), { recursive: true });
      writeFileSync(join(ws.root, file), content);
    },
    async infer(nxJson = {}, options = {}) {
      const files = fg.sync(plugin.DOCKERFILE_GLOB, { cwd: ws.root, dot: true, ignore: ['**/node_modules/**'] });
      const results = await plugin.createNodesV2[1](files, options, { workspaceRoot: ws.root, nxJsonConfiguration: nxJson, configFiles: files } as never);
      const out: Record<string, Targets> = {};
      for (const [, r] of results)
        for (const [projectRoot, p] of Object.entries(r.projects ?? {})) out[projectRoot] = { ...out[projectRoot], ...(p.targets as Targets) };
      return out;
    },
  };
  beforeEach(() => {
    ws.root = mkdtempSync(join(tmpdir(), `org-docker-${name}-`));
    rmSync(dataDir, { recursive: true, force: true });
    ws.warnings.length = 0;
    jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void ws.warnings.push(args.join(' ')));
    execFileSync('git', ['init', '-q'], { cwd: ws.root });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(ws.root, { recursive: true, force: true });
  });
  return ws;
}
