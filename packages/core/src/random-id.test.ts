import { expect } from '@open-wc/testing';
import { randomId } from './random-id.js';
import { FlagError } from './errors.js';
import { createFlagClient } from './client/client.js';
import { MemoryHub } from './transports/memory.js';
import type { Participant } from './model.js';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('randomId', () => {
  it('gives distinct version-4 UUIDs', () => {
    const ids = new Set(Array.from({ length: 1000 }, randomId));
    expect(ids.size).to.equal(1000);
    for (const id of ids) expect(id).to.match(V4);
  });

  describe('on a page without crypto.randomUUID (plain-http intranet pages are not secure contexts)', () => {
    const own = Object.getOwnPropertyDescriptor(Crypto.prototype, 'randomUUID')!;
    beforeEach(() => Object.defineProperty(Crypto.prototype, 'randomUUID', { value: undefined, configurable: true }));
    afterEach(() => Object.defineProperty(Crypto.prototype, 'randomUUID', own));

    it('still gives distinct version-4 UUIDs', () => {
      expect(globalThis.crypto.randomUUID).to.equal(undefined);
      const ids = new Set(Array.from({ length: 1000 }, randomId));
      expect(ids.size).to.equal(1000);
      for (const id of ids) expect(id).to.match(V4);
    });

    it('lets an agent raise a flag that a supervisor sees', async () => {
      const ann: Participant = { id: 'ann', name: 'Ann', role: 'agent', teams: ['blue'] };
      const sue: Participant = { id: 'sue', name: 'Sue', role: 'supervisor', teams: ['blue'] };
      const hub = new MemoryHub({ tickMs: 0 });
      const agent = createFlagClient({ transport: hub.transport(ann), me: ann });
      const sup = createFlagClient({ transport: hub.transport(sue), me: sue });
      try {
        const { flagId } = await agent.raise({ interactionId: 'call-1', channel: 'voice', message: 'help' });
        expect(flagId).to.match(V4);
        await new Promise<void>((resolve) => sup.$openFlags.subscribe((f) => f.length === 1 && resolve()));
        expect(sup.$openFlags.get()[0]!.message).to.equal('help');
      } finally {
        agent.close();
        sup.close();
        await hub.close();
      }
    });
  });

  describe('without Web Crypto at all (an old embedded webview)', () => {
    it('says so with a FlagError, when the client is created rather than at the first raise', async () => {
      const ann: Participant = { id: 'ann', name: 'Ann', role: 'agent', teams: ['blue'] };
      const hub = new MemoryHub({ tickMs: 0 });
      const own = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!;
      Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
      try {
        expect(() => randomId()).to.throw(FlagError, /pass `newId`/).with.property('code', 'invalid-input');
        expect(() => createFlagClient({ transport: hub.transport(ann), me: ann })).to.throw(FlagError).with.property('code', 'invalid-input');
        let n = 0;
        createFlagClient({ transport: hub.transport(ann), me: ann, newId: () => `cmd-${++n}` }).close();
      } finally {
        Object.defineProperty(globalThis, 'crypto', own);
        await hub.close();
      }
    });
  });
});
