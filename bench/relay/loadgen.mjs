// One load-generator process (forked by bench/relay/relay.mjs and bench/soak/soak.mjs; several run side by side). It
// holds a share of the agents and supervisors and drives the contact-center workload:
//   agent cycle:  raise → message → message → lower, one command at a time, paced by the step's rate
//   supervisor:   acknowledges the flags it is responsible for and answers the first message
// Every raise and message carries its send time, so a supervisor measures raise→delivery and
// message→delivery; every command's result gives its round trip. It reports its own CPU, so the
// generator is not mistaken for the server.
import { FlaglineConnection, SocketIoConnection } from './connections.mjs';

const wall = () => performance.timeOrigin + performance.now();
const CHANNELS = ['voice', 'enhanced-messaging', 'enhanced-chat'];

const conns = [];
const agents = [];
const pending = new Map();
/** Agents with no command in flight, in the order they became free. */
const idle = [];
let seq = 0;
let stats = null;
let storm = null;
/**
 * The soak's additions (bench/soak): `joins` adds request-join (agent) → accept-join (supervisor)
 * to every cycle; every `urgentEvery`-th raise of a generator is urgent and lowered at the agent's
 * next turn (short-lived, so the newest is on a wallboard's first screen); supervisors leave every
 * `unacknowledgedEvery`-th flag unacknowledged so it escalates.
 */
let workload = { joins: false, urgentEvery: 0, unacknowledgedEvery: 0 };
let cycle = ['raise', 'message', 'message', 'lower'];
let raises = 0;

function freshStats() {
  return { inWindow: 0, errors: {}, rtt: [], raiseDelivery: [], messageDelivery: [], unmet: 0, windowOpen: false };
}

function command(conn, cmd, agent) {
  const id = `${process.env.LOADGEN_ID}-${++seq}`;
  pending.set(id, { at: performance.now(), agent, type: cmd.type });
  conn.send(id, cmd);
  return id;
}

function onResult(id, outcome) {
  const p = id === null ? undefined : pending.get(id);
  // Counted by command and code ("accept-join invalid-state"), so the workload's own races read apart from faults.
  if (!outcome.ok) {
    const key = p ? `${p.type} ${outcome.error.code}` : outcome.error.code;
    stats.errors[key] = (stats.errors[key] ?? 0) + 1;
  }
  if (!p) return;
  pending.delete(id);
  if (stats.windowOpen) stats.inWindow++;
  stats.rtt.push(performance.now() - p.at);
  const a = p.agent;
  if (!a) return;
  if (p.type === 'raise' && outcome.ok) a.flagId = outcome.flagId;
  // After a failure: a failed raise or lower starts a new cycle, a failed message skips to lowering.
  if (outcome.ok) a.step = p.type === 'raise' && a.urgent ? cycle.length - 1 : (a.step + 1) % cycle.length;
  else a.step = p.type === 'raise' || p.type === 'lower' ? 0 : cycle.length - 1;
  idle.push(a);
}

function nextAgentCommand(a) {
  const stamp = `t=${wall()}`;
  switch (cycle[a.step]) {
    case 'raise': {
      a.interaction++;
      const urgent = (a.urgent = workload.urgentEvery > 0 && ++raises % workload.urgentEvery === 0);
      return command(a.conn, { type: 'raise', interactionId: `${a.p.id}-i${a.interaction}`, channel: CHANNELS[a.interaction % 3], customerLabel: `Customer ${a.interaction}`, message: `${urgent ? 'Urgent: ' : ''}Refund question ${stamp}`, ...(urgent ? { severity: 'urgent' } : {}) }, a);
    }
    case 'message':
      return command(a.conn, { type: 'send-message', flagId: a.flagId, text: `Can you check this? ${stamp}` }, a);
    case 'request-join':
      return command(a.conn, { type: 'request-join', flagId: a.flagId }, a);
    default:
      return command(a.conn, { type: 'lower', flagId: a.flagId, reason: 'resolved' }, a);
  }
}

function sentAt(text) {
  const i = text.lastIndexOf('t=');
  return i < 0 ? undefined : Number(text.slice(i + 2));
}

/** Supervisor side: measure deliveries; acknowledge and answer the flags this supervisor is responsible for. */
function supervisorEvent(s, event) {
  const agentNo = Number(event.actor.id.slice(1));
  const mine = event.actor.role === 'agent' && agentNo % s.perTeam === s.indexInTeam;
  if (event.type === 'raised') {
    if (stats.windowOpen) stats.raiseDelivery.push(wall() - sentAt(event.message));
    const interaction = Number(event.interactionId.slice(event.interactionId.lastIndexOf('i') + 1));
    if (mine && !(workload.unacknowledgedEvery > 0 && interaction % workload.unacknowledgedEvery === 0)) command(s.conn, { type: 'acknowledge', flagId: event.flagId });
  } else if (event.type === 'join-requested') {
    if (mine) command(s.conn, { type: 'accept-join', flagId: event.flagId });
  } else if (event.type === 'message' && event.actor.role === 'agent') {
    if (stats.windowOpen) stats.messageDelivery.push(wall() - sentAt(event.text));
    if (mine && !s.answered.has(event.flagId)) {
      s.answered.add(event.flagId);
      command(s.conn, { type: 'send-message', flagId: event.flagId, text: `On it. t=${wall()}` });
    }
  } else if (event.type === 'lowered') s.answered.delete(event.flagId);
}

