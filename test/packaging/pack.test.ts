/**
 * The packages as a host gets them: build, `npm pack` each, install the four tarballs (with the
 * React version the repository locks) into a fresh project and use them there, with no repository
 * around. Node imports @flagline/core and
 * raises a flag on the memory transport; the relay's `flagline-relay` bin starts, answers
 * /healthz and stops; the types resolve for a strict TypeScript host; the elements tarball holds
 * dist js, d.ts, maps and the manifest; in Chromium importing the classes registers nothing
 * while `define.js` registers every tag; a React app bundled from the tarballs raises a flag
 * through @flagline/react's wrappers, whose props and callbacks type-check in a strict `.tsx` host.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { launch } from '../e2e/stack.js';
import { raiseFlag } from '../examples/harness.js';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'flagline-pack-'));
const host = join(work, 'host');
const TAGS = ['flagline-provider', 'flag-button', 'supervisor-chat', 'raised-flags-widget'];
/** Tags registered only by their own define file (not by define.js: an agent's page never loads them). */
const OWN_DEFINE_TAGS = ['flag-history', 'flag-metrics'];
type Packed = { name: string; filename: string; files: { path: string }[] };
let packed: Map<string, Packed>;
let browser: Browser;

async function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(cmd, args, { cwd, env, maxBuffer: 64 << 20 });
    return stdout;
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`, { cause: err });
  }
}

/**
 * better-sqlite3 has no reachable prebuilt binary here and compiling SQLite takes ~90 s, so the
 * fresh install gets the binary this repository already compiled for the same version, through
 * prebuild-install's documented local-prebuilds directory. Everything else comes from the tarballs
 * and the registry.
 */
function localSqlitePrebuild(): Promise<string> {
  const relayRequire = createRequire(join(root, 'packages/relay/package.json'));
  const sqliteDir = resolve(relayRequire.resolve('better-sqlite3/package.json'), '..');
  const { version } = JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')) as { version: string };
  const wanted = (JSON.parse(readFileSync(join(root, 'packages/relay/package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies['better-sqlite3'];
  assert.equal(version, wanted, 'the repository compiled the better-sqlite3 version the relay depends on');
  const dir = join(work, 'prebuilds');
  mkdirSync(dir);
  const file = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  return run('tar', ['-czf', join(dir, file), '-C', sqliteDir, 'build/Release/better_sqlite3.node'], root).then(() => dir);
}

/** `name@version` as the repository's lockfile has it, so the host tests the React the repo tests. */
function locked(name: string): string {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
  return `${name}@${lock.packages[`node_modules/${name}`]!.version}`;
}

before(async () => {
  await run('npm', ['run', 'build'], root);
  // Built just above; --ignore-scripts skips the packages' prepack (which builds again).
  const out = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work, '-w', '@flagline/core', '-w', '@flagline/elements', '-w', '@flagline/relay', '-w', '@flagline/react'], root);
  packed = new Map((JSON.parse(out) as Packed[]).map((p) => [p.name, p]));
  mkdirSync(host);
  await run('npm', ['init', '-y'], host);
  await run('npm', ['pkg', 'set', 'type=module'], host);
  const prebuilds = await localSqlitePrebuild();
  const tarballs = [...packed.values()].map((p) => join(work, p.filename));
  // @types/react is @lit/react's peer: pinned too, else npm adds the newest 19.x.
  const react = ['react', 'react-dom', '@types/react'].map(locked);
  await run('npm', ['install', '--no-audit', '--no-fund', ...tarballs, ...react], host, { ...process.env, npm_config_better_sqlite3_local_prebuilds: prebuilds });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

test('the four tarballs ship dist js, declarations and both kinds of source maps, and no tests', () => {
  assert.deepEqual([...packed.keys()].sort(), ['@flagline/core', '@flagline/elements', '@flagline/react', '@flagline/relay']);
  for (const { name, files } of packed.values()) {
    const paths = files.map((f) => f.path);
    for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/index.js.map', 'dist/index.d.ts.map', 'package.json', 'README.md'])
      assert.ok(paths.includes(file), `${name} ships ${file}`);
    assert.deepEqual(paths.filter((p) => /\.test\.|(^|\/)test\//.test(p)), [], `${name} ships no tests`);
  }
  const elements = packed.get('@flagline/elements')!.files.map((f) => f.path);
  for (const file of ['custom-elements.json', 'dist/define.js', 'dist/define.d.ts', 'dist/define-flag-button.js', 'dist/cdn/flagline.min.js', 'dist/cdn/flagline.min.js.map'])
    assert.ok(elements.includes(file), `@flagline/elements ships ${file}`);
});

test('every source map in the installed packages leads to a shipped source', () => {
  let maps = 0;
  for (const name of packed.keys()) {
    const dist = join(host, 'node_modules', name, 'dist');
    for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.map'))) {
      const map = JSON.parse(readFileSync(join(dist, file), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      maps++;
      map.sources.forEach((source, i) => {
        if (map.sourcesContent?.[i]) return; // the CDN bundle carries its sources
        assert.ok(existsSync(resolve(dist, dirname(file), source)), `${name}/dist/${file} → ${source}`);
      });
    }
  }
  assert.ok(maps > 100, `${maps} maps`);
});

test('the installed elements package points at its manifest, which describes every tag', () => {
  const dir = join(host, 'node_modules/@flagline/elements');
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { customElements: string; sideEffects: string[] };
  const manifest = JSON.parse(readFileSync(join(dir, pkg.customElements), 'utf8')) as { modules: { declarations?: { tagName?: string }[] }[] };
  const tags = manifest.modules.flatMap((m) => m.declarations ?? []).flatMap((d) => (d.tagName ? [d.tagName] : []));
  assert.deepEqual(tags.sort(), [...TAGS, ...OWN_DEFINE_TAGS].sort());
  assert.ok(pkg.sideEffects.every((p) => /^\.\/(src|dist)\/define(-\*)?\.(ts|js)$/.test(p)), `only registration files have side effects: ${pkg.sideEffects}`);
});

test('Node imports @flagline/core from dist and a flag raised by the agent reaches the supervisor', async () => {
  writeFileSync(
    join(host, 'core.mjs'),
    `import { createFlagClient, MemoryHub } from '@flagline/core';
