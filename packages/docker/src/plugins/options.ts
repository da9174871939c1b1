// Plugin options (nx.json `plugins[].options`), and their per-project overrides from the
// `docker-build` target options in a project's project.json.

export interface DockerPluginOptions {
  /** Name of the inferred build target (default `docker-build`); extra Dockerfiles get `<name>-<dockerfile>`. */
  buildTargetName?: string;
  /** Name of the inferred run target (default `docker-run`). */
  runTargetName?: string;
  /** Name of the inferred promotion target (default `docker-push`). */
  pushTargetName?: string;
  /** Name of the inferred lint target (default `docker-lint`). */
  lintTargetName?: string;
  /** Name of the inferred image audit target (default `docker-audit`). */
  auditTargetName?: string;
  /** docker-lint settings for every project: rule id -> severity or off, and the failure threshold. */
  lint?: {
    rules?: Record<string, 'error' | 'warning' | 'info' | 'off'>;
    failOn?: 'error' | 'warning' | 'info' | 'none';
    /** Registries FROM may pull from (`registry-not-allowed`), e.g. ["docker.io", "ghcr.io/acme"]. */
    allowedRegistries?: string[];
    /** Labels every final stage must set (`label-required`). */
    requiredLabels?: string[];
  };
  /** Name of the inferred measurement target (default `docker-perf`). */
  perfTargetName?: string;
  /** Tags docker-push adds (default `["{version}", "{shortSha}", "latest"]`). */
  releaseTags?: string[];
  /**
   * Infer `nx-release-publish` (the target `nx release publish` runs) for every image: the image
   * is published under the released version. Off by default: another plugin may own that name.
   */
  releasePublish?: boolean;
  /** Name of the inferred target that runs a project's compose service with its built image (default `docker-up`). */
  upTargetName?: string;
  /** Name of the inferred target that runs a project's compose service in development mode (default `docker-dev`). */
  devTargetName?: string;
  /** Compose file whose services give docker-up targets (default `docker/compose/docker-compose.yml`). */
  composeFile?: string;
  /** Override file for development, used with composeFile by docker-dev (default `docker/compose/docker-compose.dev.yml`). */
  composeDevFile?: string;
  /** Registry host (and namespace) prefixed to every image, e.g. `ghcr.io/acme`. */
  registry?: string;
  /** Repository template, default `{projectName}`. Variables: `{projectName}`, `{projectRoot}`, `{dockerfileName}`. */
  repository?: string;
  /** Tags beside the content tag, default `["latest"]`. */
  tags?: string[];
  buildArgs?: Record<string, string>;
  platforms?: string[];
  cacheFrom?: string[];
  cacheTo?: string[];
  /**
   * Build context for every project, relative to the workspace root (`{projectRoot}`, or `.`).
   * Unset (the default), each Dockerfile's context is inferred from what its COPY sources name.
   */
  context?: string;
  /** Stage to build (default: the last one). */
  target?: string;
  builder?: string;
  /** Public key (PEM file, workspace-relative) pushed images must be signed with (`nx g @org/docker:signing-key` sets it). */
  signingPublicKey?: string;
  /** Most concurrent builds per engine across Nx's task processes; 0 (default) = no cap beyond --parallel. */
  maxParallelBuilds?: number;
  /** The container engine: `docker` (buildx), `podman`, or `detect` (default). */
  engine?: 'docker' | 'podman' | 'detect';
}

export interface NormalizedOptions extends DockerPluginOptions {
  buildTargetName: string;
  runTargetName: string;
  pushTargetName: string;
  perfTargetName: string;
  lintTargetName: string;
  auditTargetName: string;
  releaseTags: string[];
  upTargetName: string;
  devTargetName: string;
  composeFile: string;
  composeDevFile: string;
  repository: string;
  tags: string[];
}

export function normalizeOptions(options: DockerPluginOptions | undefined): NormalizedOptions {
  return {
    ...options,
    buildTargetName: options?.buildTargetName ?? 'docker-build',
    runTargetName: options?.runTargetName ?? 'docker-run',
    pushTargetName: options?.pushTargetName ?? 'docker-push',
    perfTargetName: options?.perfTargetName ?? 'docker-perf',
    lintTargetName: options?.lintTargetName ?? 'docker-lint',
    auditTargetName: options?.auditTargetName ?? 'docker-audit',
    releaseTags: options?.releaseTags ?? ['{version}', '{shortSha}', 'latest'],
    upTargetName: options?.upTargetName ?? 'docker-up',
    devTargetName: options?.devTargetName ?? 'docker-dev',
    composeFile: options?.composeFile ?? 'docker/compose/docker-compose.yml',
    composeDevFile: options?.composeDevFile ?? 'docker/compose/docker-compose.dev.yml',
    repository: options?.repository ?? '{projectName}',
    tags: options?.tags ?? ['latest'],
  };
}
