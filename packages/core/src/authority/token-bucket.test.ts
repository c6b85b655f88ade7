import { expect } from '@open-wc/testing';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  let t = 0;
  const clock = () => t;
  beforeEach(() => (t = 0));

  it('starts full, gives up to its burst at once, then refuses with the time until the next token', () => {
    const bucket = new TokenBucket(10, 3, clock);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).to.deep.equal([true, true, true, false]);
    expect(bucket.retryAfterMs()).to.equal(100);
    t = 100;
    expect(bucket.take()).to.equal(true);
    expect(bucket.take()).to.equal(false);
  });

  it('takes many at once only when that many are there, and refills no higher than its burst', () => {
    const bucket = new TokenBucket(1000, 4000, clock);
    expect(bucket.take(3500)).to.equal(true);
    expect(bucket.available).to.equal(500);
    expect(bucket.take(600)).to.equal(false);
    expect(bucket.available).to.equal(500);
    t = 250;
    expect(bucket.available).to.equal(750);
    t = 60_000;
    expect(bucket.available).to.equal(4000);
  });

  it('with a rate of 0 never refuses', () => {
    const bucket = new TokenBucket(0, 0, clock);
    for (let i = 0; i < 100; i++) expect(bucket.take()).to.equal(true);
    expect(bucket.retryAfterMs()).to.equal(0);
  });
});
