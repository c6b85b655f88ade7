// One page, two people: an agent and a supervisor on one in-memory hub (no server). A real
// host gives each its own page and a WebSocket transport to @flagline/relay. The clients stay
// plain objects: never put them in ref()/reactive(), whose proxies would wrap their internals.
import { createFlagClient, MemoryHub, type Participant } from '@flagline/core';

const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['billing'] };
const sam: Participant = { id: 'sam', name: 'Sam Supervisor', role: 'supervisor', teams: ['billing'] };
const hub = new MemoryHub();

export const agent = createFlagClient({ transport: hub.transport(ann), me: ann });
export const supervisor = createFlagClient({ transport: hub.transport(sam), me: sam });
