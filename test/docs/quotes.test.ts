/**
 * Code the guides quote is real code that runs and is tested: each fenced block right after
 * `<!-- quote: path -->` in docs/*.md must equal that file, and after
 * `<!-- quote: path#name -->` that module's exported string. Edit the file, then the quote.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '../..');
const docs = readdirSync(resolve(root, 'docs')).filter((f) => f.endsWith('.md'));
const quotes = docs.flatMap((doc) =>
  [...readFileSync(resolve(root, 'docs', doc), 'utf8').matchAll(/<!-- quote: ([^\s#]+)(?:#(\w+))? -->\n```\w*\n([\s\S]*?)^```$/gm)].map((m) => ({
    doc,
    path: m[1]!,
    name: m[2],
    block: m[3]!,
  })),
);

describe('quoted code in docs/', () => {
  it('finds the quotes (the guides quote their examples)', () => {
    assert.ok(quotes.length > 0, 'no quote found: the pattern no longer matches the guides');
  });
  for (const { doc, path, name, block } of quotes) {
    it(`docs/${doc} quotes ${path}${name ? `#${name}` : ''} as it is`, async () => {
      const source = name ? (await import(pathToFileURL(resolve(root, path)).href))[name] : readFileSync(resolve(root, path), 'utf8');
      assert.equal(typeof source, 'string', `${path}${name ? ` exports ${name}` : ''}`);
      assert.equal(block, source);
    });
  }
});
