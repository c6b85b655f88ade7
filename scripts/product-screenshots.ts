/**
 * Screenshots of both sides of the demo in the middle of a flag — the agent with the flag panel
 * open, the supervisor with the chat open — at 1280 and 390 px, light and dark, for review.
 * Run: node --conditions=source --import tsx scripts/product-screenshots.ts [out-dir] (default docs/screens).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { AgentDesk, Wallboard } from '../test/e2e/pages.js';
import { launch, Stack } from '../test/e2e/stack.js';

const out = resolve(process.argv[2] ?? resolve(import.meta.dirname, '../docs/screens'));
mkdirSync(out, { recursive: true });

async function person(browser: Browser, url: string, width: number, dark: boolean) {
  const context = await browser.newContext({ viewport: { width, height: width > 500 ? 720 : 844 }, colorScheme: dark ? 'dark' : 'light' });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

const stack = new Stack();
await stack.start();
const browser = await launch();
try {
  // Each scene on its own interaction so the wallboard shows one flag being handled, one waiting.
  const scenes = [[1280, false], [1280, true], [390, false], [390, true]] as const;
  const customers = ['Jordan Price', 'Priya Natarajan', 'Marco Rossi', 'Jordan Price'];
  for (const [i, [width, dark]] of scenes.entries()) {
    const name = `${width}-${dark ? 'dark' : 'light'}`;
    const agentId = i === 3 ? 'ben' : 'ann';
    const agent = new AgentDesk(await person(browser, `${stack.url}/agent.html?as=${agentId}`, width, dark));
    const sup = new Wallboard(await person(browser, `${stack.url}/wallboard.html?as=sam`, width, dark));
    await agent.select(customers[i]!);
    const message = `Customer was charged twice and wants to cancel everything (${name})`;
    await agent.raise(message);
    const row = sup.row(message);
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await row.getByRole('button', { name: 'Open chat' }).click();
    await sup.say('Offer a full refund of the second charge; I can join if needed.');
    await agent.say('They accept the refund but want a supervisor on the line.');
    await agent.click('Request supervisor to join');
    await sup.chat.getByText('want a supervisor on the line').waitFor();
    await agent.page.screenshot({ path: join(out, `agent-${name}.png`) });
    await sup.page.screenshot({ path: join(out, `wallboard-${name}.png`) });
    await (await agent.panel()).getByRole('button', { name: 'Lower flag' }).click();
    await row.waitFor({ state: 'detached' });
    await agent.page.context().close();
    await sup.page.context().close();
  }
  console.log(`Wrote ${scenes.length * 2} screenshots to ${out}`);
} finally {
  await browser.close();
  await stack.dispose();
}
