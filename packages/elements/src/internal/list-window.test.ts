import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { css, LitElement } from 'lit';
import { ListWindow } from './list-window.js';

interface Item {
  id: string;
  height: number;
}

/** Items of 7 different heights (20–110 px, plus a 4 px margin), as rows with wrapping text are. */
const items = (n: number, prefix = 'i'): Item[] => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, height: 20 + (i % 7) * 15 }));

class WindowedList extends LitElement {
  static override styles = css`
    .list {
      block-size: 300px;
      overflow: auto;
    }
    .item {
      margin-block-end: 4px;
    }
  `;
  static override properties = { items: { attribute: false }, pinned: { attribute: false } };
  items: Item[] = [];
  pinned = false;
  readonly window = new ListWindow<Item>(this, {
    scroller: () => this.renderRoot.querySelector<HTMLElement>('.list'),
    key: (item) => item.id,
    estimate: 50,
    pinnedToEnd: () => this.pinned,
  });

  override render() {
    return html`<div class="list" role="list" aria-label="Items" tabindex="0">
      ${this.window.render(
        this.items,
        (item, index) =>
          html`<div class="item" role="listitem" data-id=${item.id} aria-posinset=${index + 1} aria-setsize=${this.items.length} style="block-size: ${item.height}px">
            <button>${item.id}</button>
          </div>`,
      )}
    </div>`;
  }
}
customElements.define('windowed-list', WindowedList);

const frames = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));

