/** Admission control's virtual queue (rate-limit.ts): turns at the admission rate, never handed out further ahead than maxAheadMs. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Admission } from '../src/rate-limit.js';

describe('admission', () => {
  it('spreads a herd at the rate, and past maxAheadMs refuses (-1) without pushing later turns back', () => {
    let now = 0;
    const admission = new Admission(10, 1, () => now, 1_000);
    const slots = Array.from({ length: 14 }, () => admission.slot());
    // 100 ms apart up to a second ahead; the rest refused.
    assert.deepEqual(slots, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, -1, -1, -1]);
    // The refusals took no turn: once the flood stops, the queue drains at the rate.
    now = 1_050;
    assert.equal(admission.slot(), 50);
    now = 5_000;
    assert.equal(admission.slot(), 0);
  });
});
