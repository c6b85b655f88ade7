/**
 * What a person sees and does on the demo's two pages, as Playwright locators (they pierce the
 * elements' open shadow roots). Names are the elements' default English strings.
 */
import type { Locator, Page } from 'playwright-core';

export class AgentDesk {
  constructor(readonly page: Page) {}

  /** The conversation currently shown (the mock CRM shows one at a time). */
  select(customer: string): Promise<void> {
    return this.page.locator('.queue-item', { hasText: customer }).click();
  }
  get flagButton(): Locator {
    return this.page.locator('.interaction flag-button');
  }
  get trigger(): Locator {
    return this.flagButton.locator('button.trigger');
  }
  async raise(message: string): Promise<void> {
    await this.trigger.click();
    await this.page.getByLabel('Message to your supervisor').fill(message);
    await this.page.keyboard.press('Enter');
  }
  /** The flag's panel (chat, join, lower), opened if it is closed. */
  async panel(): Promise<Locator> {
    const panel = this.flagButton.locator('[part=panel]');
    if (!(await panel.isVisible())) await this.trigger.click();
    return panel;
  }
  async say(text: string): Promise<void> {
    const panel = await this.panel();
    await panel.getByRole('textbox', { name: 'Message' }).fill(text);
    await panel.getByRole('textbox', { name: 'Message' }).press('Enter');
  }
  async click(name: string): Promise<void> {
    await (await this.panel()).getByRole('button', { name }).click();
  }
  get transcript(): Locator {
    return this.page.locator('[data-testid=transcript] li[data-entry-id]');
  }
  async transcriptIds(): Promise<string[]> {
    return this.transcript.evaluateAll((els) => els.map((e) => e.getAttribute('data-entry-id')!));
  }
  get joined(): Locator {
    return this.page.getByTestId('supervisor-joined');
  }
}

export class Wallboard {
  constructor(readonly page: Page) {}

  row(text: string): Locator {
    return this.page.locator('raised-flags-widget [role=listitem]', { hasText: text });
  }
  get announcement(): Locator {
    return this.page.locator('raised-flags-widget [role=status]');
  }
  get chat(): Locator {
    return this.page.locator('.chat-panel supervisor-chat');
  }
  async say(text: string): Promise<void> {
    const box = this.chat.getByRole('textbox', { name: 'Message' });
    await box.fill(text);
    await box.press('Enter');
  }
  messages(): Locator {
    return this.chat.locator('[role=log] .item');
  }
  /** Switch to the History view (its element loads on first use). */
  async showHistory(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'History' }).click();
    return this.page.locator('flag-history');
  }
  /** A row of the history, by the flag's message. */
  historyRow(text: string): Locator {
    return this.page.locator('flag-history .row', { hasText: text });
  }
  /** The header's help-request figure with this label. */
  metric(label: string): Locator {
    return this.page.locator('flag-metrics .figures > div', { has: this.page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
  }
  /** One of my messages, once the relay has confirmed it. */
  sent(text: string): Locator {
    return this.chat.locator('[role=log] .item[data-state=sent]', { hasText: text });
  }
}

/** The element that has focus, looking inside shadow roots. */
export function focused(page: Page): Promise<{ tag: string; text: string; label: string | null }> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return { tag: el?.tagName.toLowerCase() ?? '', text: (el?.textContent ?? '').trim(), label: el?.getAttribute('aria-label') ?? null };
  });
}

/** Press Tab until the focused element matches (at most `max` presses): keyboard-only navigation. */
export async function tabTo(page: Page, match: (f: { tag: string; text: string; label: string | null }) => boolean, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (match(await focused(page))) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached the element; focus is on ${JSON.stringify(await focused(page))}`);
}
