export interface CiGeneratorSchema {
  /** Workflow file name under .github/workflows, without .yml (default `docker`). */
  name?: string;
  /** Registry and namespace images are pushed to (DOCKER_REGISTRY). */
  registry?: string;
  /** Nx remote cache: Nx's self-hosted protocol, Nx Cloud, or none. */
  remoteCache?: 'self-hosted' | 'nx-cloud' | 'none';
  /** Branch whose registry cache every branch reads (default: nx.json defaultBase, else main). */
  mainBranch?: string;
  parallel?: number;
  nodeVersion?: string;
  /** Dependency install step (default `npm ci`). */
  installCommand?: string;
  /** A command for an extra job that runs the workspace's tests with a local registry, e.g. `npm test`. */
  testCommand?: string;
}
