/** A story world with a shift's worth of lowered flags: varied waits, reasons, helpers, chats. */
import type { Participant } from '@flagline/core';
import { agentNumber, sam, storyWorld, type StoryWorld } from './world.js';

const sid: Participant = { id: 'sid', name: 'Sid Supervisor', role: 'supervisor', teams: ['billing'] };
const REASONS = ['billing', 'refund', 'technical', undefined] as const;
const MINUTE = 60_000;

/** `count` flags raised, acknowledged (most), chatted about and lowered over the last two hours; two left open. */
export async function shiftWorld(count = 8): Promise<StoryWorld> {
  const w = storyWorld({}, 120);
  for (let i = 0; i < count; i++) {
    const agent = agentNumber(i % 4 === 2 ? 3 : i % 4);
    const helper = i % 3 === 0 ? sid : sam;
    const reason = REASONS[i % REASONS.length];
    const interactionId = `story-history-${i}`;
    await w.seed(agent, { type: 'raise', interactionId, channel: 'voice', customerLabel: `Customer #${300 + i}`, message: `Caller needs help with case ${i + 1}`, ...(reason ? { reason } : {}) });
    const id = (await w.hub.ready).openFlagFor(interactionId)!.id;
    await w.advance((1 + (i % 3)) * MINUTE);
    if (i % 5 !== 4) {
      await w.seed(helper, { type: 'acknowledge', flagId: id });
      await w.seed(agent, { type: 'send-message', flagId: id, text: 'She says she was charged twice <b>on the 3rd</b>.' });
      await w.seed(helper, { type: 'send-message', flagId: id, text: 'Offer a refund of the second charge.' });
    }
    await w.advance((2 + (i % 4)) * MINUTE);
    await w.seed(i % 2 ? helper : agent, { type: 'lower', flagId: id, reason: 'resolved' });
    await w.advance(4 * MINUTE);
  }
  await w.seed(agentNumber(5), { type: 'raise', interactionId: 'story-open-1', channel: 'voice', message: 'Customer asks for a manager', reason: 'billing' });
  await w.seed(agentNumber(6), { type: 'raise', interactionId: 'story-open-2', channel: 'voice', message: 'Possible fraud', reason: 'refund' });
  return w;
}
