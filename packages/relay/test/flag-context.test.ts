/**
 * A raise's shared conversation and automatic mark on the real relay (issue 16): authorized like
 * the flag (its team's supervisor gets them, another team's does not), stored in SQLite and there
 * after a restart, a bad context refused with nothing stored, and rule raises counted on /metrics.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_RULES } from '@flagline/core/automation';
import type { FlagContext, ServerFrame } from '@flagline/core';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';
import { RawClient } from './helpers/raw-client.js';
import { ann, sam, sue } from './helpers/people.js';

type ResultFrame = Extract<ServerFrame, { t: 'result' }>;
type ErrorFrame = Extract<ServerFrame, { t: 'error' }>;

const context: FlagContext = {
  turns: [
    { from: 'customer', text: 'I was charged twice.', at: 1_000 },
    { from: 'customer', text: 'I want to cancel everything.', at: 2_000 },
  ],
  summary: ['I want to cancel everything.'],
};
const automatic = { ruleId: 'cancel', ruleName: 'Customer mentions cancelling' };

describe('flag context on the relay', () => {
  const relays: RelayProcess[] = [];
  after(async () => {
    for (const r of relays.reverse()) await r.dispose();
  });

  it('reaches the team, not another team; counted on /metrics; survives a restart; a bad one is refused and stores nothing', async () => {
    // The relay serves billing's rules: only their ids become metric labels.
    const rules = join(mkdtempSync(join(tmpdir(), 'flagline-context-')), 'rules.json');
    writeFileSync(rules, JSON.stringify({ billing: EXAMPLE_RULES.filter((r) => r.id === 'cancel') }));
    const first = await RelayProcess.start({ args: ['--rules', rules] });
    relays.push(first);
    const agent = await RawClient.connect(first.wsUrl, await tokenFor(ann));
    const supervisor = await RawClient.connect(first.wsUrl, await tokenFor(sam));
    const outsider = await RawClient.connect(first.wsUrl, await tokenFor(sue));

    const bad = await agent.command('bad', { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'm', context: { ...context, summary: ['x'.repeat(501)] } });
    assert.equal(bad.t, 'error', 'an invalid frame is answered with an error frame');
    assert.equal((bad as ErrorFrame).error.code, 'invalid-frame');
    assert.match((bad as ErrorFrame).error.message, /context\.summary\.0/);

    const raised = (await agent.command('ok', { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'Wants to cancel', context, automatic })) as ResultFrame;
    assert.equal(raised.outcome.ok, true);
    const flagId = raised.outcome.ok ? raised.outcome.flagId! : '';
    const event = await supervisor.next<Extract<ServerFrame, { t: 'event' }>>((f) => f.t === 'event' && f.event.flagId === flagId);
    assert.deepEqual(event.event.type === 'raised' && [event.event.context, event.event.automatic], [context, automatic]);
    await outsider.ping();
    assert.equal(outsider.log.filter((f) => f.t === 'event').length, 0, "another team's supervisor gets nothing");
    assert.deepEqual(
      (await supervisor.history(flagId)).map((e) => e.type),
      ['raised'],
      'the refused raise stored nothing',
    );

    // Admins see which rules bring flags about, on /metrics.
    const suggested = (await agent.command('sugg', { type: 'raise', interactionId: 'i-2', channel: 'voice', message: 'm', suggested: automatic })) as ResultFrame;
    assert.equal(suggested.outcome.ok, true);
    await agent.command('plain', { type: 'raise', interactionId: 'i-3', channel: 'voice', message: 'm' });
    const metrics = await (await fetch(`${first.url}/metrics`)).text();
    assert.deepEqual(
      metrics.split('\n').filter((l) => l.startsWith('flagline_rule_raises_total{')),
      ['flagline_rule_raises_total{rule="cancel",how="automatic"} 1', 'flagline_rule_raises_total{rule="cancel",how="suggested"} 1'],
    );

    await first.stop();
    const second = await RelayProcess.start({ db: first.db });
    relays.push(second);
    const restarted = await RawClient.connect(second.wsUrl, await tokenFor(sam));
    const [stored] = await restarted.history(flagId);
    assert.deepEqual(stored?.type === 'raised' && [stored.context, stored.automatic], [context, automatic]);
  });
});
