import { expect } from '@esm-bundle/chai';
import { helpRequestMetrics, openSeries, percentile } from './metrics.js';
import type { Flag } from './model.js';

const MIN = 60_000;
const NOW = 1_000 * MIN;
const sue = { id: 'sue', name: 'Sue', role: 'supervisor' as const };
const sam = { id: 'sam', name: 'Sam', role: 'supervisor' as const };
const ann = { id: 'ann', name: 'Ann', role: 'agent' as const };

/** A flag raised `raised` minutes before NOW, acknowledged and lowered that many minutes after raising. */
function flag(id: string, team: string, raised: number, opts: { ack?: number; by?: typeof sue; lower?: number; reason?: string; escalation?: Flag['escalation'] } = {}): Flag {
  const raisedAt = NOW - raised * MIN;
  return {
    id,
    interactionId: `i-${id}`,
    channel: 'voice',
    customerLabel: 'C',
    team,
    agent: ann,
    message: 'help',
    severity: 'normal',
    status: opts.lower !== undefined ? 'lowered' : opts.ack !== undefined ? 'acknowledged' : 'raised',
    raisedAt,
    ...(opts.ack !== undefined ? { acknowledgedBy: opts.by ?? sue, acknowledgedAt: raisedAt + opts.ack * MIN } : {}),
    ...(opts.lower !== undefined ? { lowered: { by: ann, at: raisedAt + opts.lower * MIN, cause: 'agent' as const } } : {}),
    ...(opts.reason !== undefined ? { reason: opts.reason } : {}),
    escalation: opts.escalation ?? 0,
    join: 'none',
    seq: 1,
  };
}

const window = { now: NOW, windowMs: 60 * MIN };

describe('percentile (nearest rank)', () => {
  it('is undefined for no values and the value itself for one', () => {
    expect(percentile([], 50)).to.equal(undefined);
    expect(percentile([7], 50)).to.equal(7);
    expect(percentile([7], 90)).to.equal(7);
  });
  it('picks the nearest rank', () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(ten, 50)).to.equal(5);
    expect(percentile(ten, 90)).to.equal(9);
    expect(percentile([1, 2, 3, 4], 50)).to.equal(2);
    expect(percentile([1, 2, 3, 4], 90)).to.equal(4);
    expect(percentile(ten, 100)).to.equal(10);
    expect(percentile(ten, 0)).to.equal(1);
  });
});

describe('helpRequestMetrics', () => {
  it('has zeros and no percentiles with no flags', () => {
    const m = helpRequestMetrics([], window);
    expect(m.all).to.deep.equal({ open: 0, waiting: 0, acknowledged: 0, escalated: 0, raised: 0, timeToAcknowledge: { count: 0 }, timeToLower: { count: 0 }, byReason: [] });
    expect(m.teams.size).to.equal(0);
    expect(m.supervisors.size).to.equal(0);
  });

  it('counts open, waiting, acknowledged and escalated flags now', () => {
    const m = helpRequestMetrics(
      [flag('a', 'blue', 5), flag('b', 'blue', 4, { escalation: 1 }), flag('c', 'blue', 3, { ack: 1 }), flag('d', 'blue', 10, { ack: 1, lower: 2 })],
      window,
    );
    expect(m.all).to.include({ open: 3, waiting: 2, acknowledged: 1, escalated: 1, raised: 4 });
  });

  it('measures time to acknowledge and to lower over the window only', () => {
    const flags = [
      flag('a', 'blue', 30, { ack: 1, lower: 10 }),
      flag('b', 'blue', 20, { ack: 2, lower: 4 }),
      flag('c', 'blue', 10, { ack: 3 }),
      // acknowledged and lowered two hours ago: outside the window
      flag('old', 'blue', 130, { ack: 9, lower: 20 }),
    ];
    const { all } = helpRequestMetrics(flags, window);
    expect(all.timeToAcknowledge).to.deep.equal({ count: 3, p50: 2 * MIN, p90: 3 * MIN });
    expect(all.timeToLower).to.deep.equal({ count: 2, p50: 4 * MIN, p90: 10 * MIN });
    const wider = helpRequestMetrics(flags, { now: NOW, windowMs: 180 * MIN }).all;
    expect(wider.timeToAcknowledge).to.deep.equal({ count: 4, p50: 2 * MIN, p90: 9 * MIN });
  });

  it('splits by team and by the supervisor who acknowledged', () => {
    const m = helpRequestMetrics(
      [flag('a', 'blue', 5, { ack: 1, by: sue }), flag('b', 'green', 5, { ack: 3, by: sam }), flag('c', 'green', 5), flag('d', 'blue', 8, { ack: 2, by: sue, lower: 4 })],
      window,
    );
    expect([...m.teams.keys()]).to.deep.equal(['blue', 'green']);
    expect(m.teams.get('green')).to.include({ open: 2, waiting: 1, acknowledged: 1 });
    expect(m.teams.get('blue')!.timeToAcknowledge).to.deep.equal({ count: 2, p50: MIN, p90: 2 * MIN });
    expect(m.supervisors.get('sue')!.name).to.equal('Sue');
    expect(m.supervisors.get('sue')!.figures).to.include({ open: 1, acknowledged: 1 });
    expect(m.supervisors.get('sue')!.figures.timeToLower).to.deep.equal({ count: 1, p50: 4 * MIN, p90: 4 * MIN });
    expect(m.supervisors.get('sam')!.figures.timeToAcknowledge.p50).to.equal(3 * MIN);
  });

  it('counts flags raised in the window by reason, most frequent first', () => {
    const m = helpRequestMetrics(
      [flag('a', 'blue', 5, { reason: 'billing' }), flag('b', 'blue', 6, { reason: 'refund' }), flag('c', 'blue', 7, { reason: 'billing' }), flag('d', 'blue', 8), flag('e', 'blue', 90, { reason: 'refund' })],
      window,
    );
    expect(m.all.byReason).to.deep.equal([
      { reason: 'billing', count: 2 },
      { reason: '', count: 1 },
      { reason: 'refund', count: 1 },
    ]);
  });
});

describe('openSeries', () => {
  it('counts the flags open at each point of the window, the last one now', () => {
    const flags = [flag('a', 'blue', 50, { lower: 20 }), flag('b', 'blue', 25), flag('c', 'blue', 5, { ack: 1 })];
    // points at -60, -40, -20, 0 minutes
    expect(openSeries(flags, window, 4)).to.deep.equal([0, 1, 1, 2]);
  });
  it('is all zeros with no flags', () => {
    expect(openSeries([], window, 3)).to.deep.equal([0, 0, 0]);
  });
});
