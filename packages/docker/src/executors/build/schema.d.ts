import type { BuildPlan } from '../../core/build-plan';

export interface BuildExecutorSchema {
  file: string;
  context: string;
  image: string;
  outputPath: string;
  target?: string;
  tags?: string[];
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  secrets?: string[];
  buildContexts?: Record<string, string>;
  platforms?: string[];
  cacheFrom?: string[];
  cacheTo?: string[];
  network?: string;
  pull?: boolean;
  noCache?: boolean;
  load?: boolean;
  push?: boolean;
  registry?: string;
  registryCache?: boolean;
  skipExisting?: boolean;
  builder?: string;
  progress?: 'plain' | 'rawjson' | 'quiet';
  engine?: 'docker' | 'podman' | 'detect';
  maxParallelBuilds?: number;
  /** Seconds after which the build is stopped and fails (none by default). */
  timeout?: number;
  /** Public key (PEM file, workspace-relative) that pushed images must be signed with; the private key is $DOCKER_IMAGE_SIGNING_KEY. */
  signingPublicKey?: string;
  /** The build plan inference computed for these options (set by the plugin; not written by hand). */
  plan?: BuildPlan;
}
