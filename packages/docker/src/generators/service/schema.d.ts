import type { Runtime } from '../../core/runtime';

export interface ServiceGeneratorSchema {
  name: string;
  runtime: Runtime;
  gpu?: boolean;
  port?: number;
  /** Project root; default `apps/<name>`. */
  directory?: string;
  baseImage?: string;
  cudaImage?: string;
  systemPackages?: string | string[];
  pinDigests?: boolean;
  syntax?: boolean;
  tags?: string;
  /** Compose files live here (default `docker/compose`). */
  composeDirectory?: string;
  skipCompose?: boolean;
}
