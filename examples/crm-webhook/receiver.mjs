/**
 * A reference receiver for Flagline's webhooks: a CRM's side of the integration.
 *
 * - verifies every request with the `standardwebhooks` package (HMAC-SHA256 signature over
 *   id.timestamp.body, timestamp within 5 minutes: a wrong signature or a replayed old
 *   request is refused with 401);
 * - dedupes by `webhook-id` (the relay delivers at least once);
 * - writes each interaction's transcript into a SQLite table, exactly once and in order: the
 *   dedupe row and the transcript row are written in one transaction, and an entry that is
 *   not the next of its flag is refused (409) so the relay sends it again later.
 *
 * Run: WEBHOOK_SECRET=whsec_… DB=crm.db PORT=8790 [ALLOW_ORIGIN=https://desk.example] node receiver.mjs
 * Endpoints: POST /webhooks/flagline, GET /interactions/:id/transcript (the CRM record),
 * GET /stats (deliveries written, deduped, refused since start).
 */
import { createServer } from 'node:http';
import Database from 'better-sqlite3';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

const MAX_BODY = 1024 * 1024;

export function openCrm(file) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS received (webhook_id TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS transcript (
      id INTEGER PRIMARY KEY AUTOINCREMENT, -- write order
      interaction_id TEXT NOT NULL,
      flag_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      at INTEGER NOT NULL,
      type TEXT NOT NULL,
      actor TEXT NOT NULL,
      text TEXT NOT NULL,
      UNIQUE (flag_id, seq)
    );
    CREATE INDEX IF NOT EXISTS transcript_by_interaction ON transcript (interaction_id, id);
  `);
  const seen = db.prepare('SELECT 1 FROM received WHERE webhook_id = ?');
  const lastSeq = db.prepare('SELECT MAX(seq) AS seq FROM transcript WHERE flag_id = ?');
  const markReceived = db.prepare('INSERT INTO received (webhook_id, at) VALUES (?, ?)');
  const insert = db.prepare('INSERT INTO transcript (interaction_id, flag_id, seq, at, type, actor, text) VALUES (?, ?, ?, ?, ?, ?, ?)');
  /** 'written', 'duplicate' or 'out-of-order' (the previous entry of the flag is missing). */
  const record = db.transaction((webhookId, entry) => {
    if (seen.get(webhookId)) return 'duplicate';
    const last = lastSeq.get(entry.flagId).seq ?? 0;
    if (entry.seq !== last + 1) return 'out-of-order';
    markReceived.run(webhookId, Date.now());
    insert.run(entry.interactionId, entry.flagId, entry.seq, entry.at, entry.type, entry.actor.name, entry.text);
    return 'written';
  });
  const transcript = db.prepare('SELECT flag_id AS flagId, seq, at, type, actor, text FROM transcript WHERE interaction_id = ? ORDER BY id');
  return { db, record, transcript: (interactionId) => transcript.all(interactionId) };
}

/**
 * `allowOrigin`: a web page allowed to read the CRM record with fetch (the demo's agent desktop
 * shows it next to the browser's own transcript); writes are never cross-origin.
 */
export function startReceiver({ port = 0, host = '127.0.0.1', dbFile, secret, allowOrigin }) {
  const webhook = new Webhook(secret);
  const crm = openCrm(dbFile);
  const counts = { written: 0, duplicate: 0, 'out-of-order': 0, refused: 0 };
  const server = createServer(async (req, res) => {
    const send = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const transcript = /^\/interactions\/([\w.:@-]{1,128})\/transcript$/.exec(req.url ?? '');
    if (req.method === 'GET' && transcript) {
      if (allowOrigin && req.headers.origin === allowOrigin) res.setHeader('Access-Control-Allow-Origin', allowOrigin);
      return send(200, { entries: crm.transcript(transcript[1]) });
    }
    if (req.method === 'GET' && req.url === '/stats') return send(200, counts);
    if (req.method !== 'POST' || req.url !== '/webhooks/flagline') return send(404, { error: 'not found' });
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_BODY) return send(413, { error: 'too large' });
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks).toString('utf8');
    let message;
    try {
      message = webhook.verify(body, req.headers);
    } catch (err) {
      if (!(err instanceof WebhookVerificationError)) throw err;
      counts.refused++;
      return send(401, { error: err.message });
    }
    const outcome = crm.record(req.headers['webhook-id'], message.data.entry);
    counts[outcome]++;
    send(outcome === 'out-of-order' ? 409 : 200, { outcome });
  });
  return new Promise((resolve) => {
    server.listen(port, host, () => resolve({ server, crm, counts, port: server.address().port, close: () => new Promise((done) => server.close(() => done(crm.db.close()))) }));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { WEBHOOK_SECRET, DB = 'crm.db', PORT = '8790', HOST = '127.0.0.1', ALLOW_ORIGIN } = process.env;
  if (!WEBHOOK_SECRET) {
    process.stderr.write('Set WEBHOOK_SECRET (whsec_…, the secret of this endpoint in the relay\'s --webhooks file).\n');
    process.exit(2);
  }
  const receiver = await startReceiver({ port: Number(PORT), host: HOST, dbFile: DB, secret: WEBHOOK_SECRET, allowOrigin: ALLOW_ORIGIN });
  process.stdout.write(JSON.stringify({ msg: 'listening', port: receiver.port }) + '\n');
  process.on('SIGTERM', () => receiver.close().then(() => process.exit(0)));
}
