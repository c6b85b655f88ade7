import { expect } from '@esm-bundle/chai';
import { resolveConfig } from './config.js';
import { applyEvent } from './machine.js';
import type { Flag, Participant, ParticipantRef } from './model.js';
import { presentFlag } from './present.js';

const annRef: ParticipantRef = { id: 'ann', name: 'Ann', role: 'agent' };
const sueRef: ParticipantRef = { id: 'sue', name: 'Sue', role: 'supervisor' };
const ann: Participant = { ...annRef, teams: ['t'] };
const sue: Participant = { ...sueRef, teams: ['t'] };
const config = resolveConfig({ limits: { reasonLength: 50 } });

function raised(): Flag {
  return applyEvent(undefined, { type: 'raised', flagId: 'f', seq: 1, at: 0, actor: annRef, interactionId: 'i', channel: 'voice', customerLabel: '', team: 't', message: 'm', severity: 'normal' });
}

describe('presentFlag', () => {
  it('names one phase per flag, the most telling first, with the person it is about', () => {
    let flag = raised();
    expect(presentFlag(flag, ann, config).phase).to.equal('raised');
    expect(presentFlag(flag, ann, config, ['raise']).phase).to.equal('raising');
    flag = applyEvent(flag, { type: 'escalated', flagId: 'f', seq: 2, at: 1, actor: sueRef, level: 1 });
    expect(presentFlag(flag, ann, config).phase).to.equal('escalated');
    flag = applyEvent(flag, { type: 'acknowledged', flagId: 'f', seq: 3, at: 2, actor: sueRef });
    expect(presentFlag(flag, ann, config)).to.include({ phase: 'acknowledged', by: flag.acknowledgedBy });
    flag = applyEvent(flag, { type: 'join-requested', flagId: 'f', seq: 4, at: 3, actor: annRef });
    expect(presentFlag(flag, ann, config).phase).to.equal('join-requested');
    flag = applyEvent(flag, { type: 'join-accepted', flagId: 'f', seq: 5, at: 4, actor: sueRef });
    expect(presentFlag(flag, ann, config)).to.include({ phase: 'joined', by: flag.joinBy });
    flag = applyEvent(flag, { type: 'lowered', flagId: 'f', seq: 6, at: 5, actor: sueRef, cause: 'supervisor' });
    const view = presentFlag(flag, ann, config, ['raise']);
    expect(view).to.include({ phase: 'lowered', open: false, mine: true });
    expect(view.by).to.deep.equal(sueRef);
  });

  it('offers the actions the rules allow now, marks those in flight, and carries the limits', () => {
    const view = presentFlag(raised(), sue, config, ['acknowledge']);
    expect([...view.actions].sort()).to.deep.equal(['acknowledge', 'lower', 'send-message']);
    expect([...view.busy]).to.deep.equal(['acknowledge']);
    expect(view.mine).to.equal(false);
    expect(view.limits).to.deep.equal({ messageLength: 1000, reasonLength: 50, labelLength: 120 });
    expect(presentFlag(raised(), sue, resolveConfig({ fallbackMode: true })).actions.size).to.equal(0);
  });
});
