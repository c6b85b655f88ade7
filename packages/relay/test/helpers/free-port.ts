/**
 * Ports for test servers that are killed and restarted on the same port (Redis nodes, Sentinels).
 * They are taken below the kernel's ephemeral range: a port from that range (listen on 0) can be
 * taken by any outgoing connection's local end while its server is down, and the restart then
 * fails to bind, now and then.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Binds `port` on loopback and lets it go: whether it is free now. */
function bindable(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const srv = createServer();
    srv.once('error', () => ok(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => ok(true)));
  });
}

/** A free loopback port below the ephemeral range; `alsoFree`: offsets that must be free too (a cluster node's bus is port + 10000). */
export async function freePort(alsoFree: number[] = []): Promise<number> {
  const [ephemeralFrom] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number) as [number];
  const [from, to] = [10_000, ephemeralFrom - 1 - Math.max(0, ...alsoFree)];
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = from + Math.floor(Math.random() * (to - from));
    let free = await bindable(port);
    for (const offset of alsoFree) free &&= await bindable(port + offset);
    if (free) return port;
  }
  throw new Error(`no free port below ${ephemeralFrom} (the ephemeral range) for a test server`);
}
