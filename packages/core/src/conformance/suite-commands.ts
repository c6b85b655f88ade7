/** Conformance: connection, fan-out, per-flag ordering, idempotent retries and races. */
import { equal, ok, refusal, show } from './check.js';
import { envelope, expectOk, raiseFlag, uid } from './context.js';
import type { Register } from './index.js';
import { CONFORMANCE_PARTICIPANTS as P } from './participants.js';

export function commandTests(test: Register): void {
  test('welcomes each connection as the participant it authenticated, fresh start not resumed', async (ctx) => {
    for (const who of [P.ann, P.sue]) {
      const probe = ctx.probe(who);
      await probe.untilWelcomes(1);
      const [w] = probe.welcomes;
      equal(w!.me.id, who.id, 'welcome.me.id');
      equal(w!.me.role, who.role, 'welcome.me.role');
      equal(w!.resumed, false, 'welcome.resumed for a null resume point');
      ok(typeof w!.epoch === 'string' && w!.epoch.length > 0, 'welcome.epoch is a non-empty string');
    }
  });

  test('a raised flag reaches its agent and the supervisors of its team, and nobody else', async (ctx) => {
    const ann = ctx.probe(P.ann);
    const bob = ctx.probe(P.bob);
    const cat = ctx.probe(P.cat);
    const sue = ctx.probe(P.sue);
    const tom = ctx.probe(P.tom);
    await Promise.all([ann, bob, cat, sue, tom].map((p) => p.untilWelcomes(1)));
    const annFlag = await raiseFlag(ann, { severity: 'urgent', customerLabel: 'Jo Caller' });
    // Events arrive in log order, so a later flag someone does see is a barrier for the earlier one.
    const catFlag = await raiseFlag(cat);
    const bobFlag = await raiseFlag(bob);
    await Promise.all([ann.untilSeq(annFlag, 1), sue.untilSeq(annFlag, 1), sue.untilSeq(bobFlag, 1), tom.untilSeq(catFlag, 1), bob.untilSeq(bobFlag, 1), cat.untilSeq(catFlag, 1)]);
    const [raised] = sue.events(annFlag);
    equal(raised!.type, 'raised', 'first event type');
    equal(raised!.seq, 1, 'first event seq');
    equal(raised!.actor.id, P.ann.id, 'raised.actor is the authenticated agent');
    ok(raised?.type === 'raised' && raised.severity === 'urgent' && raised.customerLabel === 'Jo Caller' && raised.team === 'team-a', `raised event carries the command's fields: ${show(raised)}`);
    equal(tom.events(annFlag).length, 0, "team-b's supervisor's events of a team-a flag");
    equal(bob.events(annFlag).length, 0, "another agent's events of ann's flag");
    equal(cat.events(annFlag).length, 0, "another team's agent's events of ann's flag");
    equal(ann.events(catFlag).length + ann.events(bobFlag).length, 0, 'ann sees only her own flags');
    await expectOk(sue.transport.execute(envelope({ type: 'acknowledge', flagId: annFlag })), 'acknowledge');
    await raiseFlag(cat).then((f) => tom.untilSeq(f, 1));
    equal(tom.events(annFlag).length, 0, "team-b's supervisor after the acknowledgement");
    for (const p of [ann, bob, cat, sue, tom]) p.assertConsistent();
  });

  test('orders each flag\'s events identically for every client, seq 1, 2, 3… without gaps', async (ctx) => {
    const ann = ctx.probe(P.ann);
    const sue = ctx.probe(P.sue);
    const sam = ctx.probe(P.sam);
    const flagId = await raiseFlag(ann);
    await expectOk(sue.transport.execute(envelope({ type: 'acknowledge', flagId })), 'acknowledge');
    const texts: string[] = [];
    const sends = [];
    for (let i = 0; i < 5; i++) {
      for (const [who, probe] of [['ann', ann], ['sue', sue]] as const) {
        const text = `${who} says ${i}`;
        texts.push(text);
        sends.push(expectOk(probe.transport.execute(envelope({ type: 'send-message', flagId, text })), `message ${text}`));
      }
    }
    const outcomes = await Promise.all(sends);
    const seqs = outcomes.map((o) => o.seq).sort((a, b) => a - b);
    equal(seqs, [3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 'the seqs the ten messages were given');
    await Promise.all([ann, sue, sam].map((p) => p.untilSeq(flagId, 12)));
    for (const p of [ann, sue, sam]) p.assertConsistent();
    const reference = show(ann.events(flagId));
    equal(show(sue.events(flagId)), reference, "sue's view of the flag equals ann's");
    equal(show(sam.events(flagId)), reference, "sam's view of the flag equals ann's");
    const messages = ann.events(flagId).flatMap((e) => (e.type === 'message' ? [e.text] : []));
    equal([...messages].sort(), [...texts].sort(), 'each message exactly once');
    equal(show(await ann.transport.history(flagId, 0)), reference, 'history(flag, 0) equals what was delivered');
    equal((await sue.transport.history(flagId, 10)).map((e) => e.seq), [11, 12], 'history after seq 10');
  });

  test('a retried command returns the original outcome and takes effect once', async (ctx) => {
    const ann = ctx.probe(P.ann);
    const flagId = await raiseFlag(ann);
    const message = envelope({ type: 'send-message', flagId, text: 'only once' });
    const [first, concurrent] = await Promise.all([ann.transport.execute(message), ann.transport.execute({ ...message })]);
    const later = await ann.transport.execute({ ...message });
    equal(concurrent, first, 'outcome of a concurrent retry');
    equal(later, first, 'outcome of a later retry');
    const raise = envelope({ type: 'raise', interactionId: uid('i'), channel: 'voice', message: 'help' });
    const raised = await expectOk(ann.transport.execute(raise), 'raise');
    ann.close();
    // Another connection of the same participant (a reload) retries both.
    const again = ctx.probe(P.ann);
    equal(await again.transport.execute({ ...message }), first, 'outcome of a retry from a new connection');
    equal(await again.transport.execute({ ...raise }), raised, 'a retried raise returns its flag, not already-open');
    const history = await again.transport.history(flagId, 0);
    equal(history.filter((e) => e.type === 'message').length, 1, 'message events after three retries');
    equal((await again.transport.history(raised.flagId!, 0)).length, 1, 'events of the retried raise');
  });

  test('a command id another participant used is refused and changes nothing', async (ctx) => {
    const ann = ctx.probe(P.ann);
    const sue = ctx.probe(P.sue);
    const flagId = await raiseFlag(ann);
    const id = uid();
    await expectOk(ann.transport.execute(envelope({ type: 'send-message', flagId, text: 'mine' }, id)), 'message');
    const stolen = await refusal(sue.transport.execute(envelope({ type: 'acknowledge', flagId }, id)), 'reusing an id');
    equal(stolen.code, 'not-allowed', 'code for a reused command id');
    equal((await sue.transport.history(flagId, 0)).map((e) => e.type), ['raised', 'message'], 'events after the refused reuse');
  });

  test('two supervisors acknowledging at once: one wins, the other is told who', async (ctx) => {
    const ann = ctx.probe(P.ann);
    const sue = ctx.probe(P.sue);
    const sam = ctx.probe(P.sam);
    const flagId = await raiseFlag(ann);
    await Promise.all([sue.untilSeq(flagId, 1), sam.untilSeq(flagId, 1)]);
    const [bySue, bySam] = await Promise.all([
      sue.transport.execute(envelope({ type: 'acknowledge', flagId })),
      sam.transport.execute(envelope({ type: 'acknowledge', flagId })),
    ]);
    equal([bySue, bySam].filter((o) => o.ok).length, 1, `successful acknowledgements among ${show([bySue, bySam])}`);
    const [winner, lost] = bySue.ok ? [P.sue, bySam] : [P.sam, bySue];
    const loss = await refusal(Promise.resolve(lost), 'the losing acknowledgement');
    equal(loss.code, 'already-acknowledged', 'code for the loser');
    ok(loss.message.includes(winner.name), `the loser's message names the winner ${winner.name}: ${loss.message}`);
    const history = await ann.transport.history(flagId, 0);
    equal(history.filter((e) => e.type === 'acknowledged').map((e) => e.actor.id), [winner.id], 'acknowledged events');
    await ann.untilSeq(flagId, 2);
    equal(ann.events(flagId)[1]!.actor.id, winner.id, 'the agent sees who acknowledged');
  });

  test('agent and supervisor lowering at once: one lowered event, the second is told "already-lowered"', async (ctx) => {
    const ann = ctx.probe(P.ann);
    const sue = ctx.probe(P.sue);
    const flagId = await raiseFlag(ann);
    await sue.untilSeq(flagId, 1);
    const outcomes = await Promise.all([
      expectOk(ann.transport.execute(envelope({ type: 'lower', flagId, reason: 'sorted' })), 'agent lowers'),
      expectOk(sue.transport.execute(envelope({ type: 'lower', flagId })), 'supervisor lowers'),
    ]);
    equal(outcomes.map((o) => o.changed).sort(), [false, true], 'changed flags of the two lowerings');
    equal(outcomes.find((o) => !o.changed)!.note, 'already-lowered', 'note of the second lowering');
    const history = await ann.transport.history(flagId, 0);
    equal(history.filter((e) => e.type === 'lowered').length, 1, 'lowered events');
  });
}
