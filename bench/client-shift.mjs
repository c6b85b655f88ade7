// A shift on one wallboard (issue 13): one agent client and one supervisor client on a memory
// hub (recentMs 2000) run raise → acknowledge → message → lower, flag after flag. Prints the
// milliseconds per cycle over the first window and the last window, and how many flags each
// client still holds at the end (lowered flags older than recentMs should be gone).
// Run alone: NODE_ENV=production node --conditions=source --import tsx bench/client-shift.mjs [--flags=8000] [--window=500]
// `npm run bench` runs it as its "client" section (forked the same way).
// FLAGLINE_CORE=path/to/core/src/index.ts runs it against another copy (e.g. an older commit).
import { printClientShift } from './report.mjs';

const { createFlagClient, MemoryHub } = await import(process.env.FLAGLINE_CORE ?? '@flagline/core');

const RECENT_MS = 2000;
const ANN = { id: 'ann', name: 'Ann', role: 'agent', teams: ['sales'] };
const SUE = { id: 'sue', name: 'Sue', role: 'supervisor', teams: ['sales'] };

/** @param {{ flags: number, window: number }} plan */
export async function clientShiftBench(plan, log = () => {}) {
  const hub = new MemoryHub({ tickMs: 0, config: { recentMs: RECENT_MS } });
  const agent = createFlagClient({ transport: hub.transport(ANN), me: ANN, config: { recentMs: RECENT_MS } });
  const sup = createFlagClient({ transport: hub.transport(SUE), me: SUE, config: { recentMs: RECENT_MS } });
  // The supervisor's wallboard is open: something listens to its stores, as an element would.
  const stops = [sup.$openFlags.listen(() => {}), sup.$unread.listen(() => {}), agent.$myFlags.listen(() => {}), agent.$unread.listen(() => {})];
  await until(() => agent.$status.get() === 'online' && sup.$status.get() === 'online');

  const cycleMs = [];
  for (let i = 0; i < plan.flags; i++) {
    const start = performance.now();
    const { flagId } = await agent.raise({ interactionId: `call-${i}`, channel: 'voice', message: `help ${i}` });
    await seen(sup.$openFlags, flagId);
    await sup.acknowledge(flagId);
    await sup.sendMessage(flagId, 'On my way');
    await agent.lower(flagId);
    cycleMs.push(performance.now() - start);
    if ((i + 1) % 1000 === 0) log(`client shift: ${i + 1} flags, last cycle ${cycleMs.at(-1).toFixed(2)} ms`);
  }
  await until(() => sup.$openFlags.get().length === 0);
  // A supervisor who reloads now: a fresh snapshot holds the flags lowered within recentMs.
  const fresh = createFlagClient({ transport: hub.transport(SUE), me: SUE, config: { recentMs: RECENT_MS } });
  const loaded = fresh.$flags.listen(() => {});
  await until(() => fresh.$status.get() === 'online' && fresh.$flags.get().size > 0);
  const mean = (xs) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;
  const result = {
    flags: plan.flags,
    window: plan.window,
    recentMs: RECENT_MS,
    firstMsPerCycle: mean(cycleMs.slice(0, plan.window)),
    lastMsPerCycle: mean(cycleMs.slice(-plan.window)),
    supervisorHolds: sup.$flags.get().size,
    agentHolds: agent.$flags.get().size,
    reloadedHolds: fresh.$flags.get().size,
  };
  loaded();
  fresh.close();
  for (const stop of stops) stop();
  agent.close();
  sup.close();
  await hub.close();
  return result;
}

/** Resolves once the supervisor's wallboard list holds the flag. */
function seen(openFlags, flagId) {
  return new Promise((resolve) => {
    const stop = openFlags.subscribe((flags) => flags.some((f) => f.id === flagId) && (queueMicrotask(() => stop()), resolve()));
  });
}

async function until(predicate) {
  while (!predicate()) await new Promise((r) => setTimeout(r, 0));
}


const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);

if (import.meta.filename === process.argv[1]) {
  const plan = { flags: arg('flags', 8000), window: arg('window', 500) };
  const result = await clientShiftBench(plan, (m) => process.stderr.write(m + '\n'));
  if (process.send) process.send({ type: 'result', result }, () => process.disconnect());
  else printClientShift(result);
}
