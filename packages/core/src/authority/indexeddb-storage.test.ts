import { expect } from '@esm-bundle/chai';
import type { Participant, PositionedEvent } from '../model.js';
import { Authority } from './authority.js';
import { IndexedDbStorage } from './indexeddb-storage.js';
import { MemoryStorage, type AuthorityStorage } from './storage.js';
import { randomId } from '../random-id.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['team-a'] };
const sue: Participant = { id: 'sue', name: 'Sue Supervisor', role: 'supervisor', teams: ['team-a'] };

/** Two flags whose events interleave in the log: a raise each, then alternating messages. */
async function interleave(storage: AuthorityStorage): Promise<PositionedEvent[]> {
  const authority = await Authority.open({ storage });
  for (const id of ['a', 'b']) await authority.execute(ann, { id, command: { type: 'raise', interactionId: `i-${id}`, channel: 'voice', message: 'help' } });
  for (let i = 0; i < 4; i++) await authority.execute(sue, { id: `m${i}`, command: { type: 'send-message', flagId: i % 2 ? 'b' : 'a', text: `m${i}` } });
  const { events } = await storage.load();
  await authority.close();
  return events;
}

const ofFlag = (events: PositionedEvent[], flagId: string) => events.filter((pe) => pe.event.flagId === flagId).map((pe) => pe.event);

describe('IndexedDbStorage: events by flag', () => {
  it("answers one flag's events in log order, and nothing for an unknown flag", async () => {
    const name = `flagline-test-${randomId()}`;
    const events = await interleave(new IndexedDbStorage(name));
    const storage = new IndexedDbStorage(name);
    await storage.load();
    expect(await storage.flagEvents('a')).to.deep.equal(ofFlag(events, 'a'));
    expect((await storage.flagEvents('b')).map((e) => e.seq)).to.deep.equal([1, 2, 3]);
    expect(await storage.flagEvents('nope')).to.deep.equal([]);
    await storage.close();
  });

  it('indexes the events of a database written by version 1 when it upgrades', async () => {
    const name = `flagline-test-${randomId()}`;
    const events = await interleave(new MemoryStorage());
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('meta');
      req.result.createObjectStore('events', { keyPath: 'pos' });
      req.result.createObjectStore('outcomes', { keyPath: 'id' });
    };
    const v1 = await new Promise<IDBDatabase>((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const tx = v1.transaction('events', 'readwrite');
    for (const pe of events) tx.objectStore('events').put(pe);
    await new Promise((resolve) => (tx.oncomplete = resolve));
    v1.close();

    const storage = new IndexedDbStorage(name);
    expect((await storage.load()).events).to.deep.equal(events);
    expect(await storage.flagEvents('b')).to.deep.equal(ofFlag(events, 'b'));
    await storage.close();
  });
});
