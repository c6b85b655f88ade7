import { expect } from '@esm-bundle/chai';
import * as v from 'valibot';
import { EVENT_TYPES, variantTypes } from './event-types.js';
import { EventSchema } from './schemas.js';

describe('EVENT_TYPES', () => {
  it('lists each type EventSchema accepts once, literals and picklists alike', () => {
    expect(EVENT_TYPES).to.include.members(['raised', 'message', 'handed-back', 'join-requested', 'join-cancelled']);
    expect(new Set(EVENT_TYPES).size).to.equal(EVENT_TYPES.length);
    for (const type of EVENT_TYPES) expect(EventSchema.options.filter((o) => v.is(o.entries.type, type)), type).to.have.length(1);
  });

  it('lists an event type added to EventSchema', () => {
    const added = v.variant('type', [...EventSchema.options, v.strictObject({ type: v.literal('paused') }), v.strictObject({ type: v.picklist(['resumed', 'snoozed']) })]);
    expect(variantTypes(added)).to.deep.equal([...EVENT_TYPES, 'paused', 'resumed', 'snoozed']);
  });
});
