/**
 * Conversation rules per team (`--rules FILE`): validated when the relay starts (a bad file stops
 * it, naming the team and the path of the problem) and served to the team's members only.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_RULES } from '@flagline/core/automation';
import { RelayProcess, tokenFor } from './helpers/relay-process.js';
import { ann, cara, sam } from './helpers/people.js';

describe('--rules: conversation rules per team', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flagline-rules-'));
  const relays: RelayProcess[] = [];
  after(async () => {
    for (const r of relays) await r.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it("serves a team's rules to its agents and supervisors, to nobody else", async () => {
    const cancel = EXAMPLE_RULES.find((r) => r.id === 'cancel')!;
    const relay = await RelayProcess.start({ args: ['--rules', file('rules.json', { billing: EXAMPLE_RULES, support: [cancel] })] });
    relays.push(relay);
    const get = async (team: string, token?: string) => {
      const res = await fetch(`${relay.url}/api/rules/${team}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
      return { status: res.status, body: (await res.json()) as { team?: string; rules?: { id: string }[]; error?: { code: string } } };
    };
    for (const who of [ann, sam]) {
      const { status, body } = await get('billing', await tokenFor(who));
      assert.equal(status, 200);
      assert.deepEqual(body.rules!.map((r) => r.id), EXAMPLE_RULES.map((r) => r.id), `${who.id} reads billing's rules`);
    }
    const outsider = await get('billing', await tokenFor(cara));
    assert.equal(outsider.status, 403);
    assert.equal(outsider.body.error?.code, 'not-allowed');
    assert.equal((await get('billing')).status, 401);
    assert.deepEqual((await get('support', await tokenFor(cara))).body.rules!.map((r) => r.id), ['cancel']);
  });

  it('answers not-found when the relay was started without --rules', async () => {
    const relay = await RelayProcess.start();
    relays.push(relay);
    const res = await fetch(`${relay.url}/api/rules/billing`, { headers: { authorization: `Bearer ${await tokenFor(ann)}` } });
    assert.equal(res.status, 404);
  });

  it('refuses to start on a bad rules file, saying where the problem is', async () => {
    const refused = async (content: unknown) => {
      const exit = await RelayProcess.refuse({ args: ['--store', `sqlite:${join(dir, 'refused.db')}`, '--jwt-secret', 'x'.repeat(32), '--rules', file('bad.json', content)] });
      assert.notEqual(exit.code, 0);
      return exit.output;
    };
    assert.match(await refused('{ not json'), /Cannot read rules file/);
    assert.match(await refused([{ id: 'x' }]), /expected a JSON object from team id/);
    assert.match(await refused({ billing: [{ id: 'r', name: 'R', action: 'suggest', when: { type: 'regex', pattern: '(a+)+' }, raise: { message: 'm' } }] }), /team billing: Invalid rules at 0\.when\.pattern/);
  });
});
