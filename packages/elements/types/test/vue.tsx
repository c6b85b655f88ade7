// Type test of the Vue types (tsconfig.vue.json, Vue's TSX), run by
// test/examples/jsx-types.test.ts: correct markup typechecks, each @ts-expect-error must fail.
import type { FlagClient } from '@flagline/core';

declare const client: FlagClient;

export const correct = (
  <flagline-provider client={client}>
    <flag-button interaction-id="call-42" channel="voice" customer-label="Jordan Price" onFlagRaised={(e) => e.flag.message} />
    <raised-flags-widget team="billing" channel="" sound onFlagJoin={(e) => e.preventDefault()} />
    <supervisor-chat flag-id="f1" quiet onTranscriptEntry={(e) => e.entry.text} />
  </flagline-provider>
);

// @ts-expect-error "fax" is not a Channel
export const wrongChannel = <flag-button interaction-id="call-42" channel="fax" />;
// @ts-expect-error flag-raised carries a FlagStateEvent, which has no `entry`
export const wrongEventField = <flag-button onFlagRaised={(e) => e.entry} />;
