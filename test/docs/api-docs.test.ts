/**
 * The elements' documentation cannot drift from the code: the README's API reference and the
 * theming guide's tokens are what `npm run docs` renders from a fresh manifest, every event an element dispatches is documented
 * with its class, and the documented custom properties are exactly those its styles read.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import type { CSSResultGroup } from 'lit';
import * as elements from '@flagline/elements';
import * as events from '../../packages/elements/src/internal/events.js';
import { flagPanelStyles } from '../../packages/elements/src/flag-button/flag-panel.styles.js';
// @ts-expect-error a plain .mjs script without types
import { analyze, ELEMENTS_DIR, sections, withSection } from '../../scripts/api-docs.mjs';

interface Documented {
  name: string;
  type?: { text: string };
  default?: string;
  description?: string;
}
interface Declaration {
  kind: string;
  name: string;
  tagName?: string;
  customElement?: boolean;
  events?: Documented[];
  cssProperties?: Documented[];
}
interface Manifest {
  modules: { path: string; declarations?: Declaration[] }[];
}

let manifest: Manifest;
const tagged = () =>
  manifest.modules.flatMap((m) => (m.declarations ?? []).filter((d) => d.customElement && d.tagName).map((d) => ({ ...d, path: m.path })));

before(async () => {
  manifest = await analyze();
});

describe('elements API docs', () => {
  it('the generated sections (elements README API, theming tokens) match the manifest', () => {
    for (const { file, name, markdown } of sections(manifest) as { file: string; name: string; markdown: string }[]) {
      const text = readFileSync(file, 'utf8');
      assert.equal(withSection(text, name, markdown), text, `${file}: ${name} is stale, run \`npm run docs\``);
    }
  });

  it('documents every event each element dispatches, with its class, and no other', () => {
    const source = (path: string) => readFileSync(resolve(ELEMENTS_DIR, path), 'utf8');
    const classesIn = (code: string) => [...code.matchAll(/new (\w+Event)\(/g)].map((m) => m[1]!);
    // The shared base dispatches through its helpers (perform → flag-error, relayFlagEvents → …):
    // an element that calls a helper dispatches what the helper does.
    const base = source('src/internal/flagline-element.ts');
    const methodStarts = [...base.matchAll(/^ {2}(?:(?:protected|public|private|override|async) )*(#?\w+)(?:<[^>]*>)?\(/gm)];
    const helpers = methodStarts.map((m, i) => ({ name: m[1]!, classes: classesIn(base.slice(m.index, methodStarts[i + 1]?.index)) }));
    assert.ok(helpers.some((h) => h.classes.length > 0), 'found the dispatching helpers of FlaglineElement');
    const namesOf = (cls: string): string[] => {
      if (cls === 'FlagStateEvent') return Object.values(events.FLAG_STATE_EVENT_TYPES); // its type is the constructor's argument
      const Ctor = (events as unknown as Record<string, new () => Event>)[cls];
      assert.ok(Ctor, `${cls} is exported by internal/events.ts`);
      return [new Ctor().type];
    };

    for (const el of tagged()) {
      const code = source(el.path);
      const dispatched = [...classesIn(code), ...helpers.filter((h) => code.includes(`this.${h.name}(`)).flatMap((h) => h.classes)];
      const expected = new Map(dispatched.flatMap((cls) => namesOf(cls).map((name) => [name, cls] as const)));
      const documented = new Map((el.events ?? []).map((e) => [e.name, e.type?.text]));
      assert.deepEqual(documented, expected, `<${el.tagName}>: @fires {Class} name for exactly what ${el.path} dispatches`);
      for (const e of el.events ?? []) assert.ok(e.description, `<${el.tagName}> ${e.name} has a description`);
    }
  });

  it('documents exactly the custom properties each element reads, with their defaults', () => {
    const exported = elements as unknown as Record<string, { styles?: CSSResultGroup }>;
    /** Styles an element adopts when a lazy part of it arrives (packages/elements/README.md, Bundle layout). */
    const lazyStyles: Record<string, CSSResultGroup[]> = { FlagButton: [flagPanelStyles] };
    for (const el of tagged()) {
      const cssText = [exported[el.name]?.styles ?? [], ...(lazyStyles[el.name] ?? [])]
        .flat(Infinity as 1)
        .map((s) => (s as { cssText: string }).cssText)
        .join('\n');
      // `--_x: var(--flagline-y, …)` private aliases, so a default written with them reads as the public name.
      const aliases = new Map([...cssText.matchAll(/(--_[\w-]+):\s*var\((--flagline-[\w-]+)/g)].map((m) => [m[1]!, m[2]!]));
      const read = new Map<string, string[]>();
      for (const m of cssText.matchAll(/var\((--flagline-[\w-]+),\s*((?:[^()]|\([^()]*\))*)\)/g)) {
        const fallback = m[2]!.trim().replace(/var\((--_[\w-]+)\)/g, (_whole, alias: string) => `var(${aliases.get(alias) ?? alias})`);
        read.set(m[1]!, [...(read.get(m[1]!) ?? []), fallback]);
      }
      const documented = new Map((el.cssProperties ?? []).map((p) => [p.name, p]));
      assert.deepEqual([...documented.keys()].sort(), [...read.keys()].sort(), `<${el.tagName}>: @cssprop for exactly the --flagline-* its styles read`);
      for (const [name, [light, ...others]] of read) {
        const doc = documented.get(name)!;
        assert.equal(doc.default, light, `<${el.tagName}> ${name}: documented default`);
        for (const other of new Set(others.filter((o) => o !== light)))
          assert.ok(doc.description?.includes(other), `<${el.tagName}> ${name}: the description names the other default ${other}`);
      }
    }
  });
});
