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
  /** Python: a base-image project to build FROM (nx g @org/docker:base-image). */
  base?: string;
  /** Python: library projects whose packages the image copies (named build contexts). */
  lib?: string | string[];
}
