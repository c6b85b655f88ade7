/**
 * History of lowered flags over a real relay (the `lowered` request frame on the WebSocket):
 * paged, filtered, and authorized by core's rules — a supervisor of one team never sees
 * another's, an agent only their own. Then /metrics: times to acknowledge and to lower as
 * Prometheus histograms by team, and the open / waiting / acknowledged / escalated gauges.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Flag, FlagClient, FlagEvent, Participant } from '@flagline/core';
import { MAX_TEAM_SERIES, Metrics } from '../src/metrics.js';
import { RelayProcess } from './helpers/relay-process.js';
import { clientFor, until } from './helpers/clients.js';
import { ann, ben, cara, sam, sue } from './helpers/people.js';

describe('history and metrics over a real relay', () => {
  let relay: RelayProcess;
  const clients = new Map<string, FlagClient>();
  const online = async (p: Participant) => {
    let client = clients.get(p.id);
    if (!client) clients.set(p.id, (client = clientFor(relay, p)));
    await until(client.$status, (s) => s === 'online');
    return client;
  };
  /** A flag raised by `agent`, acknowledged by `supervisor` if given, lowered by the agent. */
  const lifecycle = async (agent: Participant, supervisor: Participant | null, interactionId: string, reason?: string) => {
    const { flagId } = await (await online(agent)).raise({ interactionId, channel: 'voice', message: `help on ${interactionId}`, ...(reason ? { reason } : {}) });
    if (supervisor) await (await online(supervisor)).acknowledge(flagId!);
    await (await online(agent)).sendMessage(flagId!, `note on ${interactionId}`);
    await (await online(agent)).lower(flagId!, 'done');
    return flagId!;
  };
  const interactions = (page: Awaited<ReturnType<FlagClient['history']>>) => page.flags.map((f) => f.flag.interactionId);

  before(async () => {
    relay = await RelayProcess.start();
    await lifecycle(ann, sam, 'bill-1', 'refund');
    await lifecycle(cara, sue, 'supp-1');
    await lifecycle(ben, sam, 'bill-2', 'refund');
    await lifecycle(ann, null, 'bill-3', 'tech');
    await (await online(ann)).raise({ interactionId: 'bill-open', channel: 'voice', message: 'still open' });
  });
  after(async () => {
    for (const c of clients.values()) c.close();
    await relay.dispose();
  });

  it('gives a supervisor only the lowered flags of teams they may see, newest first, with their chat', async () => {
    const page = await (await online(sam)).history();
    assert.deepEqual(interactions(page), ['bill-3', 'bill-2', 'bill-1']);
    assert.equal(page.next, null);
    const first = page.flags.at(-1)!;
    assert.equal(first.flag.acknowledgedBy?.id, 'sam');
    assert.ok(first.flag.acknowledgedAt! >= first.flag.raisedAt && first.flag.lowered!.at >= first.flag.acknowledgedAt!);
    assert.deepEqual(first.events.map((e) => e.type), ['raised', 'acknowledged', 'message', 'lowered']);
    assert.deepEqual(interactions(await (await online(sue)).history()), ['supp-1']);
    assert.deepEqual(interactions(await (await online(sue)).history({ team: 'billing' })), []);
  });

  it('gives an agent only their own lowered flags', async () => {
    assert.deepEqual(interactions(await (await online(ann)).history()), ['bill-3', 'bill-1']);
    assert.deepEqual(interactions(await (await online(ben)).history({ agent: 'ann' })), []);
    assert.deepEqual(interactions(await (await online(cara)).history()), ['supp-1']);
  });

  it('pages with the cursor and filters by agent, supervisor and reason', async () => {
    const sup = await online(sam);
    const one = await sup.history({ limit: 1 });
    assert.deepEqual(interactions(one), ['bill-3']);
    const two = await sup.history({ limit: 2, cursor: one.next! });
    assert.deepEqual(interactions(two), ['bill-2', 'bill-1']);
    assert.deepEqual(interactions(await sup.history({ reason: 'refund', supervisor: 'sam' })), ['bill-2', 'bill-1']);
    assert.deepEqual(interactions(await sup.history({ agent: 'ann' })), ['bill-3', 'bill-1']);
  });

  it('refuses a page larger than the limit', async () => {
    await assert.rejects((await online(sam)).history({ limit: 1000 }), (err: Error & { code?: string }) => err.code === 'invalid-frame' && /limit/.test(err.message));
  });

  it('reports times to acknowledge and to lower as histograms by team, and open flags as gauges', async () => {
    const text = await (await fetch(`${relay.url}/metrics`)).text();
    const value = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      assert.ok(line, `${series} is exported`);
      return Number(line.slice(series.length + 1));
    };
    assert.match(text, /# TYPE flagline_time_to_acknowledge_seconds histogram/);
    assert.equal(value('flagline_time_to_acknowledge_seconds_count{team="billing"}'), 2);
    assert.equal(value('flagline_time_to_acknowledge_seconds_bucket{team="billing",le="+Inf"}'), 2);
    assert.equal(value('flagline_time_to_acknowledge_seconds_bucket{team="billing",le="5"}'), 2, 'acknowledged within seconds');
    assert.equal(value('flagline_time_to_acknowledge_seconds_count{team="support"}'), 1);
    assert.equal(value('flagline_time_to_lower_seconds_count{team="billing"}'), 3);
    assert.equal(value('flagline_time_to_lower_seconds_count{team="support"}'), 1);
    assert.ok(value('flagline_time_to_lower_seconds_sum{team="billing"}') >= 0);
    assert.equal(value('flagline_flags_open{team="billing"}'), 1);
    assert.equal(value('flagline_flags_waiting{team="billing"}'), 1);
    assert.equal(value('flagline_flags_acknowledged{team="billing"}'), 0);
    assert.equal(value('flagline_flags_escalated{team="billing"}'), 0);
    assert.equal(text.includes('flagline_flags_open{team="support"}'), false, 'a team with no open flag has no gauge line');
  });
});

