import { expect } from '@open-wc/testing';
import { FlagError } from '../errors.js';
import type { Flag, Participant } from '../model.js';
import { MemoryHub } from '../transports/memory.js';
import { onHub, until } from '../../test/harness.js';
import { createFlagClient } from '../client/client.js';
import type { Transport } from '../transport.js';
import { fillPlaceholders } from './placeholders.js';
import { checkSettingsRead, checkSettingsWrite, validateSetting } from './rules.js';
import { SETTINGS_LIMITS, type CannedReply, type SettingsScope } from './schemas.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['blue'] };
const sue: Participant = { id: 'sue', name: 'Sue Super', role: 'supervisor', teams: ['blue'] };
const sam: Participant = { id: 'sam', name: 'Sam Super', role: 'supervisor', teams: ['blue'] };
const tom: Participant = { id: 'tom', name: 'Tom Other', role: 'supervisor', teams: ['green'] };
const blue: SettingsScope = { kind: 'team', team: 'blue' };
const mine: SettingsScope = { kind: 'personal' };
const reply = (id: string, text = 'Hi {agent}'): CannedReply => ({ id, title: `Reply ${id}`, text });

describe('settings rules', () => {
  it('a team’s members read its documents; a member of another team cannot read or write them', () => {
    expect(checkSettingsRead(ann, blue)).to.equal(null);
    expect(checkSettingsRead(tom, blue)?.code).to.equal('not-allowed');
    expect(checkSettingsWrite(tom, blue, 'cannedReplies')?.code).to.equal('not-allowed');
  });

  it('only the team’s supervisors write team documents; an agent cannot', () => {
    expect(checkSettingsWrite(sue, blue, 'quickReasons')).to.equal(null);
    expect(checkSettingsWrite(ann, blue, 'quickReasons')?.code).to.equal('not-allowed');
  });

  it('everyone writes their own documents, and each kind holds only its keys', () => {
    expect(checkSettingsWrite(ann, mine, 'alerts')).to.equal(null);
    expect(checkSettingsWrite(sue, blue, 'alerts')?.code).to.equal('invalid-input');
    expect(checkSettingsWrite(sue, mine, 'quickReasons')?.code).to.equal('invalid-input');
  });

  it('refuses oversize values with too-long and malformed ones with invalid-input', () => {
    const many = Array.from({ length: SETTINGS_LIMITS.cannedReplies + 1 }, (_, i) => reply(`r${i}`));
    expect((validateSetting('cannedReplies', many) as FlagError).code).to.equal('too-long');
    expect((validateSetting('cannedReplies', [reply('a', 'x'.repeat(SETTINGS_LIMITS.replyText + 1))]) as FlagError).code).to.equal('too-long');
    expect((validateSetting('quickReasons', ['x'.repeat(SETTINGS_LIMITS.quickReason + 1)]) as FlagError).code).to.equal('too-long');
    expect((validateSetting('cannedReplies', [reply('a'), reply('a')]) as FlagError).code).to.equal('invalid-input');
    expect((validateSetting('cannedReplies', [{ id: 'a', title: '  ', text: 'x' }]) as FlagError).code).to.equal('invalid-input');
    expect((validateSetting('alerts', { repeatMs: 1, maxRepeats: 1, sound: true, desktop: false }) as FlagError).code).to.equal('invalid-input');
  });

  it('trims what it keeps', () => {
    expect(validateSetting('quickReasons', ['  Refund  '])).to.deep.equal(['Refund']);
  });
});

describe('fillPlaceholders', () => {
  const flag = { agent: { id: 'ann', name: 'Ann Agent', role: 'agent' }, customerLabel: 'Jane Roe' } as Pick<Flag, 'agent' | 'customerLabel'>;

  it('fills {agent}, {customer} and {supervisor}, every occurrence', () => {
    expect(fillPlaceholders('Hi {agent}, tell {customer} that {supervisor} ({supervisor}) is on it', flag, { name: 'Sue' })).to.equal(
      'Hi Ann Agent, tell Jane Roe that Sue (Sue) is on it',
    );
  });

  it('leaves unknown braces and a placeholder without a value as written', () => {
    expect(fillPlaceholders('{customer} {foo} {Agent}', { ...flag, customerLabel: '' }, { name: 'Sue' })).to.equal('{customer} {foo} {Agent}');
  });

  it('does not expand placeholders inside the values it inserts', () => {
    expect(fillPlaceholders('{customer}', { ...flag, customerLabel: '{agent}' }, { name: 'Sue' })).to.equal('{agent}');
  });
});

