// The comparison server: a minimal Socket.IO 4.8 server doing the relay's fan-out of the same
// messages, the way a team would write it with Socket.IO — JWT checked at the handshake (same
// `jose` verification), rooms per team and per participant, flags in a Map, no validation, no
// state machine, no durability, no resume. Started by bench/relay/relay.mjs:
//   node bench/relay/socketio-server.mjs --port P --jwt-secret S
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { jwtVerify } from 'jose';
import { Server } from 'socket.io';

const { values } = parseArgs({ options: { port: { type: 'string' }, 'jwt-secret': { type: 'string' } } });
const key = new TextEncoder().encode(values['jwt-secret']);

const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false, maxHttpBufferSize: 64 * 1024 });

io.use(async (socket, next) => {
  try {
    const { payload } = await jwtVerify(socket.handshake.auth.token, key, { algorithms: ['HS256'], issuer: 'flagline', audience: 'flagline' });
    socket.data.me = { id: payload.sub, name: payload.name, role: payload.role, teams: payload.teams };
    next();
  } catch (err) {
    next(new Error(`unauthenticated: ${err.message}`));
  }
});

const flags = new Map();
let pos = 0;

io.on('connection', (socket) => {
  const me = socket.data.me;
  socket.join(`p:${me.id}`);
  if (me.role === 'supervisor') for (const team of me.teams) socket.join(`team:${team}`);
  const actor = { id: me.id, name: me.name, role: me.role };

  socket.on('cmd', ({ id, cmd }, ack) => {
    let flag;
    let event;
    const at = Date.now();
    if (cmd.type === 'raise') {
      flag = { id, team: cmd.team ?? me.teams[0], agent: me.id, seq: 1 };
      flags.set(id, flag);
      event = { flagId: id, seq: 1, at, actor, type: 'raised', interactionId: cmd.interactionId, channel: cmd.channel, customerLabel: cmd.customerLabel ?? '', team: flag.team, message: cmd.message, severity: cmd.severity ?? 'normal' };
    } else {
      flag = flags.get(cmd.flagId);
      if (!flag) return ack({ ok: false, error: { code: 'not-found', message: `There is no flag ${cmd.flagId}.` } });
      flag.seq++;
      event = { flagId: flag.id, seq: flag.seq, at, actor, type: cmd.type === 'send-message' ? 'message' : cmd.type === 'acknowledge' ? 'acknowledged' : cmd.type === 'lower' ? 'lowered' : cmd.type };
      if (cmd.type === 'send-message') Object.assign(event, { text: cmd.text, clientId: id });
      if (cmd.type === 'lower') {
        Object.assign(event, { cause: me.role === 'agent' ? 'agent' : 'supervisor', reason: cmd.reason });
        flags.delete(flag.id);
      }
    }
    io.to([`team:${flag.team}`, `p:${flag.agent}`]).emit('event', { pos: ++pos, event });
    ack({ ok: true, flagId: flag.id, seq: flag.seq, changed: true });
  });
});

http.listen(Number(values.port), '127.0.0.1', () => process.stdout.write(`listening ${http.address().port}\n`));
process.on('SIGTERM', () => io.close(() => process.exit(0)));