const hub = new MemoryHub({ tickMs: 0 });
const ann = { id: 'ann', name: 'Ann', role: 'agent', teams: ['billing'] };
const sam = { id: 'sam', name: 'Sam', role: 'supervisor', teams: ['billing'] };
const agent = createFlagClient({ transport: hub.transport(ann), me: ann });
const supervisor = createFlagClient({ transport: hub.transport(sam), me: sam });
const { flagId } = await agent.raise({ interactionId: 'call-1', channel: 'voice', message: 'Caller wants to cancel' });
const flag = await new Promise((ok) => supervisor.$flags.subscribe((flags) => flags.get(flagId) && ok(flags.get(flagId))));
console.log(JSON.stringify({ from: import.meta.resolve('@flagline/core'), status: flag.status, message: flag.message, agent: flag.agent.id }));
agent.close();
supervisor.close();
`,
  );
  const out = JSON.parse(await run(process.execPath, ['core.mjs'], host));
  assert.deepEqual(out, {
    from: `file://${join(host, 'node_modules/@flagline/core/dist/index.js')}`,
    status: 'raised',
    message: 'Caller wants to cancel',
    agent: 'ann',
  });
});

test('a strict TypeScript host type-checks against the published declarations', async () => {
  writeFileSync(
    join(host, 'host.ts'),
    `import { createFlagClient, MemoryHub, type Flag } from '@flagline/core';
import { FlagButton, FlagStateEvent } from '@flagline/elements';
import '@flagline/elements/define.js';
import { DEV_DIRECTORY } from '@flagline/relay/dev-directory';
const me = DEV_DIRECTORY[0]!;
const client = createFlagClient({ transport: new MemoryHub().transport(me), me });
const button: FlagButton = document.createElement('flag-button');
button.client = client;
button.addEventListener('flag-raised', (e: FlagStateEvent) => {
  const flag: Flag = e.flag;
  console.log(flag.status);
});
// @ts-expect-error interactionId is a string
button.interactionId = 42;
`,
  );
  await typecheck('host.ts');
});

