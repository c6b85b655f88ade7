/**
 * The client's side of the Transport contract, driven by a scripted transport so every
 * ordering case happens exactly as written: duplicates, gaps, newly visible flags, snapshots,
 * a store that changed epoch, and a transcript sink that fails.
 */
import { expect } from '@esm-bundle/chai';
import { createFlagClient } from './client.js';
import type { FlagClient } from './types.js';
import type { CommandEnvelope, Outcome } from '../commands.js';
import { FlagError } from '../errors.js';
import type { FlagEvent, Participant, ParticipantRef, Snapshot } from '../model.js';
import type { TranscriptEntry } from '../transcript.js';
import type { Transport, TransportHandlers } from '../transport.js';

const sue: Participant = { id: 'sue', name: 'Sue Super', role: 'supervisor', teams: ['blue'] };
const annRef: ParticipantRef = { id: 'ann', name: 'Ann Agent', role: 'agent' };
const sueRef: ParticipantRef = { id: 'sue', name: 'Sue Super', role: 'supervisor' };

function raised(flagId: string, at = 1000): FlagEvent {
  return { type: 'raised', flagId, seq: 1, at, actor: annRef, interactionId: `i-${flagId}`, channel: 'voice', customerLabel: 'Jo', team: 'blue', message: 'help', severity: 'normal' };
}
function message(flagId: string, seq: number, text: string, actor = annRef): FlagEvent {
  return { type: 'message', flagId, seq, at: 1000 + seq, actor, text, clientId: `m-${flagId}-${seq}` };
}

class ScriptedTransport implements Transport {
  handlers!: TransportHandlers;
  readonly histories = new Map<string, FlagEvent[]>();
  snapshots: Snapshot[] = [];
  historyCalls: [string, number][] = [];
  connect(handlers: TransportHandlers) {
    this.handlers = handlers;
  }
  execute(_: CommandEnvelope): Promise<Outcome> {
    return Promise.reject(new FlagError('transport-closed', 'scripted'));
  }
  async history(flagId: string, afterSeq: number) {
    this.historyCalls.push([flagId, afterSeq]);
    const all = this.histories.get(flagId);
    if (!all) throw new FlagError('not-found', `no ${flagId}`);
    return all.filter((e) => e.seq > afterSeq);
  }
  async snapshot() {
    return this.snapshots.shift()!;
  }
  lowered(): never {
    throw new FlagError('unavailable', 'scripted');
  }
  close() {}
  welcome(resumed: boolean, epoch = 'e1') {
    this.handlers.welcome({ me: sue, epoch, pos: 0, resumed });
  }
  send(pos: number, event: FlagEvent) {
    this.handlers.event({ pos, event });
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0));
/** The scripted events happen around t = 1–2 s; the client's clock stands there, so nothing ages out. */
const clock = { now: () => 2_000, setTimeout: () => 0, clearTimeout: () => {} };

