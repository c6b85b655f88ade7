/**
 * Starts a relay: an HTTP server and a WebSocket endpoint at /ws whose connections each wrap an
 * AuthoritySession on the Authority of their token's tenant (tenants.ts: one Authority per
 * tenant, each on its own SQLite file or Redis namespace). `close()` is the graceful shutdown.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { encodeFrame } from '@flagline/core';
import { REMOTE_ALGORITHMS, createVerifier, signToken, type Verifier } from './auth.js';
import { ConfigError, type RelayConfig } from './config.js';
import { CLOSE, RelayConnection, type ConnectionContext } from './connection.js';
import { WriteBatch } from './write-batch.js';
import { Heartbeat } from './heartbeat.js';
import { DEV_DIRECTORY } from './dev-directory.js';
import { createHttpHandler } from './http-routes.js';
import { createLogger, type Logger } from './log.js';
import { Metrics } from './metrics.js';
import { isLoopback } from './loopback.js';
import { Admission } from './rate-limit.js';
import { Tenants } from './tenants.js';
import { UpgradeHold } from './upgrade-hold.js';
import { loadSettingsSeed, type SeedEntry } from './settings-seed.js';

export interface Relay {
  readonly port: number;
  readonly url: string;
  readonly devMode: boolean;
  /**
   * Graceful shutdown: stop accepting, finish in-flight commands, flush, send bye, close.
   * `flushed` is false when the store did not take the flush within --shutdown-timeout-ms (cut
   * off): the relay stopped without it and logged what was left.
   */
  close(): Promise<{ flushed: boolean }>;
  /**
   * Resolves (with the reason) when this relay must not keep serving: its state diverged from a
   * replicated store after a failover. The CLI then closes and exits with EXIT_RESTART.
   */
  readonly mustRestart: Promise<string>;
}

/** Exit code of a relay that must be restarted (EX_TEMPFAIL): its supervisor starts it again. */
export const EXIT_RESTART = 75;
/** Exit code of a relay stopped without flushing to its store, which answered nothing (EX_UNAVAILABLE). */
export const EXIT_UNFLUSHED = 69;

/** TCP connections the kernel queues for the relay to accept (see the listen below). */
const LISTEN_BACKLOG = 4_096;

