/**
 * History past the Authority's memory, from the relay's SQLite file: flags lowered longer ago
 * than the in-memory retention are paged from the `lowered` index (by log position, newest
 * first), authorized and filtered like those in memory, and survive a restart.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlagError, reduceEvents, type Command, type FlagEvent, type Participant } from '@flagline/core';
import { Authority } from '@flagline/core/authority';
import { SqliteStorage } from '../src/sqlite-storage.js';
import { ann, cara, sam, sue } from './helpers/people.js';

const dir = mkdtempSync(join(tmpdir(), 'flagline-history-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('history from SQLite', () => {
  it('pages lowered flags from memory, then from the file, newest first; authorized; after a restart too', async () => {
    let now = 1_000_000;
    const file = join(dir, 'h.db');
    const open = () => Authority.open({ storage: new SqliteStorage({ file }), now: () => now, config: { recentMs: 1000 }, historyRetentionMs: 1000 });
    let authority = await open();
    let n = 0;
    const run = async (actor: Participant, command: Command) => {
      const outcome = await authority.execute(actor, { id: `c${++n}`, command });
      if (!outcome.ok) throw FlagError.from(outcome.error);
      return outcome.flagId!;
    };
    const lifecycle = async (agent: Participant, supervisor: Participant, interactionId: string) => {
      const flagId = await run(agent, { type: 'raise', interactionId, channel: 'voice', message: interactionId });
      now += 1000;
      await run(supervisor, { type: 'acknowledge', flagId });
      await run(supervisor, { type: 'send-message', flagId, text: `about ${interactionId}` });
      now += 1000;
      await run(agent, { type: 'lower', flagId });
    };
    for (const i of [1, 2, 3, 4]) await lifecycle(ann, sam, `b-${i}`);
    await lifecycle(cara, sue, 's-1');
    now += 60_000;
    await lifecycle(ann, sam, 'b-5'); // the others leave memory
    assert.equal(authority.retainedHistories, 1);
    const interactions = (flags: FlagEvent[][]) => flags.map((events) => reduceEvents(events)!.interactionId);

    const pages: string[][] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await authority.historyPage(sam, { limit: 2, ...(cursor ? { cursor } : {}) });
      pages.push(interactions(page.flags));
      if (page.next === null) break;
      cursor = page.next;
    }
    assert.deepEqual(pages, [['b-5', 'b-4'], ['b-3', 'b-2'], ['b-1']]);
    assert.deepEqual(interactions((await authority.historyPage(sue, {})).flags), ['s-1'], "a supervisor of another team gets only theirs, from the file");
    assert.deepEqual(interactions((await authority.historyPage(cara, {})).flags), ['s-1']);
    const old = (await authority.historyPage(ann, { until: now - 60_000 })).flags;
    assert.deepEqual(old.at(-1)!.map((e) => e.type), ['raised', 'acknowledged', 'message', 'lowered'], 'a flag from the file has every event');

    await authority.close();
    authority = await open();
    assert.deepEqual(interactions((await authority.historyPage(sam, {})).flags), ['b-5', 'b-4', 'b-3', 'b-2', 'b-1'], 'after a restart');
    await authority.close();
  });
});