describe('client synchronisation (scripted transport)', () => {
  let t: ScriptedTransport;
  let client: FlagClient;
  beforeEach(() => {
    t = new ScriptedTransport();
    client = createFlagClient({ transport: t, me: sue, clock });
  });
  afterEach(() => client.close());

  it('loads a snapshot, then drops events it has already seen', async () => {
    t.snapshots.push({ epoch: 'e1', pos: 2, events: [raised('f1'), message('f1', 2, 'hi')] });
    t.welcome(false);
    await settle();
    expect(client.$flags.get().get('f1')!.seq).to.equal(2);
    expect(t.handlers.resumePoint()).to.deep.equal({ epoch: 'e1', pos: 2 });
    t.send(2, message('f1', 2, 'hi'));
    t.send(3, message('f1', 3, 'again'));
    expect(client.timeline('f1').get().map((i) => i.event.seq)).to.deep.equal([1, 2, 3]);
    expect(t.handlers.resumePoint()).to.deep.equal({ epoch: 'e1', pos: 3 });
  });

  it('repairs a gap from history and applies everything once, in order', async () => {
    t.snapshots.push({ epoch: 'e1', pos: 1, events: [raised('f1')] });
    t.welcome(false);
    await settle();
    t.histories.set('f1', [raised('f1'), message('f1', 2, 'two'), message('f1', 3, 'three'), message('f1', 4, 'four')]);
    t.send(4, message('f1', 4, 'four')); // 2 and 3 never arrived
    t.send(3, message('f1', 3, 'three')); // arrives while repairing: waits, then is a duplicate
    await settle();
    expect(t.historyCalls).to.deep.equal([['f1', 1]]);
    expect(client.timeline('f1').get().map((i) => i.event.seq)).to.deep.equal([1, 2, 3, 4]);
  });

  it('fetches the whole history of a flag that just became visible (escalated to my tier)', async () => {
    t.snapshots.push({ epoch: 'e1', pos: 0, events: [] });
    t.welcome(false);
    await settle();
    const escalated: FlagEvent = { type: 'escalated', flagId: 'f9', seq: 2, at: 61_000, actor: { id: 'system', name: 'Flagline', role: 'supervisor' }, level: 1 };
    t.histories.set('f9', [raised('f9'), escalated]);
    const live: boolean[] = [];
    client.on('event', ({ live: l }) => live.push(l));
    t.send(7, escalated);
    await settle();
    expect(client.$openFlags.get().map((f) => [f.id, f.escalation])).to.deep.equal([['f9', 1]]);
    expect(live).to.deep.equal([true, true]);
  });

  it('reports a failed repair instead of hiding it', async () => {
    t.snapshots.push({ epoch: 'e1', pos: 0, events: [] });
    t.welcome(false);
    await settle();
    const errors: string[] = [];
    client.on('error', ({ error }) => errors.push(error.code));
    t.send(3, message('gone', 3, 'x'));
    await settle();
    expect(errors).to.deep.equal(['not-found']);
  });

  it('starts over when the source of truth is a different store (new epoch)', async () => {
    t.snapshots.push({ epoch: 'e1', pos: 5, events: [raised('old')] });
    t.welcome(false);
    await settle();
    t.snapshots.push({ epoch: 'e2', pos: 1, events: [raised('new')] });
    t.welcome(false, 'e2');
    await settle();
    expect([...client.$flags.get().keys()]).to.deep.equal(['new']);
    expect(t.handlers.resumePoint()).to.deep.equal({ epoch: 'e2', pos: 1 });
  });

  it('tells the host when the authenticated identity differs from the one it gave', async () => {
    const errors: FlagError[] = [];
    client.on('error', ({ error }) => errors.push(error));
    t.snapshots.push({ epoch: 'e1', pos: 0, events: [] });
    t.handlers.welcome({ me: { ...sue, id: 'sue-2' }, epoch: 'e1', pos: 0, resumed: false });
    expect(errors[0]!.code).to.equal('unauthenticated');
    expect(client.me.id).to.equal('sue-2');
  });

  it('counts unread messages from others only, and forgets them on markRead', async () => {
    t.snapshots.push({ epoch: 'e1', pos: 3, events: [raised('f1'), message('f1', 2, 'from ann'), message('f1', 3, 'from me', sueRef)] });
    t.welcome(false);
    await settle();
    expect(client.$unread.get().get('f1')).to.equal(1);
    client.markRead('f1');
    expect(client.$unread.get().size).to.equal(0);
    t.send(4, message('f1', 4, 'another'));
    expect(client.$unread.get().get('f1')).to.equal(1);
  });

  it('gives the open flag of an interaction, else its latest', async () => {
    const lowered: FlagEvent = { type: 'lowered', flagId: 'a', seq: 2, at: 1500, actor: annRef, cause: 'agent' };
    const second = { ...raised('b', 2000), interactionId: 'i-a' } as FlagEvent;
    t.snapshots.push({ epoch: 'e1', pos: 3, events: [raised('a'), lowered] });
    t.welcome(false);
    await settle();
    const store = client.flagFor('i-a');
    expect(store.get()!.id).to.equal('a');
    t.send(4, second);
    expect(store.get()!.id).to.equal('b');
  });
});

describe('transcript delivery', () => {
  it('retries a rejected append with the same entry and keeps the order', async () => {
    const t = new ScriptedTransport();
    const delivered: string[] = [];
    let failures = 1;
    const errors: TranscriptEntry[] = [];
    const client = createFlagClient({
      transport: t,
      me: sue,
      transcriptSink: {
        append: (e) => {
          if (failures-- > 0) return Promise.reject(new Error('CRM is down'));
          delivered.push(e.id);
          return undefined;
        },
      },
    });
    client.on('transcript-error', ({ entry }) => errors.push(entry));
    t.snapshots.push({ epoch: 'e1', pos: 2, events: [raised('f1'), message('f1', 2, 'hi')] });
    t.welcome(false);
    await settle();
    expect(errors.map((e) => e.id)).to.deep.equal(['f1:1']);
    // The retry is scheduled with backoff; wait for it to land (bounded by the test timeout).
    while (delivered.length < 2) await new Promise((r) => setTimeout(r, 50));
    expect(delivered).to.deep.equal(['f1:1', 'f1:2']);
    client.close();
  });
});
