// The executors Nx loads (`./entry/executors.js#<name>`), compiled by `npm run build`. Not a mirror of
// the source layout on purpose: Nx's local-plugin lookup would otherwise swap in the TypeScript
// source, which Deno cannot load through require and which costs a transpile per process.
// Getters keep loading lazy: a task loads only its own module.
module.exports = {
  get build() {
    return require('../dist/src/executors/build/executor').default;
  },
  get run() {
    return require('../dist/src/executors/run/executor').default;
  },
  get compose() {
    return require('../dist/src/executors/compose/executor').default;
  },
  get push() {
    return require('../dist/src/executors/push/executor').default;
  },
  get perf() {
    return require('../dist/src/executors/perf/executor').default;
  },
  get lint() {
    return require('../dist/src/executors/lint/executor').default;
  },
  get audit() {
    return require('../dist/src/executors/audit/executor').default;
  },
};
