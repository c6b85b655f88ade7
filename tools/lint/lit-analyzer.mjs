// `npm run lint:templates`: lit-analyzer type-checks the lit templates (unknown elements,
// properties, attributes and events; binding types) with its strict rules.
import { createRequire } from 'node:module';
import './typescript5.mjs';

const require = createRequire(import.meta.url);

const globs = ['packages/elements/src/**/*.ts', 'stories/**/*.ts', 'demo/src/**/*.ts'];
process.argv = [process.argv[0], 'lit-analyzer', ...globs, '--strict', '--maxWarnings', '0', ...process.argv.slice(2)];
const { cli } = require('lit-analyzer');
await cli();
