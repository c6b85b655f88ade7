/**
 * The restart benchmark's child process (run with tsx and --expose-gc), one job per run:
 *   fill FILE EVENTS  write a relay SQLite file holding a day of flags, about EVENTS events;
 *   open FILE         open the Authority on it as the relay does and print, as one JSON line,
 *                     how long that took, how many events were read and the heap after a GC.
 * `open` exits without closing, so it writes no checkpoint of its own (as after a kill -9).
 */
import type { FlagEvent, ParticipantRef, PositionedEvent } from '@flagline/core';
import { Authority } from '@flagline/core/authority';
import { SqliteStorage } from '../../packages/relay/src/sqlite-storage.js';

const [job, file, count] = process.argv.slice(2);
const DAY_MS = 86_400_000;
/** Flags still open at the end of the day (the open state a start has to rebuild). */
const OPEN = 300;

const agent = (i: number): ParticipantRef => ({ id: `agent-${i % 1800}`, name: `Agent ${i % 1800}`, role: 'agent' });
const supervisor = (i: number): ParticipantRef => ({ id: `sup-${i % 200}`, name: `Supervisor ${i % 200}`, role: 'supervisor' });

/** One flag's story: raise, acknowledge, six chat messages, lower (nine events); the last ones stay open. */
function story(i: number, at: number, open: boolean): FlagEvent[] {
  const flagId = `flag-${i}`;
  const base = (seq: number, actor: ParticipantRef) => ({ flagId, seq, at: at + seq * 1000, actor });
  const events: FlagEvent[] = [
    { ...base(1, agent(i)), type: 'raised', interactionId: `call-${i}`, channel: 'voice', customerLabel: `Customer ${i}`, team: `team-${i % 20}`, message: 'Customer disputes a charge on the last invoice', severity: 'normal' },
    { ...base(2, supervisor(i)), type: 'acknowledged' },
  ];
  for (let m = 0; m < 6; m++) {
    const who = m % 2 ? agent(i) : supervisor(i);
    events.push({ ...base(3 + m, who), type: 'message', text: `Message ${m} about the refund policy for this customer's plan`, clientId: `msg-${i}-${m}` });
  }
  if (!open) events.push({ ...base(9, supervisor(i)), type: 'lowered', cause: 'supervisor' });
  return events;
}

async function fill(target: number): Promise<void> {
  const storage = new SqliteStorage({ file: file!, sync: 'normal' });
  await storage.load();
  const flags = Math.ceil(target / 9);
  const start = Date.now() - DAY_MS;
  let pos = 0;
  let batch: PositionedEvent[] = [];
  for (let i = 0; i < flags; i++) {
    for (const event of story(i, start + (i / flags) * DAY_MS, i >= flags - OPEN)) batch.push({ pos: ++pos, event });
    if (batch.length >= 9000 || i === flags - 1) {
      await storage.commit({ events: batch, expectedPos: batch[0]!.pos - 1 });
      batch = [];
    }
  }
  await storage.close();
  console.log(JSON.stringify({ events: pos, flags }));
}

async function open(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const storage = new SqliteStorage({ file: file!, sync: 'normal' });
  const started = performance.now();
  // No checkpoint from this process: the file stays as it was for the next measurement.
  const authority = await Authority.open({ storage, checkpointEvery: { events: Infinity, ms: Infinity } });
  const ms = performance.now() - started;
  gc();
  const { heapUsed, rss } = process.memoryUsage();
  console.log(JSON.stringify({ ms, loadedEvents: storage.loadedEvents, pos: authority.pos, retainedHistories: authority.retainedHistories, heapBytes: heapUsed - heapBefore, rssBytes: rss }));
  process.exit(0);
}

if (job === 'fill') await fill(Number(count));
else if (job === 'open') await open();
else throw new Error(`unknown job ${job}`);
