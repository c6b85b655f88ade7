import { expect } from '@esm-bundle/chai';
import { availability, DEFAULT_CONFIG, resolveConfig } from './config.js';
import { FlagError, isFlagError } from './errors.js';
import type { Flag, Participant } from './model.js';
import { canSee, checkAccess, checkAvailability, checkRole, noSuchFlag } from './rules.js';

const config = resolveConfig({ escalation: { secondTierTeams: ['tier-2'] } });
const ann: Participant = { id: 'ann', name: 'Ann', role: 'agent', teams: ['team-a'] };
const bob: Participant = { id: 'bob', name: 'Bob', role: 'agent', teams: ['team-a'] };
const sue: Participant = { id: 'sue', name: 'Sue', role: 'supervisor', teams: ['team-a'] };
const tia: Participant = { id: 'tia', name: 'Tia', role: 'supervisor', teams: ['tier-2'] };
const tom: Participant = { id: 'tom', name: 'Tom', role: 'supervisor', teams: ['team-b'] };

const flag = (escalation: Flag['escalation']): Flag => ({
  id: 'f',
  interactionId: 'i',
  channel: 'voice',
  customerLabel: '',
  team: 'team-a',
  agent: { id: 'ann', name: 'Ann', role: 'agent' },
  message: 'help',
  severity: 'normal',
  status: 'raised',
  raisedAt: 0,
  escalation,
  join: 'none',
  seq: 1,
});

describe('rules: who sees a flag', () => {
  it('its agent and its team at level 0; the second tier from level 1; every supervisor at level 2', () => {
    const seers = (level: Flag['escalation']) => [ann, bob, sue, tia, tom].filter((p) => canSee(p, flag(level), config)).map((p) => p.id);
    expect(seers(0)).to.deep.equal(['ann', 'sue']);
    expect(seers(1)).to.deep.equal(['ann', 'sue', 'tia']);
    expect(seers(2)).to.deep.equal(['ann', 'sue', 'tia', 'tom']);
  });

  it('an agent never sees another agent’s flag, whatever the escalation', () => {
    expect(canSee(bob, flag(2), config)).to.equal(false);
    expect(checkAccess(bob, flag(2), config)?.code).to.equal('not-found');
    expect(checkAccess(ann, flag(0), config)).to.equal(null);
  });

  it('refuses a flag someone may not see exactly as a flag that does not exist (no team named, no existence oracle)', () => {
    const err = checkAccess(tom, flag(1), config)!;
    expect(err).to.be.instanceOf(FlagError);
    expect(err.toJSON()).to.deep.equal(noSuchFlag('f').toJSON());
    expect(err.message).to.not.contain('team-a');
  });
});

describe('rules: roles and availability', () => {
  it('reserves acknowledge and join answers to supervisors, raising and join requests to agents', () => {
    expect(checkRole(ann, { type: 'acknowledge', flagId: 'f' })!.message).to.equal('Only a supervisor can acknowledge (you are an agent).');
    expect(checkRole(ann, { type: 'accept-join', flagId: 'f' })!.code).to.equal('not-allowed');
    expect(checkRole(sue, { type: 'end-interaction', interactionId: 'i' })!.message).to.equal('Only an agent can end interaction (you are a supervisor).');
    expect(checkRole(sue, { type: 'lower', flagId: 'f' })).to.equal(null);
    expect(checkRole(ann, { type: 'send-message', flagId: 'f', text: 'x' })).to.equal(null);
  });

  it('reports fallback mode before channels, and legacy chat only when disabled', () => {
    const fallback = resolveConfig({ fallbackMode: true });
    expect(availability(fallback, 'voice')).to.deep.equal({ available: false, reason: 'fallback-mode' });
    expect(checkAvailability(fallback, null)!.code).to.equal('fallback-mode');
    expect(checkAvailability(DEFAULT_CONFIG, null)).to.equal(null);
    expect(availability(DEFAULT_CONFIG, 'legacy-chat')).to.deep.equal({ available: false, reason: 'channel-unavailable' });
    expect(availability(resolveConfig({ legacyChatEnabled: true }), 'legacy-chat')).to.deep.equal({ available: true });
    for (const channel of ['voice', 'enhanced-messaging', 'enhanced-chat'] as const) expect(availability(DEFAULT_CONFIG, channel).available).to.equal(true);
  });

  it('resolves a partial configuration over the defaults, nested objects included', () => {
    const c = resolveConfig({ escalation: { afterMs: 5 }, limits: { reasonLength: 9 } });
    expect(c.escalation).to.deep.equal({ afterMs: 5, secondTierTeams: [] });
    expect(c.limits).to.deep.equal({ messageLength: 1000, reasonLength: 9, labelLength: 120 });
    expect(c.recentMs).to.equal(DEFAULT_CONFIG.recentMs);
    expect(resolveConfig()).to.deep.equal(DEFAULT_CONFIG);
  });
});

describe('FlagError', () => {
  it('round-trips through its wire form, with and without details', () => {
    const plain = new FlagError('not-found', 'There is no flag x.');
    expect(plain.toJSON()).to.deep.equal({ code: 'not-found', message: 'There is no flag x.' });
    expect(plain).not.to.have.property('details');
    const rich = FlagError.from({ code: 'too-long', message: 'm', details: { limit: 1 } });
    expect(rich).to.be.instanceOf(Error);
    expect(rich.name).to.equal('FlagError');
    expect(rich.toJSON()).to.deep.equal({ code: 'too-long', message: 'm', details: { limit: 1 } });
    expect(isFlagError(rich)).to.equal(true);
    expect(isFlagError(new Error('x'))).to.equal(false);
  });
});
