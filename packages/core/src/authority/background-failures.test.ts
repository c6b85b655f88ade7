/**
 * Work nobody awaits — catching up on shared storage, the escalation timer — reports its
 * failures through `onError` (the relay logs and counts them) instead of dropping them.
 */
import { expect } from '@esm-bundle/chai';
import { Authority } from './authority.js';
import { SharedMemoryLog } from './shared-memory-log.js';
import { MemoryStorage, type CommitBatch } from './storage.js';
import { FlagError } from '../errors.js';
import type { Participant } from '../model.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['blue'] };

type Report = { error: FlagError; source: 'catch-up' | 'escalation' };

class BreakableStorage extends MemoryStorage {
  broken = false;
  override commit(batch: CommitBatch): Promise<void> {
    return this.broken ? Promise.reject(new Error('disk full')) : super.commit(batch);
  }
}

describe('Authority background failures', () => {
  it('reports a failed catch-up on shared storage, and catches up on the next append', async () => {
    const log = new SharedMemoryLog();
    const writer = await Authority.open({ storage: log.connect() });
    const storage = log.connect();
    let failures = 1;
    const since = storage.shared!.since.bind(storage.shared);
    storage.shared!.since = (pos) => (failures-- > 0 ? Promise.reject(new Error('Redis connection reset')) : since(pos));
    let report!: (r: Report) => void;
    const reported = new Promise<Report>((resolve) => (report = resolve));
    const reader = await Authority.open({ storage, onError: (error, source) => report({ error, source }) });

    const { error, source } = await reported;
    expect(source).to.equal('catch-up');
    expect(error).to.be.instanceOf(FlagError);
    expect(error.message).to.contain('Redis connection reset');

    // Not silently behind for good: the next appended events show the gap and it is fetched.
    await writer.execute(ann, { id: 'c1', command: { type: 'raise', interactionId: 'i1', channel: 'voice', message: 'help' } });
    while (reader.pos < writer.pos) await new Promise((r) => setTimeout(r, 0));
    expect(reader.pos).to.equal(writer.pos);
    await Promise.all([writer.close(), reader.close()]);
  });

  it('reports a failed escalation tick', async () => {
    let clock = 0;
    const storage = new BreakableStorage();
    let report!: (r: Report) => void;
    const reported = new Promise<Report>((resolve) => (report = resolve));
    const authority = await Authority.open({ storage, now: () => clock, config: { escalation: { afterMs: 10 } }, onError: (error, source) => report({ error, source }) });
    await authority.execute(ann, { id: 'c1', command: { type: 'raise', interactionId: 'i1', channel: 'voice', message: 'help' } });
    storage.broken = true;
    clock = 1_000;
    authority.start(1);
    const { error, source } = await reported;
    expect(source).to.equal('escalation');
    expect(error.message).to.contain('disk full');
    await authority.close();
  });
});
