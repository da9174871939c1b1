import type { Runtime } from '../../core/runtime';

export interface DockerfileGeneratorSchema {
  project: string;
  /** Detected from the project's files when omitted. */
  runtime?: Runtime;
  /** Entry point, relative to the project root; detected when omitted. */
  entry?: string;
  port?: number;
  gpu?: boolean;
  baseImage?: string;
  cudaImage?: string;
  /** Extra Debian packages for the base stage (comma or space separated). */
  systemPackages?: string | string[];
  pinDigests?: boolean;
  syntax?: boolean;
  force?: boolean;
}
