// Nx plugin entry: inference (createNodes, exported under both names so Nx 22, 23 and 24
// all find it) and, from the image graph, createDependencies.
export { createNodes, createNodesV2 } from './src/plugins/plugin';
export { createDependencies } from './src/plugins/dependencies';
export type { DockerPluginOptions } from './src/plugins/options';
