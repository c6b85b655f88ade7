/** The alert schedule on a clock the test moves: repeats, the cap, stopping, one sound per interval. */
import { expect } from '@open-wc/testing';
import { ManualClock } from '../../test/manual-clock.js';
import { AlertSchedule, type AlertRound } from './alert-schedule.js';
import { resolveAlertSettings } from './settings.js';

describe('AlertSchedule', () => {
  let clock: ManualClock;
  let rounds: AlertRound[];
  let schedule: AlertSchedule;
  beforeEach(() => {
    clock = new ManualClock();
    rounds = [];
    schedule = new AlertSchedule((r) => rounds.push(r), clock);
    schedule.settings = resolveAlertSettings({ repeatMs: 10_000, maxRepeats: 3 });
  });
  afterEach(() => schedule.close());
  /** Move time on in steps of a second, as a page's timers would see it. */
  const pass = (ms: number) => {
    for (let t = 0; t < ms; t += 1000) clock.advance(1000);
  };

  it('alerts at once, repeats every repeatMs, then stops at the cap', () => {
    schedule.start(['a']);
    expect(rounds).to.deep.equal([{ flagIds: ['a'], repeat: false, sound: true }]);
    clock.advance(9_999);
    expect(rounds.length).to.equal(1);
    clock.advance(1);
    expect(rounds[1]).to.deep.equal({ flagIds: ['a'], repeat: true, sound: true });
    clock.advance(10_000);
    clock.advance(10_000);
    expect(rounds.length).to.equal(4);
    pass(60_000);
    expect(rounds.length, 'capped at 3 repeats').to.equal(4);
    expect(clock.pending, 'no timer left once every flag is capped').to.equal(0);
  });

  it('stops a flag that no longer waits (acknowledged, lowered, out of view) and keeps the others', () => {
    schedule.start(['a']);
    clock.advance(5_000);
    schedule.start(['b']);
    schedule.track(['b']);
    pass(60_000);
    expect(rounds.filter((r) => r.repeat).flatMap((r) => r.flagIds)).to.deep.equal(['b', 'b', 'b']);
    schedule.track([]);
    expect(schedule.size).to.equal(0);
    expect(clock.pending).to.equal(0);
  });

  it('alerts many flags due together in one round with one sound, and at most one sound per interval', () => {
    schedule.start(['a', 'b', 'c']);
    clock.advance(10_000);
    expect(rounds.map((r) => [r.flagIds, r.sound])).to.deep.equal([
      [['a', 'b', 'c'], true],
      [['a', 'b', 'c'], true],
    ]);
    // A new flag 3 s later chimes at once; the next repeat of a, b, c comes 7 s after that chime: silent.
    clock.advance(3_000);
    schedule.start(['d']);
    clock.advance(7_000);
    expect(rounds.slice(2).map((r) => [r.flagIds, r.repeat, r.sound])).to.deep.equal([
      [['d'], false, true],
      [['a', 'b', 'c'], true, false],
    ]);
    clock.advance(3_000);
    expect(rounds.at(-1), 'd repeats 10 s after its chime: it sounds').to.deep.equal({ flagIds: ['d'], repeat: true, sound: true });
  });

  it('chimes new flags at most once a second', () => {
    schedule.start(['a']);
    schedule.start(['b']);
    clock.advance(1_000);
    schedule.start(['c']);
    expect(rounds.map((r) => r.sound)).to.deep.equal([true, false, true]);
  });

  it('repeats a flag that was already waiting when it started tracking, from then, without alerting at once', () => {
    schedule.track(['old']);
    expect(rounds).to.deep.equal([]);
    clock.advance(10_000);
    expect(rounds).to.deep.equal([{ flagIds: ['old'], repeat: true, sound: true }]);
    // Tracking it again does not start it over; starting it (escalated) does.
    schedule.track(['old']);
    clock.advance(10_000);
    expect(rounds.length).to.equal(2);
    schedule.start(['old']);
    pass(30_000);
    expect(rounds.filter((r) => r.repeat).length).to.equal(2 + 3);
  });

  it('applies new settings to flags already waiting', () => {
    schedule.start(['a']);
    schedule.settings = resolveAlertSettings({ repeatMs: 60_000, maxRepeats: 1 });
    clock.advance(59_999);
    expect(rounds.length).to.equal(1);
    clock.advance(1);
    expect(rounds.length).to.equal(2);
    pass(600_000);
    expect(rounds.length).to.equal(2);
  });
});

describe('resolveAlertSettings', () => {
  it('defaults, later sources win, numbers held to the limits, wrong types ignored', () => {
    expect(resolveAlertSettings()).to.deep.equal({ repeatMs: 30_000, maxRepeats: 5, sound: true, desktop: true });
    expect(resolveAlertSettings({ repeatMs: 60_000 }, { maxRepeats: 2, sound: false })).to.deep.equal({ repeatMs: 60_000, maxRepeats: 2, sound: false, desktop: true });
    expect(resolveAlertSettings({ repeatMs: 1, maxRepeats: 1e9 })).to.include({ repeatMs: 5_000, maxRepeats: 20 });
    const junk = { repeatMs: '5', maxRepeats: Number.NaN, desktop: 'no' } as unknown as Parameters<typeof resolveAlertSettings>[0];
    expect(resolveAlertSettings(junk)).to.deep.equal(resolveAlertSettings());
  });
});
