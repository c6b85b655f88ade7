import { expect } from '@esm-bundle/chai';
import { Authority } from '../authority/authority.js';
import { AuthoritySession } from '../authority/session.js';
import { MemoryStorage } from '../authority/storage.js';
import { CONFORMANCE_PARTICIPANTS, runTransportConformance, type TransportHarness } from '../conformance/index.js';
import type { Participant } from '../model.js';
import type { ConnectionStatus } from '../transport.js';
import { FrameTransport, type Pipe } from './frame-transport.js';
import { MemoryHub } from './memory.js';

runTransportConformance({
  name: 'memory hub',
  describe,
  it,
  features: { dropConnections: true },
  async createHarness() {
    const hub = new MemoryHub({ tickMs: 0 });
    await hub.ready;
    return {
      transportFor: (p) => hub.transport(p),
      dropConnections: () => {
        hub.goOffline();
        hub.goOnline();
      },
      close: () => hub.close(),
    };
  },
});

/**
 * The same frames over in-process pipes, with an Authority that can be stopped and reopened on
 * its MemoryStorage: exercises the suite's restart tests (the hub itself cannot restart).
 */
async function restartableHarness(): Promise<TransportHarness> {
  const storage = new MemoryStorage();
  let current = Authority.open({ storage });
  const pipes = new Set<Pipe>();
  const dropAll = () => {
    for (const pipe of [...pipes]) pipe.close();
  };
  return {
    transportFor: (p: Participant) =>
      new FrameTransport({
        backoff: { initialMs: 5, maxMs: 50 },
        connect: (handlers) => {
          let open = true;
          // Bound to the authority running when the connection opened, like a socket to a process.
          const session = current.then(
            (authority) => new AuthoritySession(authority, { authenticate: async () => ({ participant: p }), send: (f) => queueMicrotask(() => open && handlers.message(f)) }),
          );
          const pipe: Pipe = {
            send: (raw) => void session.then((s) => (open ? s.receive(raw) : undefined)),
            close: () => {
              if (!open) return;
              open = false;
              pipes.delete(pipe);
              void session.then((s) => s.close());
              queueMicrotask(() => handlers.close('closed'));
            },
          };
          pipes.add(pipe);
          return pipe;
        },
      }),
    dropConnections: dropAll,
    async restart() {
      current = current.then(async (authority) => {
        await authority.close();
        return Authority.open({ storage });
      });
      dropAll();
      await current;
    },
    async close() {
      dropAll();
      await (await current).close();
    },
  };
}

runTransportConformance({
  name: 'restartable authority over in-process pipes',
  describe,
  it,
  features: { dropConnections: true, restart: true },
  createHarness: restartableHarness,
});

describe('MemoryHub', () => {
  const { ann, sue } = CONFORMANCE_PARTICIPANTS;

  it('keeps new connections down while offline and connects them once back online', async () => {
    const hub = new MemoryHub({ tickMs: 0 });
    hub.goOffline();
    const statuses: ConnectionStatus[] = [];
    let reconnecting!: () => void;
    const wentReconnecting = new Promise<void>((resolve) => (reconnecting = resolve));
    const transport = hub.transport(ann);
    const online = new Promise<void>((resolve) =>
      transport.connect({
        resumePoint: () => null,
        welcome: () => resolve(),
        event: () => {},
        status: (s) => {
          statuses.push(s);
          if (s === 'reconnecting') reconnecting();
        },
        error: () => {},
      }),
    );
    const raised = transport.execute({ id: 'offline-raise', command: { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'help' } });
    await wentReconnecting;
    hub.goOnline();
    await online;
    expect((await raised).ok).to.equal(true);
    expect(statuses[0]).to.equal('connecting');
    expect(statuses.at(-1)).to.equal('online');
    transport.close();
    expect(statuses.at(-1)).to.equal('offline');
    await hub.close();
  });

  it('escalates on tick() and runs its own timer when tickMs is set', async () => {
    let now = 1_000;
    const hub = new MemoryHub({ tickMs: 0, now: () => now, config: { escalation: { afterMs: 100 } } });
    const authority = await hub.ready;
    await authority.execute(ann, { id: 'f1', command: { type: 'raise', interactionId: 'i-1', channel: 'voice', message: 'help' } });
    now += 100;
    await hub.tick();
    expect(authority.flag('f1')!.escalation).to.equal(1);
    await hub.close();

    const timed = new MemoryHub({ tickMs: 5, now: () => now, config: { escalation: { afterMs: 100 } } });
    const a2 = await timed.ready;
    await a2.execute(ann, { id: 'f2', command: { type: 'raise', interactionId: 'i-2', channel: 'voice', message: 'help' } });
    const escalated = new Promise<void>((resolve) => a2.subscribe(sue, (pe) => pe.event.type === 'escalated' && resolve()));
    now += 100;
    await escalated;
    expect(a2.flag('f2')!.escalation).to.equal(1);
    await timed.close();
  });
});