describe('ListWindow', () => {
  async function list(content: Item[], pinned = false): Promise<{ el: WindowedList; scroller: HTMLElement }> {
    const el = await fixture<WindowedList>(html`<windowed-list .items=${content} .pinned=${pinned}></windowed-list>`);
    await frames();
    return { el, scroller: el.shadowRoot!.querySelector<HTMLElement>('.list')! };
  }
  const rendered = (el: WindowedList) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('.item')];
  const ids = (el: WindowedList) => rendered(el).map((r) => r.dataset.id);
  /** Items whose box overlaps the scroller's visible area, and where the first one starts relative to it. */
  const visible = (el: WindowedList, scroller: HTMLElement) => {
    const box = scroller.getBoundingClientRect();
    const shown = rendered(el).filter((r) => r.getBoundingClientRect().bottom > box.top && r.getBoundingClientRect().top < box.bottom);
    return { ids: shown.map((r) => r.dataset.id), firstTop: shown[0] ? shown[0].getBoundingClientRect().top - box.top : NaN };
  };

  it('renders only the items near the viewport, in order with their positions, and is accessible', async () => {
    const { el } = await list(items(1000));
    expect(rendered(el).length).to.be.within(4, 30);
    expect(ids(el)[0]).to.equal('i0');
    expect(rendered(el).map((r) => Number(r.getAttribute('aria-posinset')))).to.deep.equal(rendered(el).map((_, i) => i + 1));
    expect(rendered(el)[0]!.getAttribute('aria-setsize')).to.equal('1000');
    await expect(el).to.be.accessible();
  });

  it('shows every item exactly where scrolling a page at a time reaches it, top to bottom', async () => {
    const { el, scroller } = await list(items(300));
    const seen: string[] = [];
    for (let guard = 0; guard < 400; guard++) {
      for (const id of visible(el, scroller).ids) if (seen.at(-1) !== id && !seen.includes(id!)) seen.push(id!);
      if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1) break;
      scroller.scrollTop += scroller.clientHeight;
      await frames();
    }
    expect(seen).to.deep.equal(items(300).map((i) => i.id));
  });

  it('reaches both ends from the keyboard (End, Home)', async () => {
    const { el, scroller } = await list(items(1000));
    scroller.focus();
    await sendKeys({ press: 'End' });
    await waitUntil(() => visible(el, scroller).ids.includes('i999'), 'last item in view');
    expect(scroller.scrollTop + scroller.clientHeight).to.be.closeTo(scroller.scrollHeight, 1);
    await sendKeys({ press: 'Home' });
    await waitUntil(() => visible(el, scroller).ids[0] === 'i0', 'first item in view');
    expect(visible(el, scroller).firstTop).to.be.closeTo(0, 1);
  });

  it('lets Tab walk from item to item past the first screenful', async () => {
    const { el } = await list(items(200));
    rendered(el)[0]!.querySelector('button')!.focus();
    for (let i = 0; i < 30; i++) await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement?.textContent).to.equal('i30');
  });

  it('keeps the reader’s place when items are added above and heights change', async () => {
    const { el, scroller } = await list(items(500));
    scroller.scrollTop = 5000;
    await frames();
    const before = visible(el, scroller);
    el.items = [...items(20, 'new'), ...el.items.map((item) => ({ ...item, height: item.height + 10 }))];
    await frames();
    const after = visible(el, scroller);
    expect(after.ids[0]).to.equal(before.ids[0]);
    expect(after.firstTop).to.be.closeTo(before.firstTop, 1);
  });

  it('at the very top, shows items added first', async () => {
    const { el, scroller } = await list(items(50));
    el.items = [{ id: 'newest', height: 40 }, ...el.items];
    await frames();
    expect(scroller.scrollTop).to.equal(0);
    expect(visible(el, scroller).ids[0]).to.equal('newest');
  });

  it('leaves no nodes behind while thousands of items come, go and reorder (lit/lit#5010)', async () => {
    const { el, scroller } = await list(items(40));
    const bound = () => 3 * rendered(el).length + 8; // each item and its two markers; the spacers, the template's own nodes
    expect(scroller.childNodes.length).to.be.at.most(bound());
    let seed = 7;
    const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    for (let step = 0; step < 3000; step++) {
      const next = [...el.items];
      next.splice(random(12), 1); // one of the rendered items leaves…
      next.splice(random(12), 0, { id: `n${step}`, height: 20 + random(60) }); // …a new one comes in among them
      if (step % 10 === 0) next.push(next.shift()!); // and now and then the first goes last
      el.items = next;
      await el.updateComplete;
      if (step % 100 === 99) expect(scroller.childNodes.length, `after ${step + 1} changes`).to.be.at.most(bound());
    }
    await frames();
    expect(rendered(el).length).to.be.within(4, 30);
    expect(ids(el)).to.deep.equal(el.items.slice(0, rendered(el).length).map((i) => i.id));
    expect(scroller.childNodes.length).to.be.at.most(bound());
  });

  it('keeps a focused item’s element, and focus in it, through updates and reorders', async () => {
    const { el } = await list(items(50));
    const button = rendered(el).find((r) => r.dataset.id === 'i3')!.querySelector('button')!;
    button.focus();
    const changes: ((list: Item[]) => Item[])[] = [
      (list) => [...list, ...items(5, 'end')], // added after it
      (list) => list.filter((item) => item.id !== 'i0'), // removed before it
      (list) => list.map((item) => ({ ...item, height: item.height + 5 })), // every item changed
      (list) => [list[1]!, list[0]!, ...list.slice(2)], // neighbours above it swapped
      (list) => [list.find((item) => item.id === 'i3')!, ...list.filter((item) => item.id !== 'i3')], // it moved to the top
      (list) => [...list.slice(0, 3).reverse(), ...list.slice(3)], // and back down
    ];
    for (const change of changes) {
      el.items = change(el.items);
      await frames();
      // Compared as booleans: a failure must not ask the reporter to serialise DOM elements.
      const step = `change ${changes.indexOf(change)}`;
      expect(rendered(el).find((r) => r.dataset.id === 'i3')?.querySelector('button') === button, `${step}: same element`).to.equal(true);
      expect(el.shadowRoot!.activeElement === button, `${step}: still focused`).to.equal(true);
    }
    expect(ids(el).slice(0, 4)).to.deep.equal(['i1', 'i2', 'i3', 'i4']);
  });

  it('pinned to the end, follows appended items of any height', async () => {
    const { el, scroller } = await list(items(1000), true);
    expect(visible(el, scroller).ids.at(-1)).to.equal('i999');
    el.items = [...el.items, { id: 'tall', height: 250 }, { id: 'last', height: 30 }];
    await frames();
    expect(visible(el, scroller).ids.at(-1)).to.equal('last');
    expect(scroller.scrollTop + scroller.clientHeight).to.be.closeTo(scroller.scrollHeight, 1);
  });
});
