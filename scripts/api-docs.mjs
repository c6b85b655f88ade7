// Renders the Custom Elements Manifest into Markdown, so the docs cannot drift from the JSDoc:
// the API reference of packages/elements/README.md (between <!-- api:start --> and
// <!-- api:end -->) and the design tokens and parts of docs/theming.md (<!-- tokens:… -->, <!-- parts:… -->).
// `npm run docs` regenerates them; test/docs/api-docs.test.ts fails when they are stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cli } from '@custom-elements-manifest/analyzer/cli.js';

export const ELEMENTS_DIR = resolve(import.meta.dirname, '../packages/elements');
export const README = resolve(ELEMENTS_DIR, 'README.md');
export const THEMING = resolve(import.meta.dirname, '../docs/theming.md');

/** Runs the analyzer with the package's config and returns the manifest, writing nothing. */
export function analyze() {
  return cli({ argv: ['analyze', '--config', 'custom-elements-manifest.config.mjs', '--quiet'], cwd: ELEMENTS_DIR, noWrite: true });
}

/** One table cell: one line, pipes escaped, and `<tag>` outside code spans kept as text rather than HTML. */
const oneLine = (text = '') =>
  text
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .split('`')
    .map((part, i) => (i % 2 ? part : part.replace(/</g, '&lt;')))
    .join('`')
    .trim();
const code = (text) => (text ? `\`${text.replace(/\|/g, '\\|')}\`` : '');

function table(head, rows) {
  if (rows.length === 0) return [];
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`), ''];
}

function section(title, lines) {
  return lines.length ? [`**${title}**`, '', ...lines] : [];
}

function renderElement(el) {
  const fields = (el.members ?? []).filter((m) => m.kind === 'field');
  const methods = (el.members ?? []).filter((m) => m.kind === 'method');
  const ownCss = (el.cssProperties ?? []).filter((p) => !p.inheritedFrom);
  const sharedCss = [...new Set((el.cssProperties ?? []).filter((p) => p.inheritedFrom).map((p) => p.inheritedFrom.name))];
  return [
    `### \`<${el.tagName}>\``,
    '',
    `${oneLine(el.summary)} Class \`${el.name}\`.`,
    '',
    ...section(
      'Properties',
      table(
        ['property', 'attribute', 'type', 'default', 'description'],
        fields.map((f) => [
          code(f.name),
          f.attribute ? `${code(f.attribute)}${f.reflects ? ' (reflected)' : ''}` : '—',
          code(f.type?.text),
          code(f.default),
          oneLine(f.description),
        ]),
      ),
    ),
    ...section(
      'Methods',
      table(
        ['method', 'parameters', 'returns', 'description'],
        methods.map((m) => [
          code(`${m.name}()`),
          (m.parameters ?? []).map((p) => code(`${p.name}: ${p.type?.text ?? 'unknown'}`)).join(', '),
          code(m.return?.type?.text ?? 'void'),
          oneLine(m.description),
        ]),
      ),
    ),
    ...section(
      'Events',
      table(
        ['event', 'class', 'when'],
        (el.events ?? []).map((e) => [code(e.name), e.type ? `[${code(e.type.text)}](#${e.type.text.toLowerCase()})` : '', oneLine(e.description)]),
      ),
    ),
    ...section('Slots', table(['slot', 'description'], (el.slots ?? []).map((s) => [s.name ? code(s.name) : '(default)', oneLine(s.description)]))),
    ...section('CSS parts', table(['part', 'description'], (el.cssParts ?? []).map((p) => [code(p.name), oneLine(p.description)]))),
    ...section(
      'CSS custom properties',
      [
        ...table(['property', 'default', 'description'], ownCss.map((p) => [code(p.name), code(p.default), oneLine(p.description)])),
        ...sharedCss.map((name) => `Also every [design token](#design-tokens) (from \`${name}\`).\n`),
      ],
    ),
  ];
}

/** The event classes the elements' events name, with their typed fields. */
function renderEventClasses(declarations, elements) {
  const used = new Set(elements.flatMap((el) => (el.events ?? []).map((e) => e.type?.text)).filter(Boolean));
  const classes = declarations.filter((d) => d.kind === 'class' && used.has(d.name));
  return [
    '### Event classes',
    '',
    'Every event is an `Event` subclass exported by the package, bubbling and composed, with these typed fields (no `detail`).',
    '',
    ...classes.flatMap((c) => [
      `#### \`${c.name}\``,
      '',
      oneLine(c.description),
      '',
      ...table(
        ['field', 'type', 'description'],
        (c.members ?? []).filter((m) => m.kind === 'field').map((m) => [code(m.name), code(m.type?.text), oneLine(m.description)]),
      ),
    ]),
  ];
}

const GENERATED = '<!-- Generated from custom-elements.json by `npm run docs` (scripts/api-docs.mjs): edit the JSDoc, not this. -->';

function declarationsOf(manifest) {
  const declarations = manifest.modules.flatMap((m) => m.declarations ?? []);
  const elements = declarations.filter((d) => d.customElement && d.tagName).sort((a, b) => a.tagName.localeCompare(b.tagName));
  return { declarations, elements };
}

/** Design tokens declared once on a base class and inherited by every element. */
function tokenTable({ declarations, elements }) {
  const bases = new Set(elements.flatMap((el) => (el.cssProperties ?? []).filter((p) => p.inheritedFrom).map((p) => p.inheritedFrom.name)));
  return declarations
    .filter((d) => bases.has(d.name))
    .flatMap((d) => [
      `Read by every element (they extend \`${d.name}\`); the default is the light scheme's.`,
      '',
      ...table(['property', 'default', 'description'], (d.cssProperties ?? []).map((p) => [code(p.name), code(p.default), oneLine(p.description)])),
    ]);
}

/** Every element's parts in one table, for the theming guide. */
function partsTable({ elements }) {
  return table(
    ['element', 'parts'],
    elements.filter((el) => el.cssParts?.length).map((el) => [code(`<${el.tagName}>`), el.cssParts.map((p) => `${code(p.name)} ${oneLine(p.description)}`).join('<br>')]),
  );
}

/** The elements README's API reference: one section per element, then event classes and design tokens. */
function renderApi(manifest) {
  const parsed = declarationsOf(manifest);
  return [GENERATED, '', ...parsed.elements.flatMap(renderElement), ...renderEventClasses(parsed.declarations, parsed.elements), '### Design tokens', '', ...tokenTable(parsed)]
    .join('\n')
    .trim();
}

/** Every generated section: the file, the name of its markers, and its Markdown. */
export function sections(manifest) {
  return [
    { file: README, name: 'api', markdown: renderApi(manifest) },
    { file: THEMING, name: 'tokens', markdown: [GENERATED, '', ...tokenTable(declarationsOf(manifest))].join('\n').trim() },
    { file: THEMING, name: 'parts', markdown: [GENERATED, '', ...partsTable(declarationsOf(manifest))].join('\n').trim() },
  ];
}

/** `text` with the section between `<!-- name:start -->` and `<!-- name:end -->` replaced; missing markers are an error. */
export function withSection(text, name, markdown) {
  const [open, close] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`missing ${open} … ${close} markers`);
  return `${text.slice(0, start + open.length)}\n${markdown}\n${text.slice(end)}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const { file, name, markdown } of sections(await analyze())) {
    const text = readFileSync(file, 'utf8');
    const next = withSection(text, name, markdown);
    if (next !== text) writeFileSync(file, next);
    console.log(`${relative(process.cwd(), file)}: ${name} ${next === text ? 'up to date' : 'regenerated'}`);
  }
}
