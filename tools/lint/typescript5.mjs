// Preloaded (`node --import`) by the lint scripts. typescript-eslint, ts-api-utils and
// lit-analyzer load 'typescript'; from the repo root that finds TypeScript 7, which has no
// compiler API. Every require('typescript') and import of it in the process is sent to the 5.x
// installed in this workspace instead, so all of them share that one instance.
import Module, { createRequire, register } from 'node:module';

const typescript = createRequire(import.meta.url).resolve('typescript');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, request === 'typescript' ? typescript : request, ...rest);
};
register('./typescript5-hooks.mjs', import.meta.url);