/** The repository's tsc over one file of the fresh project, as strict as a careful host. */
function typecheck(file: string): Promise<string> {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const options = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom,dom.iterable', '--jsx', 'react-jsx', '--skipLibCheck'];
  return run(process.execPath, [tsc, ...options, file], host);
}

test('a strict TypeScript React host type-checks the wrappers\' props and callbacks against the published declarations', async () => {
  writeFileSync(
    join(host, 'host-react.tsx'),
    `import { createFlagClient, MemoryHub, type Flag, type Participant } from '@flagline/core';
import { FlagButton, FlagClientProvider, RaisedFlagsWidget, useFlagClient, useStore } from '@flagline/react';
const me: Participant = { id: 'ann', name: 'Ann', role: 'agent', teams: ['billing'] };
const client = createFlagClient({ transport: new MemoryHub().transport(me), me });
function OpenFlags() {
  const open: readonly Flag[] = useStore(useFlagClient().$openFlags);
  return <p>{open.length}</p>;
}
export const desk = (
  <FlagClientProvider client={client}>
    <FlagButton interactionId="call-1" channel="voice" onFlagRaised={(e) => {
      const flag: Flag = e.flag;
      console.log(flag.message);
    }} />
    <FlagButton
      interactionId="call-2"
      // @ts-expect-error fax is not a channel
      channel="fax"
    />
    <RaisedFlagsWidget team="billing" />
    <OpenFlags />
  </FlagClientProvider>
);
`,
  );
  await typecheck('host-react.tsx');
});