describe('settings over the memory hub', () => {
  const env = onHub(() => new MemoryHub({ tickMs: 0 }));

  it('a supervisor’s save reaches the team’s other supervisor and agent live, and not another team', async () => {
    const [s1, s2, agent, other] = await Promise.all([env.connect(sue), env.connect(sam), env.connect(ann), env.connect(tom)]);
    const saved = await s1.saveSettings(blue, 'cannedReplies', [reply('a')], 0);
    expect(saved.version).to.equal(1);
    expect((await until(s2.settings.team('blue').cannedReplies, (s) => s.version === 1)).value).to.deep.equal([reply('a')]);
    await s1.saveSettings(blue, 'quickReasons', ['Refund', 'Cancellation'], 0);
    expect((await until(agent.settings.team('blue').quickReasons, (s) => s.version === 1)).value).to.deep.equal(['Refund', 'Cancellation']);
    // Tom's own save round-trips after Sue's, so hers would have reached him by now had it been sent.
    await other.saveSettings(mine, 'cannedReplies', [reply('t')], 0);
    expect(other.settings.team('blue').cannedReplies.get().version).to.equal(0);
    const refused = await other.saveSettings(blue, 'cannedReplies', [reply('x')], 1).catch((e: unknown) => e);
    expect((refused as FlagError).code).to.equal('not-allowed');
  });

  it('a client that connects later loads what was saved', async () => {
    const s1 = await env.connect(sue);
    await s1.saveSettings(mine, 'alerts', { repeatMs: 10_000, maxRepeats: 3, sound: false, desktop: true }, 0);
    const again = await env.connect(sue);
    expect((await until(again.settings.personal.alerts, (s) => s.version === 1)).value.sound).to.equal(false);
  });

  it('personal documents reach only their owner', async () => {
    const [s1, s2] = await Promise.all([env.connect(sue), env.connect(sam)]);
    await s1.saveSettings(mine, 'cannedReplies', [reply('mine')], 0);
    await s2.saveSettings(mine, 'cannedReplies', [reply('his')], 0);
    expect(s1.settings.personal.cannedReplies.get().value).to.deep.equal([reply('mine')]);
    expect(s2.settings.personal.cannedReplies.get().value).to.deep.equal([reply('his')]);
  });

  it('two supervisors saving from the same version: one wins, the other gets a typed conflict and nothing is overwritten', async () => {
    const [s1, s2] = await Promise.all([env.connect(sue), env.connect(sam)]);
    const results = await Promise.allSettled([s1.saveSettings(blue, 'quickReasons', ['Sue'], 0), s2.saveSettings(blue, 'quickReasons', ['Sam'], 0)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).to.have.length(1);
    expect(lost).to.have.length(1);
    expect(lost[0]!.reason).to.be.instanceOf(FlagError);
    expect((lost[0]!.reason as FlagError).code).to.equal('conflict');
    expect((lost[0]!.reason as FlagError).details?.version).to.equal(1);
    const winner = (won[0] as PromiseFulfilledResult<{ value: string[] }>).value.value;
    expect((await until(s1.settings.team('blue').quickReasons, (s) => s.version === 1)).value).to.deep.equal(winner);
    expect((await until(s2.settings.team('blue').quickReasons, (s) => s.version === 1)).value).to.deep.equal(winner);
  });

  it('an agent’s team save is refused locally and by the source of truth', async () => {
    const agent = await env.connect(ann);
    const local = await agent.saveSettings(blue, 'quickReasons', ['x'], 0).catch((e: unknown) => e);
    expect((local as FlagError).code).to.equal('not-allowed');
    const authority = await env.hub.ready;
    const remote = await authority.settings!.save(ann, { id: 'c1', scope: blue, key: 'quickReasons', value: ['x'], version: 0 }).catch((e: unknown) => e);
    expect((remote as FlagError).code).to.equal('not-allowed');
  });

  it('the source of truth refuses an oversize value with too-long (not only the client)', async () => {
    const authority = await env.hub.ready;
    const value = Array.from({ length: SETTINGS_LIMITS.quickReasons + 1 }, (_, i) => `r${i}`);
    const err = await authority.settings!.save(sue, { id: 'c1', scope: blue, key: 'quickReasons', value, version: 0 }).catch((e: unknown) => e);
    expect((err as FlagError).code).to.equal('too-long');
  });

  it('a resent save (same id) gets its stored document back instead of a conflict', async () => {
    const authority = await env.hub.ready;
    const save = { id: 'c1', scope: blue, key: 'quickReasons' as const, value: ['x'], version: 0 };
    const first = await authority.settings!.save(sue, save);
    expect(await authority.settings!.save(sue, save)).to.deep.equal(first);
    const other = await authority.settings!.save(sam, { ...save }).catch((e: unknown) => e);
    expect((other as FlagError).code).to.equal('conflict');
  });
});

describe('settings over a transport that keeps none', () => {
  const env = onHub(() => new MemoryHub({ tickMs: 0 }));

  it('the stores keep their defaults, $available stays false and a save rejects with unavailable', async () => {
    const inner = env.hub.transport(sue);
    const bare: Transport = {
      connect: (h) => inner.connect(h),
      execute: (e) => inner.execute(e),
      history: (f, a) => inner.history(f, a),
      lowered: (q) => inner.lowered(q),
      snapshot: () => inner.snapshot(),
      close: () => inner.close(),
    };
    const client = createFlagClient({ transport: bare, me: sue });
    await until(client.$status, (s) => s === 'online');
    expect(client.settings.$available.get()).to.equal(false);
    expect(client.settings.personal.alerts.get()).to.deep.equal({ value: { repeatMs: 30_000, maxRepeats: 5, sound: true, desktop: true }, version: 0 });
    const err = await client.saveSettings(blue, 'quickReasons', ['x'], 0).catch((e: unknown) => e);
    expect((err as FlagError).code).to.equal('unavailable');
    client.close();
  });
});
