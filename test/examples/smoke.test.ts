// Each framework example built with Vite and driven in Chromium like a person would: the agent
// raises a flag through the <flag-button>, the supervisor's <raised-flags-widget> shows it, the
// host's own flag-raised handlers receive it, and host code reading the client's $openFlags
// store (React: useStore from @flagline/react) re-renders. No console errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openExample, raiseFlag, type ExamplePage } from './harness.js';

for (const name of ['react', 'vue'] as const) {
  describe(`${name} example`, () => {
    let example: ExamplePage;
    before(async () => {
      example = await openExample(name);
    });
    after(() => example?.close());

    test('a flag raised in the UI reaches the wallboard, the host handlers and the store reader', async () => {
      const { page } = example;
      const count = page.getByTestId('open-count');
      await count.getByText('Open flags: 0').waitFor();

      await raiseFlag(page, 'Caller wants a refund');

      await page.locator('raised-flags-widget [role=listitem]', { hasText: 'Caller wants a refund' }).waitFor();
      const log = page.getByTestId('host-log');
      await log.getByText('agent: flag-raised by Ann Agent: Caller wants a refund').waitFor();
      await log.getByText('supervisor: flag-raised by Ann Agent: Caller wants a refund').waitFor();
      await count.getByText('Open flags: 1').waitFor();
      // Each handler fired exactly once (the order of the two clients' confirmations is free).
      assert.deepEqual((await log.locator('li').allTextContents()).sort(), [
        'agent: flag-raised by Ann Agent: Caller wants a refund',
        'supervisor: flag-raised by Ann Agent: Caller wants a refund',
      ]);
      assert.deepEqual(example.errors, []);
    });
  });
}