describe('metrics: team label values are bounded', () => {
  /** A flag of `team`, raised at 0, as a service-API body may name any team. */
  const flagOf = (team: string, i: number): Flag => ({
    id: `f-${team}-${i}`,
    interactionId: `i-${team}-${i}`,
    channel: 'voice',
    customerLabel: 'C',
    team,
    agent: { id: `a-${team}`, name: 'A', role: 'agent' },
    message: 'm',
    severity: 'normal',
    status: 'raised',
    raisedAt: 0,
    escalation: 0,
    join: 'none',
    seq: 1,
  });
  const event = (type: 'raised' | 'acknowledged' | 'lowered', at: number) => ({ type, at }) as unknown as FlagEvent;
  const teamsIn = (text: string, family: string) => new Set([...text.matchAll(new RegExp(`^${family}[^{ ]*\\{team="([^"]*)"`, 'gm'))].map((m) => m[1]));

  it(`keeps at most ${MAX_TEAM_SERIES} teams per family, the rest summed as team="other", also for flags still open`, () => {
    const metrics = new Metrics();
    const real = ['billing', 'support'];
    for (const team of real) for (const type of ['raised', 'acknowledged', 'lowered'] as const) metrics.flagEvent(event(type, 2_000), flagOf(team, 0));
    const junk = Array.from({ length: 3 * MAX_TEAM_SERIES }, (_, i) => `junk-team-${i}`);
    for (const team of junk) {
      metrics.flagEvent(event('raised', 0), flagOf(team, 0));
      metrics.flagEvent(event('lowered', 3_000), flagOf(team, 0));
    }
    const open = [...junk, ...real].map((team) => flagOf(team, 1));
    const text = metrics.render({ ready: true, tenants: [{ pos: 0, retainedHistories: 0, connections: 0, openFlags: open }] });
    for (const family of ['flagline_time_to_lower_seconds', 'flagline_time_to_acknowledge_seconds', 'flagline_flags_open', 'flagline_flags_waiting']) {
      const teams = teamsIn(text, family);
      assert.ok(teams.size <= MAX_TEAM_SERIES + 1, `${family}: ${teams.size} team label values`);
    }
    const value = (series: string) => Number(text.split('\n').find((l) => l.startsWith(`${series} `))?.slice(series.length + 1));
    // The teams seen first keep their series; nothing is lost, the rest is summed.
    assert.equal(value('flagline_time_to_lower_seconds_count{team="billing"}'), 1);
    assert.equal(value('flagline_time_to_acknowledge_seconds_count{team="support"}'), 1);
    assert.equal(value('flagline_time_to_lower_seconds_count{team="other"}'), junk.length + real.length - MAX_TEAM_SERIES);
    assert.equal(value('flagline_flags_open{team="billing"}'), 1);
    assert.equal(value('flagline_flags_open{team="other"}'), junk.length + real.length - MAX_TEAM_SERIES);
    assert.ok(text.split('\n').length < 60 * MAX_TEAM_SERIES, `${text.split('\n').length} lines`);
  });
});
