/** The heartbeat's schedule: every connection pinged once per interval, spread over it; a missed pong cuts it off at its next turn, never sooner than half an interval after the ping. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Heartbeat } from '../src/heartbeat.js';

class Peer {
  alive = true;
  pings: number[] = [];
  /** Whether it answers pings (the pong arrives before the next slice). */
  answers = true;
  constructor(private readonly clock: { now: number }) {}
  ping(): void {
    this.alive = false;
    this.pings.push(this.clock.now);
  }
  pong(): void {
    if (this.answers) this.alive = true;
  }
}

/** A heartbeat over `count` peers with a 30 s interval (50 slices of 600 ms), driven by hand. */
function setup(count: number) {
  const clock = { now: 0 };
  const peers = new Set(Array.from({ length: count }, () => new Peer(clock)));
  const missed: Peer[] = [];
  const heartbeat = new Heartbeat(peers, 30_000, (p) => missed.push(p), () => clock.now);
  /** Advance one slice: the slice's pings go out, then every answering peer's pong comes back. */
  const slice = () => {
    heartbeat.tick();
    for (const p of peers) p.pong();
    clock.now += 600;
  };
  return { clock, peers, missed, slice };
}

describe('Heartbeat', () => {
  it('pings 2,000 connections 40 a slice, each once per interval', () => {
    const { peers, slice } = setup(2_000);
    const perSlice: number[] = [];
    for (let i = 0; i < 150; i++) {
      const before = [...peers].reduce((n, p) => n + p.pings.length, 0);
      slice();
      perSlice.push([...peers].reduce((n, p) => n + p.pings.length, 0) - before);
    }
    assert.deepEqual(new Set(perSlice), new Set([40]), 'never all at once');
    for (const p of peers) {
      assert.equal(p.pings.length, 3);
      assert.deepEqual([p.pings[1]! - p.pings[0]!, p.pings[2]! - p.pings[1]!], [30_000, 30_000]);
    }
  });

  it('pings a few connections once per interval, not once per slice', () => {
    const { peers, slice } = setup(3);
    for (let i = 0; i < 100; i++) slice(); // 60 s
    assert.deepEqual([...peers].map((p) => p.pings), [[0, 30_000], [600, 30_600], [1_200, 31_200]]);
  });

  it('reports a connection that did not answer at its next turn, one interval after the ping', () => {
    const { peers, missed, clock, slice } = setup(100);
    const silent = [...peers][60]!;
    silent.answers = false;
    while (missed.length === 0 && clock.now < 120_000) slice();
    assert.deepEqual(missed, [silent]);
    assert.equal(clock.now - 600 - silent.pings[0]!, 30_000);
  });

  it('does not judge a connection pinged less than half an interval ago, when others left and it moved up', () => {
    const { peers, missed, clock, slice } = setup(100);
    const late = [...peers][99]!;
    late.answers = false;
    for (let i = 0; i < 50; i++) slice(); // one whole cycle: the late one was pinged in its last slice
    const pinged = late.pings[0]!;
    for (const p of [...peers].slice(0, 99)) peers.delete(p); // everyone before it leaves
    slice(); // the next cycle starts with it, one slice after its ping: not judged yet
    assert.deepEqual(missed, []);
    while (missed.length === 0 && clock.now < 200_000) slice();
    assert.deepEqual(missed, [late]);
    assert.ok(clock.now - 600 - pinged >= 15_000);
  });
});
