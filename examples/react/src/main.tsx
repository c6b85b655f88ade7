// One page, two people: an agent and a supervisor on one in-memory hub (no server). A real
// host gives each its own page and a WebSocket transport to @flagline/relay.
import { createRoot } from 'react-dom/client';
import { createFlagClient, MemoryHub, type Participant } from '@flagline/core';
import { App } from './App.js';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['billing'] };
const sam: Participant = { id: 'sam', name: 'Sam Supervisor', role: 'supervisor', teams: ['billing'] };
const hub = new MemoryHub();

createRoot(document.getElementById('root')!).render(
  <App
    agent={createFlagClient({ transport: hub.transport(ann), me: ann })}
    supervisor={createFlagClient({ transport: hub.transport(sam), me: sam })}
  />,
);
