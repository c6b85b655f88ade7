// The printed tables: every figure next to its comparison and the ratio. Flagline's figure is
// always the numerator, so a ratio below 1 means Flagline is smaller or faster.
import { int, kb, mb, ms, pct, printTable, ratio } from './lib/stats.mjs';

const fail = (x) => (x?.error ? `error: ${x.error}` : undefined);

export function printRender(render) {
  const rows = [];
  for (const row of render.wallboard) {
    const w = row.widget;
    const p = row.plain;
    const c = row['client-only'];
    const broken = fail(w) ?? fail(p) ?? fail(c);
    if (broken) {
      rows.push([`${int(row.flags)} flags`, broken, '', '', '', '']);
      continue;
    }
    const line = (label, get, fmt) => [label, fmt(get(w)), fmt(get(p)), ratio(get(w), get(p)), fmt(get(c))];
    rows.push(
      [`${int(row.flags)} open flags`, '', '', '', ''],
      line('  first render (connect + snapshot + paint)', (x) => x.firstRenderMs, ms),
      line(`  new flag → painted p50 (n=${w.raise.n}/${p.raise.n})`, (x) => x.raise.p50, ms),
      line('  new flag → painted p95', (x) => x.raise.p95, ms),
      line('  lowered flag → gone p50', (x) => x.lower.p50, ms),
      line('  scripting per update', (x) => x.scriptMsPerUpdate, ms),
      line('  layout + style per update', (x) => x.layoutStyleMsPerUpdate, ms),
      line('  JS heap after first render', (x) => x.heapBytes, mb),
      line('  DOM nodes', (x) => x.domNodes, int),
    );
  }
  const stalls = render.wallboard.flatMap((row) =>
    ['widget', 'plain'].filter((k) => row[k].stalled).map((k) => `${k} at ${int(row.flags)} flags ${row[k].stalled}`),
  );
  printTable(
    `Wallboard scale in Chromium ${render.chromium} (<raised-flags-widget> vs a plain Lit repeat list; same hub, same client, same run)`,
    ['', 'raised-flags-widget', 'plain repeat list', 'ratio', 'client only, no view'],
    rows,
    [
      'ratio = widget / plain list (below 1: Flagline is faster or smaller).',
      '"client only": the in-page source of truth + client with no view: the floor both views stand on',
      '(its "painted" figures are event → in the store; its heap is what the data alone costs).',
      ...stalls.map((x) => `STALLED: ${x}`),
    ],
  );

  const chat = render.chat;
  const a = chat.chat;
  const b = chat['plain-chat'];
  const broken = fail(a) ?? fail(b);
  const chatRows = broken
    ? [['error', broken, '', '']]
    : [
        ['first render (connect + snapshot + paint)', ms(a.firstRenderMs), ms(b.firstRenderMs), ratio(a.firstRenderMs, b.firstRenderMs)],
        [`append → painted p50 (n=${a.append.n}/${b.append.n})`, ms(a.append.p50), ms(b.append.p50), ratio(a.append.p50, b.append.p50)],
        ['append → painted p95', ms(a.append.p95), ms(b.append.p95), ratio(a.append.p95, b.append.p95)],
        ['scripting per append', ms(a.scriptMsPerUpdate), ms(b.scriptMsPerUpdate), ratio(a.scriptMsPerUpdate, b.scriptMsPerUpdate)],
        ['layout + style per append', ms(a.layoutStyleMsPerUpdate), ms(b.layoutStyleMsPerUpdate), ratio(a.layoutStyleMsPerUpdate, b.layoutStyleMsPerUpdate)],
        ['JS heap after first render', mb(a.heapBytes), mb(b.heapBytes), ratio(a.heapBytes, b.heapBytes)],
        ['DOM nodes', int(a.domNodes), int(b.domNodes), ratio(a.domNodes, b.domNodes)],
      ];
  const chatStalls = [
    ...(a?.stalled ? [`STALLED: supervisor-chat ${a.stalled}`] : []),
    ...(b?.stalled ? [`STALLED: plain repeat log ${b.stalled}`] : []),
  ];
  printTable(
    `Chat scale: one flag with ${int(chat.messages)} messages (<supervisor-chat> vs a plain Lit repeat log)`,
    ['', 'supervisor-chat', 'plain repeat log', 'ratio'],
    chatRows,
    ['An append counts as painted once the new message is inside the log\'s visible area and a frame has been drawn.', ...chatStalls],
  );
}

const errorsText = (errors) => {
  const list = Object.entries(errors);
  return list.length ? list.map(([code, n]) => `${code} ${n}`).join(', ') : '0';
};

const SIDES = [
  ['flagline', 'Flagline relay, SQLite'],
  ['flagline-redis', 'Flagline, 2 relays + Redis'],
  ['socketio', 'Socket.IO, in memory'],
];

/** Server CPU time per answered command: % of one core × 10 ms / commands per second. */
function cpuPerCommand(step) {
  return step.achieved > 0 ? (step.serverCpuPct * 10 / step.achieved).toFixed(3) : '—';
}