test('the relay bin from the tarball prints its help, starts, answers /healthz and stops on SIGTERM', async () => {
  const bin = join(host, 'node_modules/.bin/flagline-relay');
  assert.match(await run(bin, ['--help'], host), /--port/);

  const relay = spawn(bin, ['--port', '0', '--store', `sqlite:${join(work, 'relay.db')}`, '--log-level', 'info'], { cwd: host, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((ok) => relay.once('exit', ok));
  let log = '';
  const port = await new Promise<number>((ok, fail) => {
    relay.stderr!.on('data', (d) => {
      log += d;
      const listening = log.split('\n').find((l) => l.includes('"msg":"listening"'));
      if (listening) ok((JSON.parse(listening) as { port: number }).port);
    });
    void exited.then((code) => fail(new Error(`relay exited (${code}) before listening:\n${log}`)));
  });
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok' });
  relay.kill('SIGTERM');
  assert.equal(await exited, 0, log);
});

/**
 * Bundles `code` (JS with JSX) from the fresh project (so imports resolve to its node_modules),
 * runs it in Chromium, lets `drive` use the page, then reads `window.result`.
 */
async function runInChromium(code: string, respectSideEffects: boolean, drive?: (page: Page) => Promise<void>): Promise<{ result: unknown; inputs: string[] }> {
  const out = await build({
    stdin: { contents: code, resolveDir: host, loader: 'jsx' },
    jsx: 'automatic',
    absWorkingDir: host,
    bundle: true,
    // A classic script runs as it is added, so `window.result` is set when addScriptTag returns
    // (an inline module would run in a later task, racing the read).
    format: 'iife',
    write: false,
    metafile: true,
    // nanostores reads process.env.NODE_ENV unguarded.
    define: { 'process.env.NODE_ENV': '"production"' },
    // Off: every imported module is kept, so "registers nothing" is the modules' own doing,
    // not the bundler dropping them.
    ignoreAnnotations: !respectSideEffects,
    logLevel: 'silent',
  });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  // A secure context, as a host page is (the client ids come from crypto.randomUUID).
  await page.route('http://localhost/', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>host</title>' }));
  await page.goto('http://localhost/');
  await page.addScriptTag({ content: out.outputFiles[0]!.text });
  await drive?.(page).catch((e: Error) => assert.fail(`${e.message}\npage errors: ${errors.join('\n')}`));
  const result = await page.evaluate(() => (window as unknown as { result: unknown }).result);
  await page.close();
  assert.deepEqual(errors, []);
  return { result, inputs: Object.keys(out.metafile.inputs) };
}

test('in Chromium, importing @flagline/elements gives the classes and registers nothing', async () => {
  const { result, inputs } = await runInChromium(
    `import * as elements from '@flagline/elements';
window.result = {
  classes: ['FlaglineProvider', 'FlagButton', 'SupervisorChat', 'RaisedFlagsWidget'].filter((n) => elements[n]?.prototype instanceof HTMLElement),
  registered: ${JSON.stringify(TAGS)}.filter((t) => customElements.get(t)),
};`,
    false,
  );
  assert.ok(inputs.some((p) => p.startsWith('node_modules/@flagline/elements/dist/')), 'bundled from the installed package');
  assert.deepEqual(result, { classes: ['FlaglineProvider', 'FlagButton', 'SupervisorChat', 'RaisedFlagsWidget'], registered: [] });
});

test('in Chromium, define.js registers every tag (kept by a bundler that honours sideEffects) with the exported classes', async () => {
  const { result } = await runInChromium(
    `import { FlagButton } from '@flagline/elements';
import '@flagline/elements/define.js';
window.result = {
  registered: ${JSON.stringify(TAGS)}.filter((t) => customElements.get(t)),
  notRegistered: ${JSON.stringify(OWN_DEFINE_TAGS)}.filter((t) => !customElements.get(t)),
  sameClass: customElements.get('flag-button') === FlagButton,
};`,
    true,
  );
  assert.deepEqual(result, { registered: TAGS, notRegistered: OWN_DEFINE_TAGS, sameClass: true });
});

test('in Chromium, a React app on @flagline/react raises a flag through the UI: the widget lists it, the host hears it once', async () => {
  const { result, inputs } = await runInChromium(
    `import { createRoot } from 'react-dom/client';
import { createFlagClient, MemoryHub } from '@flagline/core';
import { FlagButton, FlagClientProvider, RaisedFlagsWidget } from '@flagline/react';
const hub = new MemoryHub();
const ann = { id: 'ann', name: 'Ann', role: 'agent', teams: ['billing'] };
const sam = { id: 'sam', name: 'Sam', role: 'supervisor', teams: ['billing'] };
window.result = { raised: [] };
createRoot(document.body.appendChild(document.createElement('main'))).render(
  <>
    <FlagClientProvider client={createFlagClient({ transport: hub.transport(ann), me: ann })}>
      <FlagButton interactionId="call-1" channel="voice" onFlagRaised={(e) => window.result.raised.push(e.flag.message)} />
    </FlagClientProvider>
    <FlagClientProvider client={createFlagClient({ transport: hub.transport(sam), me: sam })}>
      <RaisedFlagsWidget />
    </FlagClientProvider>
  </>,
);`,
    true,
    async (page) => {
      await raiseFlag(page, 'Caller wants a refund');
      await page.locator('raised-flags-widget [role=listitem]', { hasText: 'Caller wants a refund' }).waitFor();
      await page.waitForFunction(() => (window as unknown as { result: { raised: string[] } }).result.raised.length > 0);
    },
  );
  assert.ok(inputs.some((p) => p.startsWith('node_modules/@flagline/react/dist/')), 'bundled from the installed package');
  assert.deepEqual(result, { raised: ['Caller wants a refund'] });
});
