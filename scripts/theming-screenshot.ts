/**
 * Regenerates docs/theming.png: the elements in the high-contrast teal theme of docs/theming.md,
 * on the memory hub (scripts/theming-page.ts bundled with esbuild), in Debian's Chromium.
 * Run: npm run screenshot:theming
 */
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { launch } from '../test/e2e/stack.js';

const root = resolve(import.meta.dirname, '..');
const bundle = await build({
  entryPoints: [resolve(root, 'scripts/theming-page.ts')],
  bundle: true,
  write: false,
  format: 'esm',
  target: 'es2022',
  conditions: ['source'], // workspace packages from their TypeScript (docs/source-condition.md)
  tsconfig: resolve(root, 'tsconfig.json'),
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});

const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 640 } });
  page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
  // Served from a made-up https origin (answered here, nothing leaves the machine): a secure
  // context, which the client's crypto.randomUUID() needs.
  const origin = 'https://flagline.invalid';
  await page.route(`${origin}/**`, (route) =>
    route.request().url().endsWith('/page.js')
      ? route.fulfill({ contentType: 'text/javascript', body: bundle.outputFiles[0]!.text })
      : route.fulfill({
          contentType: 'text/html',
          body: '<!doctype html><html lang="en"><head><title>Flagline theming</title><script type="module" src="/page.js"></script></head><body style="margin:0"></body></html>',
        }),
  );
  await page.goto(`${origin}/`);
  // Rendered when the wallboard lists the join request and the agent's chat shows both messages.
  await page.getByText('Join requested').first().waitFor();
  await page.locator('supervisor-chat').first().getByText('charged twice').waitFor();
  await page.screenshot({ path: resolve(root, 'docs/theming.png') });
  console.log('Wrote docs/theming.png');
} finally {
  await browser.close();
}
