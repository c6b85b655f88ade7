// `npm run lint:templates`: lit-analyzer (the maintained @jackolope fork) type-checks the lit
// templates — unknown elements, properties, attributes and events; binding types — with its
// strict rules. Run with `node --import ./tools/lint/typescript5.mjs` (see that file).
const globs = ['packages/elements/src/**/*.ts', 'stories/**/*.ts', 'demo/src/**/*.ts'];
// no-missing-import is wrong here: element classes are importable without registering (by design),
// and the define-*.ts files register what each element renders (define-flag-button.ts brings
// <supervisor-chat>); the analyzer also does not follow the package's wildcard `exports`, so an
// `import '@flagline/elements/define.js'` would not count.
const rules = ['--rules.no-missing-import', 'off'];
process.argv = [process.argv[0], 'lit-analyzer', ...globs, '--strict', ...rules, '--maxWarnings', '0', ...process.argv.slice(2)];
const { cli } = await import('@jackolope/lit-analyzer/lib/cli/cli.mjs');
await cli();