export function printRelay(relay) {
  const { plan } = relay;
  if (relay.error) {
    console.log(`\nRelay benchmark failed: ${relay.error}`);
    return;
  }
  const sides = SIDES.filter(([key]) => relay[key]);
  const sio = relay.socketio;
  const scale = `${int(plan.agents)} agents + ${int(plan.supervisors)} supervisors in ${plan.teams} teams, ${plan.loadgens} load-generator processes`;
  const rows = [];
  plan.rates.forEach((rate, i) => {
    rows.push([`offered ${int(rate)}/s`, ...Array(14).fill('')]);
    for (const [key, label] of sides) {
      const x = relay[key].steps[i];
      rows.push([
        `  ${label}`,
        int(x.achieved),
        ms(x.rtt.p50),
        ms(x.rtt.p99),
        ms(x.raiseDelivery.p50),
        ms(x.raiseDelivery.p99),
        ms(x.messageDelivery.p50),
        ms(x.messageDelivery.p99),
        `${pct(x.serverCpuPct)} (${pct(x.serverSystemPct)} sys)`,
        cpuPerCommand(x),
        x.syscallsPerCommand?.toFixed(1) ?? '—',
        pct(x.loadgenCpuPct),
        pct(x.machineCpuPct),
        int(x.unmetPerSec),
        errorsText(x.errors),
      ]);
    }
    const b = sio.steps[i];
    for (const [key, label] of sides.filter(([k]) => k !== 'socketio')) {
      const a = relay[key].steps[i];
      rows.push([
        `  ratio ${label.split(',')[1].trim()} / Socket.IO`,
        ratio(a.achieved, b.achieved),
        ratio(a.rtt.p50, b.rtt.p50),
        ratio(a.rtt.p99, b.rtt.p99),
        ratio(a.raiseDelivery.p50, b.raiseDelivery.p50),
        ratio(a.raiseDelivery.p99, b.raiseDelivery.p99),
        ratio(a.messageDelivery.p50, b.messageDelivery.p50),
        ratio(a.messageDelivery.p99, b.messageDelivery.p99),
        ratio(a.serverCpuPct, b.serverCpuPct),
        ratio(a.serverCpuPct / a.achieved, b.serverCpuPct / b.achieved),
        ratio(a.syscallsPerCommand, b.syscallsPerCommand),
        '',
        '',
        '',
        '',
      ]);
    }
  });
  rows.push(
    ['sustained (best step: ≥95% done, 0 unmet)', ...Array(14).fill('')],
    ...sides.map(([key, label]) => [`  ${label}`, int(relay[key].sustainedPerSec), ...Array(13).fill('')]),
  );
  printTable(
    `Relay throughput and latency on loopback (${scale})`,
    ['', 'done/s', 'RTT p50', 'RTT p99', 'raise→sup p50', 'p99', 'msg→sup p50', 'p99', 'server CPU', 'CPU ms/cmd', 'syscalls/cmd', 'loadgen CPU', 'machine', 'unmet/s', 'errors'],
    rows,
    [
      'done/s: commands answered per second (all clients). CPU: % of one core over the step (server CPU sums every server process,',
      'Redis included; sys: the kernel\'s share); machine: every process on the box (2 cores = 200%): what server + loadgen do not',
      'explain is other work. syscalls/cmd: the servers\' read- and write-family system calls (/proc/PID/io) per answered command.',
      'The steps alternate between the sides (all stay up), so each set is measured moments apart.',
      'unmet/s: commands the pacing wanted to send while every agent still waited for its previous answer (saturation).',
      'Flagline makes every command durable (SQLite: fsync per group commit; Redis: appendfsync always) before answering or',
      'fanning out; Socket.IO keeps nothing. With Redis, half the clients are on each relay process, so fan-out crosses processes.',
      ...(plan.redis ? [] : ['Redis: not measured (redis-server is not installed: apt-get install -y redis-server).']),
      ...(relay.flagline
        ? [`SQLite relay, writes per group commit (one transaction, one fsync): ${relay.flagline.steps.map((x) => `${int(x.offered)}/s ${x.commandsPerGroupCommit?.toFixed(1) ?? '—'}`).join(' · ')}.`]
        : []),
    ],
  );

  const mem = (get, fmt) => sides.map(([key]) => fmt(get(relay[key])));
  const memRatios = (get) => sides.filter(([k]) => k !== 'socketio').map(([key]) => ratio(get(relay[key]), get(sio)));
  printTable(
    'Relay memory per connection (server RSS growth after every client connected and authenticated, idle; Redis not included)',
    ['', ...sides.map(([, label]) => label), ...sides.filter(([k]) => k !== 'socketio').map(([, label]) => `ratio ${label.split(',')[1].trim()}`)],
    [
      ['connections', ...mem((x) => x.connections, int)],
      ['RSS before → after connecting', ...mem((x) => `${mb(x.rssBeforeBytes)} → ${mb(x.rssConnectedBytes)}`, String)],
      ['per connection', ...mem((x) => x.bytesPerConnection, kb), ...memRatios((x) => x.bytesPerConnection)],
      ['time to connect everyone', ...mem((x) => x.connectMs, ms), ...memRatios((x) => x.connectMs)],
      ['RSS after the load steps', ...mem((x) => x.rssAfterLoadBytes, mb), ...memRatios((x) => x.rssAfterLoadBytes)],
    ],
    ['Ratios are against Socket.IO.'],
  );

  if (relay.flagline.storms) printStorms(relay.flagline.storms);
}

