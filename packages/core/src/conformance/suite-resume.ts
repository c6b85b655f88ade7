/** Conformance: resume, snapshots, dropped connections and restarts: nothing lost, nothing doubled. */
import type { FlagEvent } from '../model.js';
import { equal, ok, show } from './check.js';
import { envelope, expectOk, raiseFlag } from './context.js';
import type { ConformanceFeatures, Register } from './index.js';
import { CONFORMANCE_PARTICIPANTS as P } from './participants.js';
import type { Probe } from './probe.js';
import { randomId } from '../random-id.js';

function texts(events: readonly FlagEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'message' ? [e.text] : []));
}

export function resumeTests(test: Register, features: ConformanceFeatures): void {
  test('resuming replays exactly the missed events the participant may see', async (ctx) => {
    const ann = ctx.probe(P.ann);
    const sue1 = ctx.probe(P.sue);
    const tom1 = ctx.probe(P.tom);
    const flagId = await raiseFlag(ann);
    const catFlag = await raiseFlag(ctx.probe(P.cat));
    await Promise.all([sue1.untilSeq(flagId, 1), tom1.untilSeq(catFlag, 1)]);
    const [suePoint, tomPoint] = [sue1.resumePoint!, tom1.resumePoint!];
    const sueKnew = sue1.allEvents();
    sue1.close();
    tom1.close();
    await expectOk(ann.transport.execute(envelope({ type: 'send-message', flagId, text: 'are you there?' })), 'message');
    await expectOk(ann.transport.execute(envelope({ type: 'request-join', flagId })), 'request join');
    const sue2 = ctx.probe(P.sue, { resume: suePoint, knows: sueKnew });
    const tom2 = ctx.probe(P.tom, { resume: tomPoint });
    await Promise.all([sue2.untilSeq(flagId, 3), tom2.untilWelcomes(1)]);
    equal(sue2.welcomes[0]!.resumed, true, 'welcome.resumed for a recent resume point');
    ok(sue2.delivered.every((pe) => pe.pos > suePoint.pos), `replayed events all come after the resume point ${suePoint.pos}: ${show(sue2.delivered.map((pe) => pe.pos))}`);
    equal(sue2.deliveredFor(flagId).map((pe) => pe.event.type), ['message', 'join-requested'], 'replayed events');
    equal(tom2.welcomes[0]!.resumed, true, "welcome.resumed for tom's recent resume point");
    // Barrier: a team-b flag raised now reaches tom after anything replayed to him.
    await raiseFlag(ctx.probe(P.cat)).then((f) => tom2.untilSeq(f, 1));
    equal(tom2.deliveredFor(flagId).length, 0, 'team-a events replayed to team-b supervisor');
    sue2.assertConsistent();
  });

  test('a resume point from another epoch or from the future gets resumed: false and a snapshot', async (ctx) => {
    const ann = ctx.probe(P.ann);
    const flagId = await raiseFlag(ann);
    await expectOk(ann.transport.execute(envelope({ type: 'send-message', flagId, text: 'before' })), 'message');
    const sue1 = ctx.probe(P.sue);
    await sue1.untilWelcomes(1);
    const { epoch, pos } = sue1.welcomes[0]!;
    for (const [what, resume] of [
      ['a foreign epoch', { epoch: 'some-other-epoch', pos: 1 }],
      ['a position ahead of the log', { epoch, pos: pos + 1000 }],
    ] as const) {
      const sue = ctx.probe(P.sue, { resume });
      await sue.untilWelcomes(1);
      equal(sue.welcomes[0]!.resumed, false, `welcome.resumed for ${what}`);
      equal(sue.welcomes[0]!.epoch, epoch, 'the epoch in the welcome');
      await sue.catchUp();
      equal(sue.events(flagId).map((e) => e.type), ['raised', 'message'], `the flag in the snapshot after ${what}`);
      sue.assertConsistent();
    }
    const snapshot = await ctx.probe(P.tom).transport.snapshot();
    equal(snapshot.events.filter((e) => e.flagId === flagId).length, 0, "team-a flag events in team-b's snapshot");
    ok(snapshot.epoch === epoch && snapshot.pos >= pos, `snapshot resume point ${show(snapshot)} is in epoch ${epoch} at or after ${pos}`);
  });

  if (features.dropConnections) {
    test('commands in flight across a dropped connection take effect once and every client ends up with every event', async (ctx) => {
      const ann = ctx.probe(P.ann);
      const sue = ctx.probe(P.sue);
      const flagId = await raiseFlag(ann);
      await sue.untilSeq(flagId, 1);
      const sent: string[] = [];
      const sends: Promise<unknown>[] = [];
      const send = (probe: Probe, text: string) => {
        sent.push(text);
        sends.push(expectOk(probe.transport.execute(envelope({ type: 'send-message', flagId, text })), `message ${text}`));
      };
      for (let i = 0; i < 5; i++) send(i % 2 ? sue : ann, `before drop ${i}`);
      await ctx.harness.dropConnections!();
      for (let i = 0; i < 5; i++) send(i % 2 ? ann : sue, `after drop ${i}`);
      await Promise.all(sends);
      await Promise.all([ann.untilSeq(flagId, 11), sue.untilSeq(flagId, 11), ann.untilWelcomes(2), sue.untilWelcomes(2)]);
      for (const probe of [ann, sue]) {
        equal(texts(probe.events(flagId)).sort(), [...sent].sort(), `${probe.name}: every message exactly once`);
        probe.assertConsistent();
      }
      equal(texts(await sue.transport.history(flagId, 0)).sort(), [...sent].sort(), 'messages at the source of truth');
    });
  }

  if (features.restart) {
    test('a restart loses nothing: history, idempotency, open flags and resume survive it', async (ctx) => {
      const ann = ctx.probe(P.ann);
      const sue = ctx.probe(P.sue);
      const interactionId = `i-${randomId()}`;
      const flagId = await raiseFlag(ann, { interactionId });
      await expectOk(sue.transport.execute(envelope({ type: 'acknowledge', flagId })), 'acknowledge');
      const message = envelope({ type: 'send-message', flagId, text: 'before restart' });
      const before = await expectOk(ann.transport.execute(message), 'message');
      await Promise.all([ann.untilSeq(flagId, 3), sue.untilSeq(flagId, 3)]);
      const historyBefore = await ann.transport.history(flagId, 0);
      await ctx.harness.restart!();
      const during = expectOk(sue.transport.execute(envelope({ type: 'send-message', flagId, text: 'during restart' })), 'message sent across the restart');
      equal(await ann.transport.execute({ ...message }), before, 'a pre-restart command retried after the restart');
      await during;
      const after = await expectOk(ann.transport.execute(envelope({ type: 'send-message', flagId, text: 'after restart' })), 'message');
      equal(after.seq, 5, 'seq of the first new message after the restart');
      const again = await ann.transport.execute(envelope({ type: 'raise', interactionId, channel: 'voice', message: 'again' }));
      equal(again.ok ? 'ok' : again.error.code, 'already-open', 'raising again on the interaction whose flag is still open');
      for (const probe of [ann, sue]) {
        await probe.untilWelcomes(2);
        if (!probe.welcomes.at(-1)!.resumed) await probe.catchUp();
        await probe.untilSeq(flagId, 5);
        equal(texts(probe.events(flagId)), ['before restart', 'during restart', 'after restart'], `${probe.name}: messages across the restart`);
        probe.assertConsistent();
      }
      const historyAfter = await sue.transport.history(flagId, 0);
      equal(historyAfter.slice(0, 3), historyBefore, 'the history from before the restart');
      equal(historyAfter.length, 5, 'events after the restart');
    });
  }
}
