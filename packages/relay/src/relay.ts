/**
 * Starts a relay: one Authority on a SQLite file, an HTTP server, and a WebSocket endpoint at
 * /ws whose connections each wrap an AuthoritySession. `close()` is the graceful shutdown.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { encodeFrame } from '@flagline/core';
import { Authority } from '@flagline/core/authority';
import { FlagError } from '@flagline/core';
import { REMOTE_ALGORITHMS, createVerifier, signToken, type Verifier } from './auth.js';
import { ConfigError, flagConfigOf, type RelayConfig } from './config.js';
import { CLOSE, RelayConnection, type ConnectionContext } from './connection.js';
import { DEV_DIRECTORY, DEV_SECOND_TIER_TEAMS } from './dev-directory.js';
import { createHttpHandler } from './http-routes.js';
import { createLogger, type Logger } from './log.js';
import { Metrics } from './metrics.js';
import { LocalPresence, RedisPresence } from './presence.js';
import { RedisKnownPeople } from './known-people.js';
import { isLoopback } from './loopback.js';
import { Admission } from './rate-limit.js';
import { DAY_MS, RetentionJob } from './retention.js';
import { openStore, type RelayStore } from './store.js';
import { SqliteStorage } from './sqlite-storage.js';
import { createServiceApi } from './service-api.js';
import { blockedError } from './service-routes.js';
import { ServiceStore, type ServiceState } from './service-store.js';
import { RedisServiceStore } from './service-store-redis.js';
import { loadWebhookConfig, type WebhookConfig } from './webhook-config.js';
import { WebhookDelivery, type Outbox } from './webhook-delivery.js';
import { SqliteOutbox } from './webhook-outbox-sqlite.js';
import { RedisOutbox } from './webhook-outbox-redis.js';

export interface Relay {
  readonly port: number;
  readonly url: string;
  readonly devMode: boolean;
  readonly authority: Authority;
  readonly storage: RelayStore;
  /** Graceful shutdown: stop accepting, finish in-flight commands, flush, send bye, close. */
  close(): Promise<void>;
  /**
   * Resolves (with the reason) when this relay must not keep serving: its state diverged from a
   * replicated store after a failover. The CLI then closes and exits with EXIT_RESTART.
   */
  readonly mustRestart: Promise<string>;
}

/** Exit code of a relay that must be restarted (EX_TEMPFAIL): its supervisor starts it again. */
export const EXIT_RESTART = 75;

/** Webhook delivery from the store's outbox: SQLite rows written in the events' commit, or the Redis log under a lease. */
function startWebhooks(file: WebhookConfig | null, config: RelayConfig, storage: RelayStore, authority: Authority, log: Logger): WebhookDelivery | null {
  if (file === null) return null;
  const teamOf = (flagId: string) => authority.flag(flagId)?.team;
  let outbox: Outbox;
  if (storage instanceof SqliteStorage) {
    const sqlite = new SqliteOutbox(storage.database, file, teamOf);
    storage.alsoWrite((events) => sqlite.enqueue(events));
    outbox = sqlite;
  } else {
    outbox = new RedisOutbox({ url: config.store, namespace: config.redisNamespace, config: file, log, storage: storage.shared!, flag: (id) => authority.flag(id), pos: () => authority.pos });
  }
  const delivery = new WebhookDelivery(file, outbox, { epoch: authority.epoch, log });
  if (outbox instanceof SqliteOutbox) outbox.onQueued = () => delivery.wake();
  delivery.start();
  return delivery;
}

