// The generators Nx loads (`./entry/generators.js#<name>`), compiled by `npm run build`. Not a mirror of
// the source layout on purpose: Nx's local-plugin lookup would otherwise swap in the TypeScript
// source, which Deno cannot load through require and which costs a transpile per process.
// Getters keep loading lazy: a task loads only its own module.
module.exports = {
  get init() {
    return require('../dist/src/generators/init/generator').default;
  },
  get service() {
    return require('../dist/src/generators/service/generator').default;
  },
  get dockerfile() {
    return require('../dist/src/generators/dockerfile/generator').default;
  },
  get ci() {
    return require('../dist/src/generators/ci/generator').default;
  },
};
