/** Conformance: hand-off and check-in (issue 15) decided and delivered alike on every transport. */
import { equal, ok, refusal, show } from './check.js';
import { envelope, expectOk, raiseFlag, uid } from './context.js';
import type { Register } from './index.js';
import { CONFORMANCE_PARTICIPANTS as P } from './participants.js';

export function handoffTests(test: Register): void {
  test('a hand-off goes to a supervisor online who may see the flag; of two racing offers one wins; the receiver takes it over', async (ctx) => {
    const ann = ctx.probe(P.ann);
    const sue = ctx.probe(P.sue);
    const sam = ctx.probe(P.sam);
    const tom = ctx.probe(P.tom);
    await Promise.all([ann, sue, sam, tom].map((p) => p.untilWelcomes(1)));
    const flagId = await raiseFlag(ann);
    await expectOk(sue.transport.execute(envelope({ type: 'acknowledge', flagId })), 'acknowledge');
    const blind = await refusal(sue.transport.execute(envelope({ type: 'transfer', flagId, to: P.tom.id })), 'an offer to a supervisor who may not see the flag');
    const unknown = await refusal(sue.transport.execute(envelope({ type: 'transfer', flagId, to: uid('nobody') })), 'an offer to nobody known');
    equal([blind.code, unknown.code], ['not-found', 'not-found'], 'both answered as not-found');
    const [toSam, toQueue] = await Promise.all([
      sue.transport.execute(envelope({ type: 'transfer', flagId, to: P.sam.id, note: 'you know this customer' })),
      sue.transport.execute(envelope({ type: 'transfer', flagId })),
    ]);
    const winners = [toSam, toQueue].filter((o) => o.ok);
    equal(winners.length, 1, `one of two racing offers wins: ${show([toSam, toQueue])}`);
    const loser = [toSam, toQueue].find((o) => !o.ok)!;
    equal(!loser.ok && loser.error.code, 'invalid-state', 'the other offer');
    if (!toSam.ok) {
      // The team queue won: acknowledge again and offer it to Sam now.
      await expectOk(sue.transport.execute(envelope({ type: 'acknowledge', flagId })), 'acknowledge from the queue');
      await expectOk(sue.transport.execute(envelope({ type: 'transfer', flagId, to: P.sam.id })), 'offer to Sam');
    }
    const taken = await expectOk(sam.transport.execute(envelope({ type: 'accept-transfer', flagId })), 'Sam accepts');
    await Promise.all([ann, sue, sam].map((p) => p.untilSeq(flagId, taken.seq)));
    const last = ann.events(flagId).at(-1)!;
    ok(last.type === 'transfer-accepted' && last.actor.id === P.sam.id, `the agent learns who helps now: ${show(last)}`);
    const offered = ann.events(flagId).find((e) => e.type === 'transfer-offered');
    ok(offered?.type === 'transfer-offered' && offered.to.id === P.sam.id && offered.actor.id === P.sue.id, `the offer names both: ${show(offered)}`);
    equal(show(sue.events(flagId)), show(ann.events(flagId)), "sue's view equals ann's");
    equal(show(sam.events(flagId)), show(ann.events(flagId)), "sam's view equals ann's");
    equal(tom.events(flagId).length, 0, "team-b's supervisor's events of the flag");
    const again = await refusal(sam.transport.execute(envelope({ type: 'accept-transfer', flagId })), 'accepting an offer already answered');
    equal(again.code, 'invalid-state', 'accepting twice');
    for (const p of [ann, sue, sam]) p.assertConsistent();
  });

  test("a check-in opens a flag with an agent of the supervisor's team, already helped, and reaches the agent", async (ctx) => {
    const ann = ctx.probe(P.ann);
    const cat = ctx.probe(P.cat);
    const sue = ctx.probe(P.sue);
    await Promise.all([ann, cat, sue].map((p) => p.untilWelcomes(1)));
    const other = await refusal(sue.transport.execute(envelope({ type: 'check-in', agentId: P.cat.id, interactionId: uid('i'), channel: 'voice', message: 'hi' })), 'a check-in with another team’s agent');
    equal(other.code, 'not-found', 'a check-in with another team’s agent');
    const opened = await expectOk(sue.transport.execute(envelope({ type: 'check-in', agentId: P.ann.id, interactionId: uid('i'), channel: 'voice', message: 'How is it going?' })), 'check-in');
    await ann.untilSeq(opened.flagId!, 2);
    const [raised, acknowledged] = ann.events(opened.flagId!);
    ok(raised?.type === 'raised' && raised.actor.id === P.sue.id && raised.agent?.id === P.ann.id, `raised by the supervisor, naming the agent: ${show(raised)}`);
    ok(acknowledged?.type === 'acknowledged' && acknowledged.actor.id === P.sue.id, `acknowledged by the supervisor: ${show(acknowledged)}`);
    await expectOk(ann.transport.execute(envelope({ type: 'send-message', flagId: opened.flagId!, text: 'All fine' })), 'the agent answers');
    equal(cat.events(opened.flagId!).length, 0, "another agent's events of the check-in");
    for (const p of [ann, sue]) p.assertConsistent();
  });
}