/** A participant the host disconnected (service API) is refused until the time it set. */
function unlessBlocked(verify: Verifier, store: ServiceState): Verifier {
  const checked = async (token: string | undefined) => {
    const auth = await verify(token);
    const until = store.blockedUntil(auth.participant.id);
    if (until !== undefined && until > Date.now()) throw blockedError(until);
    return auth;
  };
  return Object.assign(checked, { service: verify.service, close: verify.close });
}

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
  const metrics = new Metrics();
  let verify: Verifier;
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
        },
      },
      {
        fetched: ({ url, keys }) => {
          metrics.keyFetch('ok');
          log.info('identity provider keys fetched', { url, keys });
        },
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

  let webhookConfig: WebhookConfig | null = null;
  try {
    if (config.webhooks !== undefined) webhookConfig = loadWebhookConfig(config.webhooks);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  let restart!: (reason: string) => void;
  const mustRestart = new Promise<string>((resolve) => (restart = resolve));
  const storage = openStore(config, log, restart);
  // The service API's audit log, assignments and blocked participants: in the SQLite file, or on Redis.
  const connections = new Set<RelayConnection>();
  const disconnect = (participantId: string, error: FlagError): number => {
    const theirs = [...connections].filter((c) => c.participant?.id === participantId);
    for (const c of theirs) c.end(error);
    if (theirs.length) log.info('participant disconnected by the host', { participant: participantId, connections: theirs.length });
    return theirs.length;
  };
  const serviceStore: ServiceState =
    storage instanceof SqliteStorage
      ? new ServiceStore(storage.database)
      : await RedisServiceStore.open({ url: config.store, namespace: config.redisNamespace, log, onBlock: (id, until) => disconnect(id, blockedError(until)) });
  const people = storage instanceof SqliteStorage ? undefined : new RedisKnownPeople({ url: config.store, namespace: config.redisNamespace, log });
  const opening = performance.now();
  const authority = await Authority.open({
    storage,
    assignments: serviceStore,
    ...(people ? { directory: people } : {}),
    config: flagConfigOf(config, config.secondTierTeams.length || !devMode ? config.secondTierTeams : [...DEV_SECOND_TIER_TEAMS]),
    onError: (error, source) => {
      log.error('background task failed', { source, code: error.code, error: error.message });
      metrics.backgroundFailure(source);
    },
    checkpointEvery: { events: config.checkpointEvents, ms: config.checkpointMs },
    onCheckpoint: (report) => {
      metrics.checkpoint(report);
      if ('error' in report) log.error('checkpoint failed; the next start reads more of the log', { error: report.error.message });
    },
  });
  metrics.started((performance.now() - opening) / 1000, storage.loadedEvents);
  if (config.tickMs > 0) authority.start(config.tickMs);
  const retention =
    config.retentionDays > 0
      ? new RetentionJob({ authority, storage, metrics, log, retentionMs: config.retentionDays * DAY_MS, intervalMs: config.purgeIntervalMs })
      : null;
  retention?.start();
  const webhooks = startWebhooks(webhookConfig, config, storage, authority, log);

  const presence = config.store.startsWith('sqlite:') ? new LocalPresence() : new RedisPresence({ url: config.store, namespace: config.redisNamespace, ttlMs: config.presenceTtlMs });
  let draining = false;
  const admission = new Admission(config.admitPerSecond, config.admitBurst);
  const verifyParticipant = unlessBlocked(verify, serviceStore);
  const ctx: ConnectionContext = { authority, verify: verifyParticipant, config, metrics, log, presence, ...(people ? { people } : {}), perUser: new Map(), inflight: new Set(), draining: () => draining };

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
      authority,
      storage,
      verify: verifyParticipant,
      metrics,
      ...(webhooks ? { webhooks } : {}),
      serviceApi: createServiceApi({
        authority,
        storage,
        store: serviceStore,
        verify,
        rate: config.serviceRate,
        webhooks,
        log,
        now: Date.now,
        disconnect,
      }),
      ...(config.metricsToken !== undefined ? { metricsToken: config.metricsToken } : {}),
      presence,
      originAllowed,
      ready: () => !draining && storage.failure === null,
      ...(config.static !== undefined ? { staticDir: config.static } : {}),
      ...(config.teamRules ? { teamRules: config.teamRules } : {}),
      ...(devMode
        ? {
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

  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const refuse = (status: number, text: string) => {
      log.info('upgrade refused', { remote: req.socket.remoteAddress, status, reason: text, origin: req.headers.origin });
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
    };
    if (new URL(req.url ?? '/', 'http://relay').pathname !== '/ws') return refuse(404, 'Not Found');
    if (draining) return refuse(503, 'Service Unavailable');
    if (!originAllowed(req.headers.origin, req.headers.host)) return refuse(403, 'Forbidden');
    if (connections.size >= config.maxConnections) return refuse(503, 'Service Unavailable');
    const slot = admission.slot();
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
      const conn = new RelayConnection(ws, ctx, req.socket.remoteAddress ?? '?');
      connections.add(conn);
      metrics.connections = connections.size;
      ws.on('close', () => {
        connections.delete(conn);
        metrics.connections = connections.size;
      });
    });
  });

  const heartbeat = setInterval(() => {
    for (const conn of connections) {
      if (!conn.alive) {
        log.info('heartbeat missed', { remote: conn.remote, participant: conn.participant?.id ?? null });
        conn.terminate();
      }
      else conn.ping();
    }
  }, config.heartbeatMs);
  heartbeat.unref();

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  const stopLoopWatch = metrics.watchEventLoop();
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  if (devMode)
    log.warn('DEV MODE: generated JWT secret, dev-only token endpoint POST /dev/token enabled. Never use this in production.', { url });
  log.info('listening', { url, port, ws: `${url.replace('http', 'ws')}/ws`, store: config.store.replace(/\/\/[^@/]*@/, '//***@'), sync: config.sync, devMode, epoch: authority.epoch, pos: authority.pos, ...(storage.minReplicasAcked !== undefined ? { minReplicasAcked: storage.minReplicasAcked } : {}) });

  let closing: Promise<void> | null = null;
  const close = async () => {
    draining = true;
    log.info('shutting down', { connections: connections.size });
    server.close();
    server.closeIdleConnections();
    clearInterval(heartbeat);
    stopLoopWatch();
    await Promise.allSettled([...ctx.inflight]);
    await retention?.stop();
    await webhooks?.close();
    serviceStore.close();
    await authority.close();
    await presence.close();
    await people?.close();
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
    log.info('stopped');
  };

  return {
    port,
    url,
    devMode,
    authority,
    storage,
    close: () => (closing ??= close()),
    mustRestart,
  };
}
