import { memo, useState } from 'react';
import type { FlagClient } from '@flagline/core';
import type { FlagStateEvent } from '@flagline/elements';
import { FlagButton, FlagClientProvider, RaisedFlagsWidget, useFlagClient, useStore } from '@flagline/react';

/** Host code reading the client's stores. `memo`: it re-renders when the store changes, not with its parent. */
const OpenFlagCount = memo(function OpenFlagCount() {
  const openFlags = useStore(useFlagClient().$openFlags);
  return <p data-testid="open-count">Open flags: {openFlags.length}</p>;
});

export function App({ agent, supervisor }: { agent: FlagClient; supervisor: FlagClient }) {
  const [log, setLog] = useState<string[]>([]);
  const record = (who: string) => (e: FlagStateEvent) =>
    setLog((lines) => [...lines, `${who}: ${e.type} by ${e.flag.agent.name}: ${e.flag.message}`]);

  return (
    <main>
      <h1>Flagline in React</h1>
      <section aria-labelledby="agent">
        <h2 id="agent">Agent desk</h2>
        <FlagClientProvider client={agent}>
          <FlagButton interactionId="call-42" channel="voice" customerLabel="Jordan Price" onFlagRaised={record('agent')} />
        </FlagClientProvider>
      </section>
      <section aria-labelledby="supervisor">
        <h2 id="supervisor">Supervisor wallboard</h2>
        <FlagClientProvider client={supervisor}>
          <OpenFlagCount />
          <RaisedFlagsWidget onFlagRaised={record('supervisor')} />
        </FlagClientProvider>
      </section>
      <section aria-labelledby="host-log">
        <h2 id="host-log">Events the host received</h2>
        <ul data-testid="host-log">
          {log.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ul>
      </section>
    </main>
  );
}
