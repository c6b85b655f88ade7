/**
 * The demo's scripted outage: the payment page goes down and every billing agent raises a flag
 * about it on their messaging interaction, each in their own words, signed in as themselves.
 * The wallboard groups them into one row (groupSimilarFlags).
 */
import type { Participant } from '@flagline/core';
import { connect } from './connect.js';
import { interactionsFor } from './scripted.js';

const VARIANTS = [
  'payment page down',
  'Customer says the payment page is down',
  'payment page not loading, customer cannot pay',
  'Payment page down again??',
  'caller gets an error on the payment page, payment page down',
  'PAYMENT PAGE IS DOWN for everyone',
];

/** Each agent of `team` raises one outage flag; resolves once the relay has them all. */
export async function simulateOutage(people: readonly Participant[], team: string): Promise<number> {
  const agents = people.filter((p) => p.role === 'agent' && p.teams[0] === team).slice(0, VARIANTS.length);
  const raised = await Promise.allSettled(
    agents.map(async (agent, i) => {
      const client = connect(agent);
      const messaging = interactionsFor(agent.id).find((x) => x.channel === 'enhanced-messaging')!;
      try {
        await client.raise({ interactionId: messaging.id, channel: messaging.channel, customerLabel: messaging.customer, message: VARIANTS[i]! });
      } finally {
        client.close();
      }
    }),
  );
  const failed = raised.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) throw new Error(`${failed.length} of ${agents.length} agents could not raise: ${String(failed[0]!.reason)}`);
  return agents.length;
}
