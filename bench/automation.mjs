// Automation costs in Node (figures, not tests): grouping similar flags as the wallboard would,
// the summary of a long conversation, and the rules engine per turn. The workspace's TypeScript
// (`@flagline/core/automation` and its test fixtures) is bundled by esbuild and imported.
import { build } from 'esbuild';
import { resolve } from 'node:path';
import { summarize as stats } from './lib/stats.mjs';

const root = resolve(import.meta.dirname, '..');

async function load() {
  const contents = `export * from '@flagline/core/automation';
export { OUTAGE, UNRELATED } from './packages/core/src/automation/fixtures/flags.ts';
export { SUMMARY_CASES } from './packages/core/src/automation/fixtures/conversations.ts';`;
  const result = await build({
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    conditions: ['source'],
    tsconfig: resolve(root, 'tsconfig.json'),
    logLevel: 'silent',
    stdin: { contents, resolveDir: root, loader: 'ts' },
  });
  return import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].contents).toString('base64')}`);
}

/** A seeded generator, so every run measures the same data. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VOCABULARY = `customer account bill refund cancel contract address delivery parcel router internet line phone
card payment transfer password login email invoice price plan upgrade roaming data technician visit appointment
complaint manager supervisor error screen app website order number balance credit debit charge fee late broken
slow outage network signal coverage sim device screen battery warranty return exchange discount offer loyalty`.split(/\s+/);

/** N open flags raised within 15 minutes: one in ten an outage variant, the rest random agent phrasing. */
function flagsFor(n, { OUTAGE }, next) {
  return Array.from({ length: n }, (_, i) => {
    const outage = next() < 0.1;
    const message = outage
      ? OUTAGE[i % OUTAGE.length].message
      : Array.from({ length: 3 + Math.floor(next() * 6) }, () => VOCABULARY[Math.floor(next() * VOCABULARY.length)]).join(' ');
    return { id: `f${i}`, message, raisedAt: Math.floor(next() * 15 * 60_000) };
  });
}

function time(fn, runs) {
  const samples = [];
  let out;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    out = fn();
    samples.push(performance.now() - t);
  }
  return { ms: stats(samples), out };
}

export async function automationBench(plan, log) {
  const m = await load();
  const next = random(42);
  const grouping = plan.groupSizes.map((n) => {
    log(`automation: grouping ${n} flags`);
    const flags = flagsFor(n, m, next);
    const { out, ms } = time(() => m.groupSimilarFlags(flags), plan.runs);
    return { flags: n, ms, groups: out.length, largest: out[0]?.ids.length ?? 0 };
  });

  log('automation: summary');
  const turns = Array.from({ length: plan.turns }, (_, i) => m.SUMMARY_CASES[i % m.SUMMARY_CASES.length].turns[i % 5]);
  const summaryMs = time(() => m.summarize(turns), plan.runs).ms;

  log('automation: rules engine');
  const rules = Array.from({ length: plan.rules }, (_, i) => ({
    id: `r${i}`,
    name: `Rule ${i}`,
    action: i % 2 ? 'suggest' : 'auto-raise',
    when: i % 5 === 0 ? { type: 'sentiment-shift', delta: 0.8 } : i % 5 === 1 ? { type: 'repeated' } : { type: 'keywords', any: [VOCABULARY[i % VOCABULARY.length], `${VOCABULARY[(i * 7) % VOCABULARY.length]} ${VOCABULARY[(i * 11) % VOCABULARY.length]}`] },
    raise: { message: `rule ${i}` },
  }));
  const conversations = new m.ConversationStore();
  let triggers = 0;
  new m.RuleEngine({ rules, conversations, onTrigger: () => triggers++ });
  const texts = m.SUMMARY_CASES.flatMap((c) => c.turns);
  for (let i = 0; i < plan.interactions; i++) conversations.observeConversation(`i${i}`, { channel: 'voice' });
  const perTurn = [];
  for (let k = 0; k < plan.engineTurns; k++) {
    const turn = texts[k % texts.length];
    const t = performance.now();
    conversations.appendTurn(`i${k % plan.interactions}`, { ...turn, at: k });
    perTurn.push((performance.now() - t) * 1000);
  }
  return { grouping, summary: { turns: plan.turns, ms: summaryMs }, engine: { rules: plan.rules, turns: plan.engineTurns, perTurnUs: stats(perTurn), triggers } };
}

export function printAutomation(r) {
  console.log('\nAutomation (Node, one core; ms)');
  console.log('groupSimilarFlags'.padEnd(34) + 'p50'.padStart(10) + 'max'.padStart(10) + 'groups'.padStart(9) + 'largest'.padStart(9));
  for (const g of r.grouping) console.log(`  ${g.flags} open flags in 15 min`.padEnd(34) + String(g.ms.p50).padStart(10) + String(g.ms.max).padStart(10) + String(g.groups).padStart(9) + String(g.largest).padStart(9));
  console.log(`summarize, ${r.summary.turns} turns`.padEnd(34) + String(r.summary.ms.p50).padStart(10) + String(r.summary.ms.max).padStart(10));
  const e = r.engine.perTurnUs;
  console.log(`rules engine, ${r.engine.rules} rules, per turn (µs)`.padEnd(34) + String(e.p50).padStart(10) + String(e.max).padStart(10) + `   p99 ${e.p99} µs over ${e.n} turns, ${r.engine.triggers} triggers`);
}
