/** Conformance: authorization denials and invalid input, each with its stable error code. */
import type { Command, CommandEnvelope } from '../commands.js';
import { reduceEvents } from '../machine.js';
import { anyFailure, equal, ok, refusal, show } from './check.js';
import { envelope, expectOk, raiseFlag, uid } from './context.js';
import type { Register } from './index.js';
import { CONFORMANCE_PARTICIPANTS as P } from './participants.js';
import type { Probe } from './probe.js';

/**
 * Commands on (and the history of) a flag the probe may not see are refused exactly as the same
 * commands on a flag that does not exist: same code, same message but for the id.
 */
async function hiddenLikeMissing(probe: Probe, flagId: string, commands: Command[], what: string): Promise<void> {
  const missing = uid('missing');
  const same = (hidden: { code: string; message: string }, unknown: { code: string; message: string }, action: string) => {
    equal(hidden.code, 'not-found', `error code for ${action} on ${what}`);
    equal(hidden.message.replace(flagId, '<id>'), unknown.message.replace(missing, '<id>'), `the refusal of ${action} on ${what} reads as for a flag that does not exist`);
  };
  for (const command of commands) {
    const hidden = await refusal(probe.transport.execute(envelope(command)), `${command.type} on ${what}`);
    const unknown = await refusal(probe.transport.execute(envelope({ ...command, flagId: missing } as Command)), `${command.type} on a missing flag`);
    same(hidden, unknown, command.type);
  }
  same(await anyFailure(probe.transport.history(flagId, 0), `history of ${what}`), await anyFailure(probe.transport.history(missing, 0), 'history of a missing flag'), 'history');
}

async function refusedWith(probe: Probe, command: Command, code: string, what: string): Promise<void> {
  const failure = await refusal(probe.transport.execute(envelope(command)), what);
  equal(failure.code, code, `error code when ${what}`);
  ok(failure.message.length > 0, `the refusal of "${what}" explains itself`);
}

