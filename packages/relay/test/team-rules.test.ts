/**
 * Conversation rules per team (`--rules FILE`): validated when the relay starts (a bad file stops
 * it, naming the team and the path of the problem) and served to the team's members only.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversationStore, EXAMPLE_RULES, fetchTeamRules, RuleEngine, SuggestionReporter, type RuleTrigger } from '@flagline/core/automation';
import { FlagError } from '@flagline/core';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';
import { clientFor } from './helpers/clients.js';
import { ann, cara, sam } from './helpers/people.js';

describe('--rules: conversation rules per team', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flagline-rules-'));
  const relays: RelayProcess[] = [];
  after(async () => {
    for (const r of relays) await r.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it("serves a team's rules to its agents and supervisors, to nobody else", async () => {
    const cancel = EXAMPLE_RULES.find((r) => r.id === 'cancel')!;
    const relay = await RelayProcess.start({ args: ['--rules', file('rules.json', { billing: EXAMPLE_RULES, support: [cancel] })] });
    relays.push(relay);
    const get = async (team: string, token?: string) => {
      const res = await fetch(`${relay.url}/api/rules/${team}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
      return { status: res.status, body: (await res.json()) as { team?: string; rules?: { id: string }[]; error?: { code: string } } };
    };
    for (const who of [ann, sam]) {
      const { status, body } = await get('billing', await tokenFor(who));
      assert.equal(status, 200);
      assert.deepEqual(body.rules!.map((r) => r.id), EXAMPLE_RULES.map((r) => r.id), `${who.id} reads billing's rules`);
    }
    const outsider = await get('billing', await tokenFor(cara));
    assert.equal(outsider.status, 403);
    assert.equal(outsider.body.error?.code, 'not-allowed');
    assert.equal((await get('billing')).status, 401);
    assert.deepEqual((await get('support', await tokenFor(cara))).body.rules!.map((r) => r.id), ['cancel']);
  });

  it("counts what agents did with each rule's suggestions on /metrics, from the rules the relay served", async () => {
    const relay = await RelayProcess.start({ args: ['--rules', file('feedback.json', { billing: EXAMPLE_RULES })] });
    relays.push(relay);
    const options = { relayUrl: relay.url, team: 'billing', token: () => tokenFor(ann) };
    // Ann's desktop runs the team's rules as the relay serves them.
    const conversations = new ConversationStore();
    const triggers: RuleTrigger[] = [];
    const engine = new RuleEngine({ rules: await fetchTeamRules(options), conversations, onTrigger: (t) => triggers.push(t) });
    const reporter = new SuggestionReporter(() => engine.counters(), options);
    for (const id of ['i1', 'i2', 'i3']) {
      conversations.observeConversation(id, { channel: 'enhanced-chat', startedAt: Date.now() });
      conversations.appendTurn(id, { from: 'customer', text: 'I want to cancel my subscription', at: Date.now() });
    }
    const cancels = triggers.filter((t) => t.ruleId === 'cancel');
    assert.equal(cancels.length, 3);
    engine.accept(cancels[0]!.id);
    engine.dismiss(cancels[1]!.id);
    await reporter.flush();
    engine.dismiss(cancels[2]!.id);
    await reporter.flush();
    assert.deepEqual(reporter.pending(), {}, 'everything reported');
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    assert.match(metrics, /^flagline_rule_suggestions_total\{team="billing",rule="cancel",outcome="shown"\} 3$/m);
    assert.match(metrics, /^flagline_rule_suggestions_total\{team="billing",rule="cancel",outcome="accepted"\} 1$/m);
    assert.match(metrics, /^flagline_rule_suggestions_total\{team="billing",rule="cancel",outcome="dismissed"\} 2$/m);
    engine.dispose();
  });

  it('refuses reports of rules the team does not have, from outsiders, and beyond the rate; keeps their counts pending', async () => {
    const relay = await RelayProcess.start({ args: ['--rules', file('refuse.json', { billing: EXAMPLE_RULES })] });
    relays.push(relay);
    const counts = { shown: 1, accepted: 0, dismissed: 0, autoRaised: 0 };
    const refusal = async (counters: Record<string, typeof counts>, who = ann, team = 'billing') => {
      const reporter = new SuggestionReporter(() => counters, { relayUrl: relay.url, team, token: () => tokenFor(who) });
      const error = await reporter.flush().then(() => null, (e: unknown) => e);
      const [rule] = Object.keys(counters);
      assert.deepEqual(reporter.pending(), error ? { [rule!]: { shown: 1, accepted: 0, dismissed: 0 } } : {}, 'a refused report stays pending, a recorded one does not');
      return error;
    };
    const invented = await refusal({ 'made-up': counts });
    assert.ok(invented instanceof FlagError && invented.code === 'invalid-input', String(invented));
    assert.match(invented.message, /Team billing has no rule "made-up"/);
    const outsider = await refusal({ cancel: counts }, cara);
    assert.ok(outsider instanceof FlagError && outsider.code === 'not-allowed', String(outsider));
    // Five in a burst, then one a second.
    const results = await Promise.all(Array.from({ length: 7 }, () => refusal({ cancel: counts }, sam)));
    assert.equal(results.filter((e) => e === null).length, 5);
    assert.ok(results.every((e) => e === null || (e instanceof FlagError && e.code === 'rate-limited')));
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    assert.doesNotMatch(metrics, /made-up/);
    assert.match(metrics, /^flagline_rule_suggestions_total\{team="billing",rule="cancel",outcome="shown"\} 5$/m);
  });

  it('labels a raise by a rule the relay does not serve as rule="other" (agents cannot mint metric labels)', async () => {
    const relay = await RelayProcess.start({ args: ['--rules', file('labels.json', { billing: EXAMPLE_RULES })] });
    relays.push(relay);
    const client = clientFor(relay, ann);
    try {
      await client.raise({ interactionId: 'label-1', channel: 'voice', message: 'by a rule', automatic: { ruleId: 'cancel', ruleName: 'Cancel' } });
      await client.raise({ interactionId: 'label-2', channel: 'voice', message: 'by a made-up rule', automatic: { ruleId: 'x-0123456789', ruleName: 'X' } });
    } finally {
      client.close();
    }
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    assert.match(metrics, /^flagline_rule_raises_total\{rule="cancel",how="automatic"\} 1$/m);
    assert.match(metrics, /^flagline_rule_raises_total\{rule="other",how="automatic"\} 1$/m);
    assert.doesNotMatch(metrics, /x-0123456789/);
  });

  it('answers not-found when the relay was started without --rules', async () => {
    const relay = await RelayProcess.start();
    relays.push(relay);
    const res = await fetch(`${relay.url}/api/rules/billing`, { headers: { authorization: `Bearer ${await tokenFor(ann)}` } });
    assert.equal(res.status, 404);
  });

  it('refuses to start on a bad rules file, saying where the problem is', async () => {
    const refused = async (content: unknown) => {
      const exit = await RelayProcess.refuse({ args: ['--store', `sqlite:${join(dir, 'refused.db')}`, '--jwt-secret', 'x'.repeat(32), '--rules', file('bad.json', content)] });
      assert.notEqual(exit.code, 0);
      return exit.output;
    };
    assert.match(await refused('{ not json'), /Cannot read rules file/);
    assert.match(await refused([{ id: 'x' }]), /expected a JSON object from team id/);
    assert.match(await refused({ billing: [{ id: 'r', name: 'R', action: 'suggest', when: { type: 'regex', pattern: '(a+)+' }, raise: { message: 'm' } }] }), /team billing: Invalid rules at 0\.when\.pattern/);
  });
});