export async function startRelay(config: RelayConfig, log: Logger = createLogger(config.logLevel)): Promise<Relay> {
  const remoteKeys = config.jwksUrl !== undefined || config.oidcIssuer !== undefined;
  const devMode = config.jwtSecret === undefined && config.jwtPublicKey === undefined && config.jwks === undefined && !remoteKeys;
  if (devMode) {
    if (process.env.NODE_ENV === 'production')
      throw new ConfigError('Refusing to start in dev mode with NODE_ENV=production: configure --oidc-issuer, --jwks-url, --jwt-secret(-file), --jwt-public-key or --jwks.');
    if (!isLoopback(config.host)) throw new ConfigError(`Dev mode binds loopback only; --host ${config.host} needs a real JWT key.`);
  }
  const secret = devMode ? randomBytes(32).toString('base64url') : config.jwtSecret;
  const algorithms = config.jwtAlgorithms ?? (secret !== undefined ? ['HS256'] : remoteKeys ? REMOTE_ALGORITHMS : ['ES256']);
  const metrics = new Metrics({ ruleIds: [...(config.teamRules?.values() ?? [])].flat().map((r) => r.id) });
  let verify: Verifier;
  // Set once the connections exist: a key set can arrive while the relay is still starting.
  let keysChanged = (_kids: string[]): void => {};
  try {
    verify = await createVerifier(
      {
        ...(secret !== undefined ? { secret } : {}),
        ...(config.jwtPublicKey !== undefined ? { publicKeyFile: config.jwtPublicKey } : {}),
        ...(config.jwks !== undefined ? { jwksFile: config.jwks } : {}),
        ...(config.jwksUrl !== undefined ? { jwksUrl: config.jwksUrl } : {}),
        ...(config.oidcIssuer !== undefined ? { oidcIssuer: config.oidcIssuer } : {}),
        algorithms,
        issuer: config.jwtIssuer,
        audience: config.jwtAudience,
        maxTokenAge: config.jwtMaxAge,
        clockToleranceSec: 5,
        jwksRefreshMs: config.jwksRefreshMs,
        jwksCooldownMs: config.jwksCooldownMs,
        claims: {
          id: config.claimId,
          name: config.claimName,
          role: config.claimRole,
          supervisorValues: config.supervisorRoles,
          agentValues: config.agentRoles,
          teams: config.claimTeams,
          teamPrefix: config.teamPrefix,
          serviceValues: config.serviceRoles,
          scopes: config.claimScopes,
          tenant: config.claimTenant,
        },
      },
      {
        fetched: ({ url, keys }) => {
          metrics.keyFetch('ok');
          log.info('identity provider keys fetched', { url, keys });
        },
        keys: (kids) => keysChanged(kids),
        failed: ({ url, error }) => {
          metrics.keyFetch('failed');
          log.error('identity provider keys unavailable', { url, error });
        },
      },
    );
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  if (config.metricsToken === undefined && !isLoopback(config.host))
    log.warn('GET /metrics needs no credentials and the relay listens beyond loopback: set --metrics-token (or bind --host to loopback).', { host: config.host });

  let settingsSeed: SeedEntry[] = [];
  try {
    if (config.settingsSeed !== undefined) settingsSeed = loadSettingsSeed(config.settingsSeed);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  if (config.claimTenant && config.webhooks !== undefined && !config.webhooks.includes('{tenant}'))
    throw new ConfigError('With --claim-tenant, --webhooks names one file per tenant: put {tenant} in its path (e.g. /etc/flagline/webhooks/{tenant}.json).');
  let restart!: (reason: string) => void;
  const mustRestart = new Promise<string>((resolve) => (restart = resolve));
  const tenants = new Tenants({ config, devMode, log, metrics, verify, settingsSeed, onDiverged: restart });
  let draining = false;
  /** The state is loaded (the single tenant's Authority is open): until then upgrades are held and /readyz answers 503. */
  let loaded = false;
  const connections = new Set<RelayConnection>();
  keysChanged = (kids) => {
    for (const conn of connections) conn.keysChanged(kids);
  };
  const admission = new Admission(config.admitPerSecond, config.admitBurst);
  const ctx: ConnectionContext = { tenants, config, metrics, log, inflight: new Set(), writes: new WriteBatch(), draining: () => draining };
  // Ready once loaded, unless draining or every open tenant's store has failed (one shard down pauses its tenants only).
  const ready = async () => {
    if (draining || !loaded) return false;
    const open = await tenants.all();
    return open.length === 0 || open.some((t) => t.failure === null);
  };

  const originAllowed = (origin: string | undefined, host: string | undefined): boolean => {
    if (origin === undefined) return true; // not a browser: the token is the only gate
    if (config.origins.includes('*') || config.origins.includes(origin)) return true;
    if (config.origins.length > 0) return false;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    return devMode ? isLoopback(url.hostname) : url.host === host;
  };

  const server = createServer(
    createHttpHandler({
      tenants,
      metrics,
      tenantLabels: Boolean(config.claimTenant),
      ...(config.metricsToken !== undefined ? { metricsToken: config.metricsToken } : {}),
      originAllowed,
      ready,
      ...(config.static !== undefined ? { staticDir: config.static } : {}),
      ...(config.teamRules ? { teamRules: config.teamRules } : {}),
      ...(devMode
        ? {
            devHosts: config.origins.flatMap((o) => (URL.canParse(o) ? [new URL(o).hostname] : [])),
            devToken: async (participantId: string) => {
              const participant = DEV_DIRECTORY.find((p) => p.id === participantId)!;
              const token = await signToken(participant, { secret: secret!, issuer: config.jwtIssuer, audience: config.jwtAudience, expiresIn: '1h' });
              return { token, expiresAt: Date.now() + 3_600_000 };
            },
          }
        : {}),
    }),
  );
  // No permessage-deflate: small frames gain little, and it opens the door to compression bombs.
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxPayloadBytes, perMessageDeflate: false });

  const refuse = (req: IncomingMessage, socket: Duplex, status: number, text: string, headers = '') => {
    log.info('upgrade refused', { remote: req.socket.remoteAddress, status, reason: text, origin: req.headers.origin });
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n${headers}Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  };
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const slot = admission.slot();
    if (slot < 0) return refuse(req, socket, 503, 'Service Unavailable', `Retry-After: ${Math.ceil(admission.maxAheadMs / 1000)}\r\n`);
    if (slot > 0) {
      // Too many at once (a reconnect storm): this one is told exactly when its turn comes.
      metrics.deferredAdmission();
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.send(encodeFrame({ t: 'bye', reason: 'The relay is admitting connections gradually.', reconnectInMs: slot }));
        ws.close(CLOSE.tryAgainLater, 'admission');
      });
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new RelayConnection(ws, socket, ctx, req.socket.remoteAddress ?? '?');
      connections.add(conn);
      metrics.connections = connections.size;
      ws.on('close', () => {
        connections.delete(conn);
        metrics.connections = connections.size;
      });
    });
  };
  // Upgrades that arrive while the state loads wait for it (upgrade-hold.ts), up to --start-hold-ms.
  const starting = (req: IncomingMessage, socket: Duplex) => refuse(req, socket, 503, 'Service Unavailable', 'Retry-After: 1\r\n');
  const hold = new UpgradeHold(config.startHoldMs, starting);

  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    if (new URL(req.url ?? '/', 'http://relay').pathname !== '/ws') return refuse(req, socket, 404, 'Not Found');
    if (draining) return refuse(req, socket, 503, 'Service Unavailable');
    if (!originAllowed(req.headers.origin, req.headers.host)) return refuse(req, socket, 403, 'Forbidden');
    if (connections.size + hold.size >= config.maxConnections) return refuse(req, socket, 503, 'Service Unavailable');
    if (loaded) return upgrade(req, socket, head);
    if (config.startHoldMs > 0) {
      log.info('upgrade held while the state loads', { remote: req.socket.remoteAddress });
      return hold.hold(req, socket, head);
    }
    starting(req, socket);
  });

  const heartbeat = new Heartbeat(connections, config.heartbeatMs, (conn) => {
    log.info('heartbeat missed', { remote: conn.remote, participant: conn.participant?.id ?? null });
    conn.terminate();
  });
  heartbeat.start();

  // Listen first, then load the state: connections that come meanwhile wait (held) instead of
  // being refused into a backoff. The backlog holds the TCP connections of a reconnect storm
  // while loading keeps the event loop busy (beyond Node's default of 511 the kernel drops
  // handshakes, and those clients wait for a TCP retransmit); it is capped at net.core.somaxconn.
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  log.info('loading', { port, holdMs: config.startHoldMs });
  try {
    await tenants.start();
  } catch (err) {
    hold.refuseAll();
    server.close();
    throw err;
  }
  loaded = true;
  hold.release(upgrade);
  const stopLoopWatch = metrics.watchEventLoop();
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  if (devMode)
    log.warn('DEV MODE: generated JWT secret, dev-only token endpoint POST /dev/token enabled. Never use this in production.', { url });
  // A single-tenant relay names its log's epoch and position; a multi-tenant one, its tenant claim.
  const [only] = config.claimTenant ? [] : await tenants.all();
  const state = only
    ? { epoch: only.authority.epoch, pos: only.authority.pos, ...(only.storage.minReplicasAcked !== undefined ? { minReplicasAcked: only.storage.minReplicasAcked } : {}) }
    : { tenantClaim: config.claimTenant, maxTenants: config.maxTenants };
  log.info('listening', { url, port, ws: `${url.replace('http', 'ws')}/ws`, store: config.store.replace(/\/\/[^@/]*@/, '//***@'), sync: config.sync, devMode, ...state });

  /** In-flight commands answered, then every tenant closed (checkpoint, presence, store connections). */
  const flush = async () => {
    await Promise.allSettled([...ctx.inflight]);
    await tenants.close();
  };
  /**
   * The flush, or after --shutdown-timeout-ms (a store cut off answers nothing, and would be
   * waited for forever) a stop without it: the stores' connections are dropped and what was
   * left is logged. Nothing acknowledged is lost: an acknowledgement waits for the store.
   */
  const flushWithin = async (timeoutMs: number): Promise<boolean> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A flush that fails after the timeout (what waited on the dropped connections) rejects into
    // the race, already settled: that failure is the one logged below.
    const flushed = await Promise.race([flush().then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))]);
    clearTimeout(timer);
    if (flushed) return true;
    log.error('shutdown: the store did not answer; stopping without it', {
      timeoutMs,
      unansweredCommands: ctx.inflight.size,
      unflushedTenants: tenants.disconnect(),
      left: 'unanswered commands stay in the clients\' outboxes and are sent again; no checkpoint (the next start reads more of the log); presence entries expire after --presence-ttl-ms',
    });
    return false;
  };

  let closing: Promise<{ flushed: boolean }> | null = null;
  const close = async () => {
    draining = true;
    log.info('shutting down', { connections: connections.size });
    server.close();
    server.closeIdleConnections();
    heartbeat.stop();
    stopLoopWatch();
    const flushed = await flushWithin(config.shutdownTimeoutMs);
    verify.close();
    await Promise.all(
      [...connections].map((c) => {
        c.bye(config.reconnectHintMs);
        // A client that does not answer the close handshake is cut off.
        const timer = setTimeout(() => c.terminate(), 2_000);
        return c.closed.then(() => clearTimeout(timer));
      }),
    );
    wss.close();
    log.info('stopped', { flushed });
    return { flushed };
  };

  return {
    port,
    url,
    devMode,
    close: () => (closing ??= close()),
    mustRestart,
  };
}
