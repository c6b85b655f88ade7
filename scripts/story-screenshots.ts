/**
 * `npm run screenshots`: every Storybook story (its play function run) at 390 and 1280 px, light
 * and dark, as PNGs for review — not compared pixel-exact anywhere. Builds Storybook first, serves
 * storybook-static/ on loopback, and drives Debian's Chromium.
 * Run: npm run screenshots [-- out-dir] (default test-artifacts/stories; `--only=flag-button` filters ids).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { serveStatic } from '../test/examples/harness.js';
import { launch } from '../test/e2e/stack.js';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const out = resolve(args.find((a) => !a.startsWith('--')) ?? join(root, 'test-artifacts/stories'));
mkdirSync(out, { recursive: true });

execFileSync('npm', ['run', 'build-storybook', '--silent'], { cwd: root, stdio: 'inherit' });
const staticDir = join(root, 'storybook-static');
const index = JSON.parse(readFileSync(join(staticDir, 'index.json'), 'utf8')) as { entries: Record<string, { id: string; type: string }> };
const stories = Object.values(index.entries).filter((e) => e.type === 'story' && (!only || e.id.includes(only)));

const server = await serveStatic(staticDir);
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await launch();
let shots = 0;
const failed: string[] = [];
try {
  for (const scheme of ['light', 'dark'] as const) {
    for (const width of [390, 1280]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, reducedMotion: 'reduce' });
      const page = await context.newPage();
      for (const { id } of stories) {
        await page.goto(`${base}/iframe.html?id=${encodeURIComponent(id)}&viewMode=story`);
        // Storybook's own render phases: 'finished' once the story rendered and its play function ran.
        const phase = await page.waitForFunction(
          () => {
            const p = (window as unknown as { __STORYBOOK_PREVIEW__?: { currentRender?: { phase?: string } } }).__STORYBOOK_PREVIEW__?.currentRender?.phase;
            return p === 'finished' || p === 'errored' || p === 'aborted' ? p : false;
          },
          undefined,
          { timeout: 30_000 },
        );
        if ((await phase.jsonValue()) !== 'finished') failed.push(`${id} (${scheme}, ${width} px)`);
        await page.screenshot({ path: join(out, `${id}--${width}-${scheme}.png`), fullPage: true });
        shots++;
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`Wrote ${shots} screenshots of ${stories.length} stories to ${out}`);
if (failed.length) {
  console.log(`Stories whose render or play function failed:\n  ${failed.join('\n  ')}`);
  process.exitCode = 1;
}
