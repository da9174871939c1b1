// The executors Nx loads (`./entry/executors.js#<name>`), compiled by `npm run build`. Not a mirror of
// the source layout on purpose: Nx's local-plugin lookup would otherwise swap in the TypeScript
// source, which Deno cannot load through require and which costs a transpile per process.
// Each wrapper requires its module when called, so a task loads only its own code; they are
// plain async function declarations so @nx/nx-plugin-checks can see each export.
'use strict';

async function build(options, context) {
  return require('../dist/src/executors/build/executor').default(options, context);
}

// Batch mode (`--batch`): every docker-build task of the run in this one process.
async function* buildBatch(taskGraph, inputs, overrides, context) {
  yield* require('../dist/src/executors/build/batch').default(taskGraph, inputs, overrides, context);
}

async function run(options, context) {
  return require('../dist/src/executors/run/executor').default(options, context);
}

async function compose(options, context) {
  return require('../dist/src/executors/compose/executor').default(options, context);
}

async function push(options, context) {
  return require('../dist/src/executors/push/executor').default(options, context);
}

async function perf(options, context) {
  return require('../dist/src/executors/perf/executor').default(options, context);
}

async function lint(options, context) {
  return require('../dist/src/executors/lint/executor').default(options, context);
}

async function releasePublish(options, context) {
  return require('../dist/src/executors/release-publish/executor').default(options, context);
}

async function audit(options, context) {
  return require('../dist/src/executors/audit/executor').default(options, context);
}

module.exports = { build, buildBatch, run, compose, push, perf, lint, audit, releasePublish };
