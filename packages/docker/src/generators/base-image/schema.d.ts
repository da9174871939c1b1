export interface BaseImageGeneratorSchema {
  name: string;
  /** Project root; default `docker/<name>`. */
  directory?: string;
  /** The image it starts from; default python:3.12-slim (with --gpu: the CUDA runtime image). */
  baseImage?: string;
  /** A CUDA base: Python installed from the distribution, NVIDIA variables set. */
  gpu?: boolean;
  systemPackages?: string | string[];
  tags?: string;
}