/** The reconnect storms (bench/relay/relay.mjs `storm`): the times, then what the new relay went through. */
export function printStorms(storms) {
  const label = (x) => (x.kind === 'crash' ? 'crash (SIGKILL)' : 'restart (SIGTERM, bye frame)');
  printTable(
    'Reconnect storm: every client dropped at once, relay restarted on the same SQLite file',
    ['', 'clients', 'old relay gone', 'new relay ready', 'first back', '100% back after', 'back after ready', 'resumed', 'needed a snapshot'],
    storms.map((x) =>
      x.error
        ? [x.kind, x.error, '', '', '', '', '', '', '']
        : [label(x), int(x.clients), ms(x.shutdownMs), ms(x.relayDownMs), ms(x.firstBackMs), ms(x.allResumedMs), ms(x.backAfterReadyMs), int(x.resumed), int(x.snapshots)],
    ),
    [
      'All times from the signal (back after ready: from /readyz answering). Clients reconnect with the FrameTransport policy: after a bye,',
      'its reconnectInMs + up to a quarter of it (≤ 1 s) as jitter; after a drop, full-jitter backoff from 250 ms, capped at 1 s for the first',
      '10 s of an outage (then 5 s); a busy relay hands out slots in bye frames. Socket.IO has no resume: not compared.',
    ],
  );
  printTable(
    'Reconnect storm: the new relay',
    ['', 'spawn → ready', 'Authority open', 'events read', 'welcomes/s peak (250 ms)', 'welcomes/s mean', 'attempts: upgraded', 'refused', 'bye', 'relay CPU spawn → all back', 'machine'],
    storms
      .filter((x) => !x.error)
      .map((x) => [
        label(x),
        ms(x.readyAfterSpawnMs),
        ms(x.startDurationMs),
        int(x.loadedEvents),
        int(x.acceptPeakPerSec),
        int(x.acceptMeanPerSec),
        int(x.attempts.opened),
        int(x.attempts.refused),
        int(x.attempts.bye),
        `${pct(x.relayCpuPct)} (${int(x.relayCpuMs)} ms, ${int(x.relayCpuToReadyMs)} to ready)`,
        pct(x.machineCpuPct),
      ]),
    [
      'Authority open and events read: the new relay\'s flagline_start_duration_seconds and flagline_start_loaded_events. Attempts: every',
      'connection attempt of the clients during the storm (upgraded to a WebSocket; refused: no relay listening, or the upgrade refused; bye:',
      "told when to come back: the old relay's bye on a restart, admission control's). Relay CPU: % of one core from spawn to the last",
      'client back; machine: the whole box (2 cores = 200%).',
    ],
  );
}

/** bench/client-shift.mjs: one client pair over a compressed shift. */
export function printClientShift(r) {
  console.log(`\nClient over a shift (memory hub, recentMs ${r.recentMs} ms, ${r.flags} raise → acknowledge → message → lower cycles)`);
  console.log(`  ms per cycle, first ${r.window}: ${r.firstMsPerCycle}`);
  console.log(`  ms per cycle, last ${r.window}:  ${r.lastMsPerCycle}  (${(r.lastMsPerCycle / r.firstMsPerCycle).toFixed(2)}×)`);
  console.log(`  flags held at the end: supervisor ${r.supervisorHolds}, agent ${r.agentHolds}; a supervisor who reloads then: ${r.reloadedHolds}`);
}

export function printRestart(r) {
  const row = (label, get, fmt) => [label, fmt(get(r.before)), fmt(get(r.after)), ratio(get(r.after), get(r.before))];
  printTable(
    `Relay start-up after a day: ${int(r.events)} events, ${int(r.flags)} flags (SQLite file ${mb(r.fileBytes)})`,
    ['', 'whole log (no checkpoint)', 'checkpoint + events after it', 'ratio'],
    [
      row('Authority.open', (x) => x.open.ms, ms),
      row('  events read', (x) => x.open.loadedEvents, int),
      row('  JS heap held after GC', (x) => x.open.heapBytes, mb),
      row('  flag histories in memory', (x) => x.open.retainedHistories, int),
      row('relay process: spawn → /readyz', (x) => x.relay.readyMs, ms),
      row('  of which opening the Authority', (x) => x.relay.openMs, ms),
      row('  RSS when ready', (x) => x.relay.rssBytes, mb),
    ],
    [
      `ratio = after / before (below 1: the checkpoint is faster or smaller). Relay process on an empty file: ${ms(r.empty.readyMs)} to /readyz, ${mb(r.empty.rssBytes)} RSS (Node + tsx + the relay itself).`,
      'Goal (issue 13): restart ≤ 2 s after 10^6 events.',
    ],
  );
}
