/**
 * Every Storybook story, rendered as Storybook would (meta then story loaders, args, render,
 * play) and checked with axe: the designers' catalogue of states is also an accessibility test
 * of each state, in light, dark and right-to-left.
 */
import { expect, waitUntil } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import './define.js';
import * as automation from '../../../stories/automation.stories.js';
import * as bothSides from '../../../stories/both-sides.stories.js';
import * as flagButton from '../../../stories/flag-button.stories.js';
import * as flagHistory from '../../../stories/flag-history.stories.js';
import * as flagMetrics from '../../../stories/flag-metrics.stories.js';
import * as handoff from '../../../stories/handoff.stories.js';
import * as raisedFlagsWidget from '../../../stories/raised-flags-widget.stories.js';
import * as supervisorChat from '../../../stories/supervisor-chat.stories.js';
import * as theming from '../../../stories/theming.stories.js';
import { closeStoryWorlds } from '../../../stories/support/world.js';
import { mount, unmount } from '../test/harness.js';
import { FlaglineElement } from './internal/flagline-element.js';

type Context = { args: Record<string, unknown>; loaded: Record<string, unknown>; canvasElement?: HTMLElement };
interface StoryLike {
  args?: Record<string, unknown>;
  loaders?: ((ctx: Context) => unknown)[];
  render?: (args: Record<string, unknown>, ctx: Context) => TemplateResult;
  play?: (ctx: Context & { canvasElement: HTMLElement }) => unknown;
}

/** Every Flagline element in a subtree, shadow roots included. */
function flaglineElements(root: Element | ShadowRoot): FlaglineElement[] {
  const found: FlaglineElement[] = [];
  for (const el of root.querySelectorAll('*')) {
    if (el instanceof FlaglineElement) found.push(el);
    if (el.shadowRoot) found.push(...flaglineElements(el.shadowRoot));
  }
  return found;
}

async function settled(container: HTMLElement): Promise<void> {
  for (let i = 0; i < 3; i++) await Promise.all(flaglineElements(container).map((el) => el.updateComplete));
}

/** What some stories are about, which must show (a selector inside one of their elements). */
const SHOWS: Record<string, string> = {
  'automation / SuggestionShown': '[part=suggestion]',
  'automation / AutoRaisedFlag': '.notice.auto',
  'automation / ExpandedContextRow': '[role=listitem] .context .turns',
  'automation / PinnedContextInChat': '.context + .log',
  'automation / GroupOfSimilarFlags': '.group',
  'handoff / OfferedToYou': 'button.accept-transfer',
  'handoff / OfferedToYouArabic': 'button.accept-transfer',
  'handoff / Transferred': '.transfer',
  'handoff / HandoffDialog': 'dialog.handoff[open] input[value="nia"]',
  'handoff / CheckIn': '.notice.check-in',
  'raisedFlagsWidget / AlertSettingsOpen': '.alert-settings:popover-open',
  'raisedFlagsWidget / MissedFlags': '.missed li:nth-child(3)',
  'raisedFlagsWidget / AlertsArabic': '.alert-settings:popover-open',
  'flagHistory / WithData': '.row',
  'flagHistory / ExpandedRow': '.chat:not([hidden]) .said',
  'flagMetrics / WithData': '.reasons li',
  'raisedFlagsWidget / OfferedToYou': "[data-state='offered-to-me']",
  'raisedFlagsWidget / OfferedToSomeoneElse': "[data-state='offered']",
  'raisedFlagsWidget / StatusAway': "select.status[data-status='away']",
  'flagButton / NoSupervisorOnline': '.no-supervisor',
  'flagButton / Composing': 'dialog[open] #message',
  'flagButton / AcknowledgedWithChatOpen': ':popover-open supervisor-chat',
  'flagButton / Lowered': ":popover-open .status[data-state='lowered']",
  'flagButton / JoinDeclinedWhilePanelClosed': '.notice.news',
  'supervisorChat / QuickRepliesOpen': '#canned-list [role=option] + [role=option]',
  'supervisorChat / QuickRepliesFiltered': '#canned-list [role=option]:only-child',
  'supervisorChat / QuickRepliesNoMatch': '.canned .empty',
  'supervisorChat / QuickRepliesEmpty': '.canned .empty',
  'supervisorChat / QuickRepliesEditor': 'dialog[open] .reply-form',
  'supervisorChat / QuickRepliesArabicNarrow': '#canned-list [role=option]',
  'flagButton / QuickReasons': 'dialog[open] .quick-reasons button',
  'flagButton / QuickReasonsArabicNarrow': 'dialog[open] .quick-reasons button',
};
/** Stories at a narrow width: nothing inside their elements may be wider than the element (no horizontal overflow). */
const NARROW = new Set(['supervisorChat / QuickRepliesArabicNarrow', 'flagButton / QuickReasonsArabicNarrow']);
function overflowing(root: ShadowRoot): string[] {
  const host = (root.host as HTMLElement).getBoundingClientRect();
  return [...root.querySelectorAll<HTMLElement>('*')]
    .filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && (r.left < host.left - 1 || r.right > host.right + 1) && !el.closest('dialog');
    })
    .map((el) => el.localName + (el.className ? `.${String(el.className).split(' ').join('.')}` : ''));
}

const files = { automation, bothSides, flagButton, flagHistory, flagMetrics, handoff, raisedFlagsWidget, supervisorChat, theming } as Record<string, Record<string, StoryLike>>;

describe('stories', () => {
  afterEach(async () => {
    unmount();
    await closeStoryWorlds();
  });

  for (const [file, module] of Object.entries(files)) {
    const meta = module.default as StoryLike;
    for (const [name, story] of Object.entries(module)) {
      if (name === 'default') continue;
      it(`${file} / ${name} renders and is accessible`, async () => {
        const args = { ...meta.args, ...story.args };
        const loaded: Record<string, unknown> = {};
        for (const loader of [...(meta.loaders ?? []), ...(story.loaders ?? [])]) Object.assign(loaded, await loader({ args, loaded }));
        const render = story.render ?? meta.render;
        if (!render) throw new Error(`${file}/${name} has no render function`);
        const errors: Event[] = [];
        const container = mount(render(args, { args, loaded }));
        container.addEventListener('flag-error', (e) => errors.push(e));
        await settled(container);
        await story.play?.({ args, loaded, canvasElement: container });
        await settled(container);
        if (name === 'ErrorShown') await waitUntil(() => errors.length === 1, 'the refused raise is reported');
        else expect(errors, 'no command failed').to.deep.equal([]);
        const shows = SHOWS[`${file} / ${name}`];
        if (shows) await waitUntil(() => flaglineElements(container).some((el) => el.shadowRoot?.querySelector(shows)), `shows ${shows}`);
        if (NARROW.has(`${file} / ${name}`))
          for (const el of flaglineElements(container)) expect(overflowing(el.shadowRoot!), `${el.localName} overflows`).to.deep.equal([]);
        await expect(container).to.be.accessible();
      });
    }
  }
});
