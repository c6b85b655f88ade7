// The reference webhook receiver (examples/crm-webhook) as its own process, fed by hand-signed
// Standard Webhooks requests: a good one is written once, a redelivery is deduped, a wrong
// signature, a tampered body and a replayed (old) timestamp are refused, and an entry that
// arrives before the previous one of its flag is refused until that one comes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { ReceiverProcess, WEBHOOK_SECRET } from '../../packages/relay/test/helpers/receiver-process.js';

const dir = mkdtempSync(join(tmpdir(), 'flagline-crm-'));

function delivery(seq: number, text: string) {
  const entry = { id: `f-1:${seq}`, interactionId: 'call-1', flagId: 'f-1', seq, at: 1_000 + seq, type: seq === 1 ? 'raised' : 'message', actor: { id: 'ann', name: 'Ann Agent', role: 'agent' }, text };
  return JSON.stringify({ type: `flag.${entry.type}`, timestamp: new Date(entry.at).toISOString(), data: { pos: seq, interactionId: 'call-1', entry } });
}

function signed(id: string, body: string, at = new Date(), secret = WEBHOOK_SECRET): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

describe('examples/crm-webhook receiver', () => {
  let receiver: ReceiverProcess;
  before(async () => {
    receiver = await ReceiverProcess.start(join(dir, 'crm.db'));
  });
  after(async () => {
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (headers: Record<string, string>, body: string) => {
    const res = await fetch(`${receiver.url}/webhooks/flagline`, { method: 'POST', headers, body });
    return `${res.status} ${((await res.json()) as { outcome?: string }).outcome ?? 'refused'}`;
  };
  const rows = async () => ((await (await fetch(`${receiver.url}/interactions/call-1/transcript`)).json()) as { entries: { seq: number; text: string }[] }).entries;

  it('writes a verified delivery once; the same webhook-id again is acknowledged and not written twice', async () => {
    const body = delivery(1, 'Ann Agent raised a flag: "help"');
    assert.equal(await post(signed('msg_1', body), body), '200 written');
    assert.equal(await post(signed('msg_1', body), body), '200 duplicate');
    assert.deepEqual((await rows()).map((r) => r.seq), [1]);
  });

  it('refuses a wrong signature, a tampered body and a replayed old timestamp', async () => {
    const body = delivery(2, 'Ann Agent: hello');
    const otherSecret = 'whsec_' + Buffer.from('another-secret-of-thirty-two-byt').toString('base64');
    assert.equal(await post(signed('msg_2', body, new Date(), otherSecret), body), '401 refused');
    assert.equal(await post(signed('msg_2', body), body.replace('hello', 'HELLO')), '401 refused');
    assert.equal(await post(signed('msg_2', body, new Date(Date.now() - 10 * 60_000)), body), '401 refused');
    assert.deepEqual((await rows()).map((r) => r.seq), [1], 'nothing written');
  });

  it('keeps each flag in order: an entry ahead of its predecessor is refused (409) until the predecessor arrives', async () => {
    const third = delivery(3, 'Sam Supervisor: on my way');
    const second = delivery(2, 'Ann Agent: hello');
    assert.equal(await post(signed('msg_3', third), third), '409 out-of-order');
    assert.equal(await post(signed('msg_2', second), second), '200 written');
    assert.equal(await post(signed('msg_3', third), third), '200 written');
    assert.deepEqual((await rows()).map((r) => `${r.seq} ${r.text}`), ['1 Ann Agent raised a flag: "help"', '2 Ann Agent: hello', '3 Sam Supervisor: on my way']);
  });
});
