/**
 * Regenerates docs/screenshot.png: the real stack (npm start), an agent and a supervisor in the
 * middle of a flag, side by side. Run: node --conditions=source --import tsx scripts/screenshot.ts
 */
import { resolve } from 'node:path';
import { AgentDesk, Wallboard } from '../test/e2e/pages.js';
import { launch, personPage, Stack } from '../test/e2e/stack.js';

const stack = new Stack();
await stack.start();
const browser = await launch();
try {
  const agent = new AgentDesk((await personPage(browser, `${stack.url}/agent.html?as=ann`)).page);
  const sup = new Wallboard((await personPage(browser, `${stack.url}/wallboard.html?as=sam`)).page);
  await agent.raise('Customer was charged twice and wants to cancel everything today');
  const row = sup.row('charged twice');
  await row.getByRole('button', { name: 'Acknowledge' }).click();
  await row.getByRole('button', { name: 'Open chat' }).click();
  await sup.say('Offer a full refund of the second charge; I can join if needed.');
  await agent.say('They accept the refund but want a supervisor on the line.');
  await agent.click('Request supervisor to join');
  await row.getByText('Join requested').waitFor();
  await sup.chat.getByText('want a supervisor on the line').waitFor();
  const shots = await Promise.all([agent.page.screenshot(), sup.page.screenshot()]);
  const page = await browser.newPage({ viewport: { width: 2560 + 24, height: 720 + 16 } });
  const img = (png: Buffer) => `<img src="data:image/png;base64,${png.toString('base64')}" width="1280" height="720">`;
  await page.setContent(`<body style="margin:0;padding:8px;display:flex;gap:8px;background:#1b2330">${img(shots[0]!)}${img(shots[1]!)}</body>`);
  await page.screenshot({ path: resolve(import.meta.dirname, '../docs/screenshot.png') });
  console.log('Wrote docs/screenshot.png');
} finally {
  await browser.close();
  await stack.dispose();
}