async function init({ protocol, clients, soak }) {
  if (soak) {
    workload = soak;
    if (soak.joins) cycle = ['raise', 'message', 'request-join', 'message', 'lower'];
  }
  const Conn = protocol === 'flagline' ? FlaglineConnection : SocketIoConnection;
  stats = freshStats();
  const started = performance.now();
  // Connect in waves so the handshakes themselves are not a thundering herd.
  for (let i = 0; i < clients.length; i += 100) {
    await Promise.all(
      clients.slice(i, i + 100).map(async (c) => {
        const conn = new Conn(c.url, c.token);
        conn.onResult = onResult;
        await conn.connect();
        conns.push(conn);
        if (c.role === 'agent') {
          const a = { p: c, conn, step: 0, interaction: 0, flagId: null };
          agents.push(a);
          idle.push(a);
        } else {
          const s = { p: c, conn, perTeam: c.perTeam, indexInTeam: c.indexInTeam, answered: new Set() };
          conn.onEvent = (event) => supervisorEvent(s, event);
        }
      }),
    );
  }
  for (const conn of conns) {
    conn.onReady = (resumed) => stormReady(resumed);
    conn.onAttempt = (outcome) => storm && storm.attempts[outcome]++;
  }
  const connectMs = performance.now() - started;
  await prime();
  return { connectMs };
}

/**
 * Spread the agents over the four steps of their cycle before measuring: three in four raise a
 * flag now and start at step 1, 2 or 3. Otherwise every agent would start with a raise and the
 * command mix of a step would depend on where the cycle happened to be.
 */
async function prime() {
  const priming = agents.filter((a) => Number(a.p.id.slice(1)) % cycle.length !== 0);
  for (const a of priming) {
    idle.splice(idle.indexOf(a), 1);
    nextAgentCommand(a);
  }
  const deadline = performance.now() + 60_000;
  while (pending.size && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (pending.size) throw new Error(`${pending.size} priming commands unanswered after 60 s`);
  for (const a of priming) if (a.step === 1) a.step = Number(a.p.id.slice(1)) % cycle.length;
}

/** Offer `rate` agent commands per second for `durationMs`, then wait up to 3 s for stragglers. */
async function step({ rate, durationMs }) {
  stats = freshStats();
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  let last = started;
  let budget = 0;
  stats.windowOpen = true;
  await new Promise((done) => {
    const timer = setInterval(() => {
      const now = performance.now();
      budget += ((now - last) / 1000) * rate;
      last = now;
      while (budget >= 1 && idle.length) {
        budget--;
        nextAgentCommand(idle.shift());
      }
      if (budget >= 1) {
        stats.unmet += Math.floor(budget);
        budget -= Math.floor(budget);
      }
      if (now - started >= durationMs) {
        clearInterval(timer);
        done();
      }
    }, 10);
  });
  stats.windowOpen = false;
  const windowMs = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const drainUntil = performance.now() + 3000;
  while (pending.size && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
  const { windowOpen: _, ...out } = stats;
  return { ...out, windowMs, cpuMs: (cpu.user + cpu.system) / 1000, stillPending: pending.size };
}

function stormReady(resumed) {
  if (!storm) return;
  if (resumed) storm.resumed++;
  else storm.snapshots++;
  storm.welcomes.push(wall());
  if (storm.resumed + storm.snapshots === conns.length) {
    const { done, ...report } = storm;
    done({ ...report, lastAt: wall() });
    storm = null;
  }
}

/** The storm as this generator saw it: who came back (resumed or by snapshot), when, and every connection attempt on the way. */
function stormWatch() {
  return new Promise((done) => (storm = { resumed: 0, snapshots: 0, welcomes: [], attempts: { opened: 0, refused: 0, bye: 0 }, done }));
}

process.on('message', async (msg) => {
  try {
    if (msg.type === 'init') process.send({ type: 'ready', ...(await init(msg)) });
    else if (msg.type === 'step') process.send({ type: 'stepDone', ...(await step(msg)) });
    else if (msg.type === 'storm') {
      const result = stormWatch();
      process.send({ type: 'stormArmed' });
      process.send({ type: 'stormDone', ...(await result) });
    } else if (msg.type === 'close') {
      for (const c of conns) c.close();
      process.exit(0);
    }
  } catch (err) {
    process.send({ type: 'failed', error: String(err?.stack ?? err) });
  }
});
