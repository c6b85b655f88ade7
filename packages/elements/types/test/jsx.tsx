// Type test of the JSX types for React 19 (tsconfig.react.json) and Preact (tsconfig.preact.json),
// run by test/examples/jsx-types.test.ts: correct markup typechecks, each @ts-expect-error must fail.
import type { FlagClient } from '@flagline/core';

declare const client: FlagClient;

export const correct = (
  <flagline-provider client={client}>
    <flag-button
      interaction-id="call-42"
      channel="enhanced-chat"
      customer-label="Jordan Price"
      shortcut="Alt+Shift+F"
      strings={{ raise: 'Raise' }}
      onflag-raised={(e) => e.flag.message}
      onflag-unavailable={(e) => e.reason}
    />
    <raised-flags-widget team="billing" channel="" sound onflag-join={(e) => e.preventDefault()} />
    <supervisor-chat flag-id="f1" quiet ontranscript-entry={(e) => e.entry.text} />
  </flagline-provider>
);

// @ts-expect-error "fax" is not a Channel
export const wrongChannel = <flag-button interaction-id="call-42" channel="fax" />;
// @ts-expect-error interaction-id is a string
export const wrongAttributeType = <flag-button interaction-id={42} />;
// @ts-expect-error flag-raised carries a FlagStateEvent, which has no `entry`
export const wrongEventField = <flag-button onflag-raised={(e) => e.entry} />;
// @ts-expect-error client must be a FlagClient
export const wrongClient = <raised-flags-widget client="sam" />;