export function ruleTests(test: Register): void {
  test('an agent cannot act on another agent\'s flag nor read its history, and learns no more than for a flag that does not exist', async (ctx) => {
    const ann = ctx.probe(P.ann);
    const bob = ctx.probe(P.bob);
    const flagId = await raiseFlag(ann);
    await hiddenLikeMissing(bob, flagId, [
      { type: 'lower', flagId },
      { type: 'send-message', flagId, text: 'hi' },
      { type: 'request-join', flagId },
    ], "ann's flag, to bob");
    const interactionId = uid('i');
    await raiseFlag(ann, { interactionId });
    await refusedWith(bob, { type: 'end-interaction', interactionId }, 'not-allowed', "bob ends ann's interaction");
    await refusedWith(bob, { type: 'raise', interactionId, channel: 'voice', message: 'mine now' }, 'not-allowed', "bob raises on ann's interaction");
    equal((await ann.transport.history(flagId, 0)).length, 1, 'events on the flag after the refusals');
  });

  test('a supervisor cannot act on a flag of another team, and learns no more than for a flag that does not exist', async (ctx) => {
    const ann = ctx.probe(P.ann);
    const tom = ctx.probe(P.tom);
    const flagId = await raiseFlag(ann);
    await hiddenLikeMissing(tom, flagId, [
      { type: 'acknowledge', flagId },
      { type: 'lower', flagId },
      { type: 'send-message', flagId, text: 'hi' },
    ], 'a team-a flag, to tom');
    equal((await ann.transport.history(flagId, 0)).length, 1, 'events on the flag after the refusals');
  });

  test('the history of lowered flags holds an agent\'s own flags only and a supervisor\'s teams\' only, newest first, with their events', async (ctx) => {
    const [ann, bob, cat, sue, tom] = [P.ann, P.bob, P.cat, P.sue, P.tom].map((p) => ctx.probe(p));
    const lowered = async (agent: Probe) => {
      const flagId = await raiseFlag(agent);
      await expectOk(agent.transport.execute(envelope({ type: 'lower', flagId })), 'lower');
      return flagId;
    };
    const a = await lowered(ann!);
    const b = await lowered(bob!);
    const c = await lowered(cat!);
    const page = async (probe: Probe) => (await probe.transport.lowered({ limit: 100 })).flags.map((events) => reduceEvents(events)!);
    const annSees = await page(ann!);
    ok(annSees.every((f) => f.agent.id === P.ann.id), `an agent's history holds only their own flags: ${show(annSees.map((f) => f.agent.id))}`);
    ok(annSees.some((f) => f.id === a) && !annSees.some((f) => f.id === b), "ann's history holds her flag and not bob's");
    const sueSees = await page(sue!);
    ok(sueSees.every((f) => f.team === 'team-a' || f.escalation > 0), `a supervisor's history holds only flags of teams they may see: ${show(sueSees.map((f) => f.team))}`);
    equal(sueSees.filter((f) => f.id === a || f.id === b).map((f) => f.id), [b, a], "sue's history, newest lowering first");
    ok(!sueSees.some((f) => f.id === c), "sue's history does not hold team-b's flag");
    const tomSees = await page(tom!);
    ok(tomSees.some((f) => f.id === c) && !tomSees.some((f) => f.id === a || f.id === b), "tom's history holds team-b's flag and none of team-a's");
    const [events] = (await ann!.transport.lowered({ agent: P.ann.id, limit: 1 })).flags;
    equal(events?.map((e) => e.type), ['raised', 'lowered'], "a lowered flag's events");
  });

  test('only supervisors acknowledge and answer joins; only agents raise (not-allowed)', async (ctx) => {
    const ann = ctx.probe(P.ann);
    const sue = ctx.probe(P.sue);
    const flagId = await raiseFlag(ann);
    await expectOk(ann.transport.execute(envelope({ type: 'request-join', flagId })), 'request join');
    await refusedWith(ann, { type: 'acknowledge', flagId }, 'not-allowed', 'an agent acknowledges');
    await refusedWith(ann, { type: 'accept-join', flagId }, 'not-allowed', 'an agent accepts a join');
    await refusedWith(ann, { type: 'decline-join', flagId }, 'not-allowed', 'an agent declines a join');
    await refusedWith(sue, { type: 'raise', interactionId: uid('i'), channel: 'voice', message: 'x' }, 'not-allowed', 'a supervisor raises');
    await refusedWith(sue, { type: 'cancel-join', flagId }, 'not-allowed', "a supervisor cancels the agent's join request");
  });

  test('commands on a flag that does not exist are refused with not-found', async (ctx) => {
    const sue = ctx.probe(P.sue);
    const flagId = uid('missing');
    await refusedWith(sue, { type: 'acknowledge', flagId }, 'not-found', 'acknowledging an unknown flag');
    equal((await anyFailure(sue.transport.history(flagId, 0), 'history of an unknown flag')).code, 'not-found', 'code for an unknown history');
  });

  test('invalid commands are refused with their codes and change nothing', async (ctx) => {
    const ann = ctx.probe(P.ann);
    const sue = ctx.probe(P.sue);
    const interactionId = uid('i');
    await refusedWith(ann, { type: 'raise', interactionId, channel: 'voice', message: '   ' }, 'invalid-input', 'raising with an empty message');
    await refusedWith(ann, { type: 'raise', interactionId, channel: 'voice', message: 'x'.repeat(1001) }, 'too-long', 'raising with a 1001-character message');
    await refusedWith(ann, { type: 'raise', interactionId, channel: 'legacy-chat', message: 'help' }, 'channel-unavailable', 'raising on legacy chat');
    const flagId = await raiseFlag(ann, { interactionId });
    await refusedWith(ann, { type: 'raise', interactionId, channel: 'voice', message: 'again' }, 'already-open', 'raising twice on one interaction');
    await refusedWith(ann, { type: 'cancel-join', flagId }, 'invalid-state', 'cancelling a join nobody requested');
    await refusedWith(sue, { type: 'send-message', flagId, text: 'y'.repeat(1001) }, 'too-long', 'a 1001-character message');
    await expectOk(sue.transport.execute(envelope({ type: 'lower', flagId })), 'lower');
    await refusedWith(ann, { type: 'send-message', flagId, text: 'late' }, 'invalid-state', 'writing on a lowered flag');
    await refusedWith(sue, { type: 'acknowledge', flagId }, 'invalid-state', 'acknowledging a lowered flag');
    equal((await ann.transport.history(flagId, 0)).map((e) => e.type), ['raised', 'lowered'], 'events after the refusals');
  });

  test('malformed envelopes fail with invalid-frame or invalid-input, promptly, and the connection keeps working', async (ctx) => {
    const ann = ctx.probe(P.ann);
    const flagId = await raiseFlag(ann);
    const malformed: Array<[string, unknown]> = [
      ['an unknown command type', { id: uid(), command: { type: 'delete-everything', flagId } }],
      ['a number where text belongs', { id: uid(), command: { type: 'send-message', flagId, text: 42 } }],
      ['an extra field', { id: uid(), command: { type: 'send-message', flagId, text: 'hi', agentId: P.sue.id } }],
      ['an unknown channel', { id: uid(), command: { type: 'raise', interactionId: uid('i'), channel: 'fax', message: 'hi' } }],
      ['a command id with spaces', { id: 'not an id', command: { type: 'send-message', flagId, text: 'hi' } }],
      ['an empty command id', { id: '', command: { type: 'send-message', flagId, text: 'hi' } }],
    ];
    for (const [what, env] of malformed) {
      const failure = await anyFailure(ann.transport.execute(env as CommandEnvelope), what);
      ok(failure.code === 'invalid-frame' || failure.code === 'invalid-input', `code for ${what}: expected invalid-frame or invalid-input, got ${show(failure)}`);
    }
    await expectOk(ann.transport.execute(envelope({ type: 'send-message', flagId, text: 'still here' })), 'a valid command afterwards');
    equal((await ann.transport.history(flagId, 0)).map((e) => e.type), ['raised', 'message'], 'events after the malformed envelopes');
  });
}
