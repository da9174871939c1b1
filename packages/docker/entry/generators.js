// The generators Nx loads (`./entry/generators.js#<name>`), compiled by `npm run build`. Not a mirror of
// the source layout on purpose: Nx's local-plugin lookup would otherwise swap in the TypeScript
// source, which Deno cannot load through require and which costs a transpile per process.
// Each wrapper requires its module when called, so a task loads only its own code; they are
// plain async function declarations so @nx/nx-plugin-checks can see each export.
'use strict';

async function init(tree, options) {
  return require('../dist/src/generators/init/generator').default(tree, options);
}

async function service(tree, options) {
  return require('../dist/src/generators/service/generator').default(tree, options);
}

async function baseImage(tree, options) {
  return require('../dist/src/generators/base-image/generator').default(tree, options);
}

async function dockerfile(tree, options) {
  return require('../dist/src/generators/dockerfile/generator').default(tree, options);
}

async function ci(tree, options) {
  return require('../dist/src/generators/ci/generator').default(tree, options);
}

async function signingKey(tree, options) {
  return require('../dist/src/generators/signing-key/generator').default(tree, options);
}

module.exports = { init, service, baseImage, dockerfile, ci, signingKey };
