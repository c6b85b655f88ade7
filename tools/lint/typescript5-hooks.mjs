// ESM resolve hook registered by typescript5.mjs: `import 'typescript'` gets the 5.x of this workspace.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const typescript = pathToFileURL(createRequire(import.meta.url).resolve('typescript')).href;

export function resolve(specifier, context, next) {
  return specifier === 'typescript' ? { url: typescript, shortCircuit: true } : next(specifier, context);
}
