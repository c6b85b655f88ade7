/**
 * The suite must be able to fail: each broken transport here (a memory hub connection with one
 * guarantee removed) must make the matching conformance test fail with a useful message.
 */
import { expect } from '@esm-bundle/chai';
import type { CommandEnvelope } from '../commands.js';
import { FlagError } from '../errors.js';
import type { Participant } from '../model.js';
import type { Transport, TransportHandlers } from '../transport.js';
import { MemoryHub } from '../transports/memory.js';
import { runTransportConformance, type ConformanceFeatures, type ConformanceOptions } from './index.js';
import { CONFORMANCE_PARTICIPANTS } from './participants.js';

type Breakage = (p: Participant, hub: MemoryHub) => Transport;

/** The conformance tests, registered for a harness, by name. */
function register(createHarness: ConformanceOptions['createHarness'], features: ConformanceFeatures = { dropConnections: true }): Map<string, () => Promise<void>> {
  const tests = new Map<string, () => Promise<void>>();
  // Short timeout: these tests wait for deliveries that never come.
  runTransportConformance({ name: 'broken', describe: (_name, fn) => fn(), it: (name, fn) => tests.set(name, fn), features, timeoutMs: 300, createHarness });
  return tests;
}

/** The conformance tests against a hub whose transports `breakage` returns. */
function suiteAgainst(breakage: Breakage): Map<string, () => Promise<void>> {
  return register(async () => {
    const hub = new MemoryHub({ tickMs: 0 });
    return { transportFor: (p) => breakage(p, hub), dropConnections: () => (hub.goOffline(), hub.goOnline()), close: () => hub.close() };
  });
}

async function failureOf(breakage: Breakage, test: string): Promise<string> {
  const body = suiteAgainst(breakage).get(test);
  if (!body) throw new Error(`no conformance test named "${test}"`);
  try {
    await body();
  } catch (err) {
    return String(err);
  }
  throw new Error(`"${test}" passed against a broken transport`);
}

/** A hub transport with some of its behaviour replaced. */
function altered(inner: Transport, change: { execute?(env: CommandEnvelope): Promise<import('../commands.js').Outcome>; handlers?(h: TransportHandlers): TransportHandlers }): Transport {
  return {
    connect: (h) => inner.connect(change.handlers ? change.handlers(h) : h),
    execute: change.execute ?? ((env) => inner.execute(env)),
    history: (id, after) => inner.history(id, after),
    snapshot: () => inner.snapshot(),
    lowered: (query) => inner.lowered(query),
    close: () => inner.close(),
  };
}

describe('the conformance suite catches broken transports', () => {
  it('a transport that re-sends a retry under a fresh id (not idempotent)', async () => {
    const message = await failureOf((p, hub) => {
      const inner = hub.transport(p);
      const seen = new Set<string>();
      return altered(inner, {
        execute: (env) => {
          const fresh = seen.has(env.id) ? { ...env, id: `${env.id}-again` } : env;
          seen.add(env.id);
          return inner.execute(fresh);
        },
      });
    }, 'a retried command returns the original outcome and takes effect once');
    expect(message).to.match(/outcome of a (concurrent|later) retry: expected/);
  });

  it('a transport that loses an event', async () => {
    const message = await failureOf(
      (p, hub) => altered(hub.transport(p), { handlers: (h) => ({ ...h, event: (pe) => pe.event.seq !== 2 && h.event(pe) }) }),
      "orders each flag's events identically for every client, seq 1, 2, 3… without gaps",
    );
    expect(message).to.match(/has a gap|waited 300 ms/);
  });

  it('a transport that hands a participant events of flags it may not see', async () => {
    const message = await failureOf((p, hub) => {
      const inner = hub.transport(p);
      // Tom's connection also relays everything Sue's would get.
      const spy = p.id === CONFORMANCE_PARTICIPANTS.tom.id ? hub.transport(CONFORMANCE_PARTICIPANTS.sue) : null;
      return altered(inner, {
        handlers: (h) => {
          spy?.connect({ ...h, welcome: () => {}, status: () => {} });
          return h;
        },
      });
    }, 'a raised flag reaches its agent and the supervisors of its team, and nobody else');
    expect(message).to.contain("team-b's supervisor's events of a team-a flag");
  });

  it('a transport that turns refusals into rejected promises', async () => {
    const message = await failureOf((p, hub) => {
      const inner = hub.transport(p);
      return altered(inner, {
        execute: (env) => inner.execute(env).then((o) => (o.ok ? o : Promise.reject(FlagError.from(o.error)))),
      });
    }, 'a supervisor cannot act on a flag of another team, and learns no more than for a flag that does not exist');
    expect(message).to.contain('must resolve with an ok: false outcome');
  });

  it('a transport that delivers events out of log order', async () => {
    const message = await failureOf((p, hub) => {
      let held: Parameters<TransportHandlers['event']>[0] | null = null;
      return altered(hub.transport(p), {
        handlers: (h) => ({
          ...h,
          event: (pe) => {
            // Swap the second and third events.
            if (pe.pos === 2 && !held) held = pe;
            else {
              h.event(pe);
              if (held && pe.pos === 3) h.event(held);
            }
          },
        }),
      });
    }, 'commands in flight across a dropped connection take effect once and every client ends up with every event');
    expect(message).to.match(/arrived after position/);
  });

  it('a harness that declares a feature it does not implement', async () => {
    const tests = register(
      async () => {
        const hub = new MemoryHub({ tickMs: 0 });
        return { transportFor: (p) => hub.transport(p), close: () => hub.close() };
      },
      { restart: true },
    );
    const [first] = tests.values();
    const err = await first!().then(() => null, (e: unknown) => e);
    expect(String(err)).to.contain('features declares restart but the harness does not implement it');
  });
});
