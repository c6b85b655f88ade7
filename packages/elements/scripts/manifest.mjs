// Reads the elements' public surface from the Custom Elements Manifest (`npm run analyze`):
// the one source for the generated React wrappers (@flagline/react) and the JSX types.
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const manifestPath = fileURLToPath(new URL('../custom-elements.json', import.meta.url));

/**
 * Every custom element in the manifest, sorted by tag:
 * `{ tagName, className, attributes: [{ name, fieldName }], properties: [name], events: [name] }`.
 */
export function readElements(path = manifestPath) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new Error(`cannot read the Custom Elements Manifest at ${path}: run \`npm run analyze -w @flagline/elements\` first`, { cause });
  }
  const elements = [];
  for (const mod of manifest.modules ?? [])
    for (const d of mod.declarations ?? []) {
      if (!d.customElement || !d.tagName) continue;
      elements.push({
        tagName: d.tagName,
        className: d.name,
        attributes: (d.attributes ?? []).filter((a) => a.fieldName).map((a) => ({ name: a.name, fieldName: a.fieldName })).sort((a, b) => a.name.localeCompare(b.name)),
        properties: (d.members ?? []).filter((m) => m.kind === 'field').map((m) => m.name).sort(),
        events: [...new Set((d.events ?? []).map((e) => e.name))].sort(),
      });
    }
  if (elements.length === 0) throw new Error(`no custom elements in ${path}`);
  return elements.sort((a, b) => a.tagName.localeCompare(b.tagName));
}

/** `flag-raised` → `FlagRaised`. */
export const pascal = (name) => name.replace(/(^|-)([a-z])/g, (_, __, c) => c.toUpperCase());

/**
 * Writes generated text, or with `--check` only compares: exits 1 naming every stale file.
 * `files` maps absolute paths to their expected contents.
 */
export async function writeOrCheck(files, argv = process.argv) {
  const check = argv.includes('--check');
  const stale = [];
  for (const [path, text] of Object.entries(files)) {
    const current = await readFile(path, 'utf8').catch(() => null);
    if (current === text) continue;
    if (check) stale.push(path);
    else {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
    }
  }
  if (stale.length > 0) {
    console.error(`out of date with the Custom Elements Manifest (regenerate without --check):\n  ${stale.join('\n  ')}`);
    process.exit(1);
  }
}
