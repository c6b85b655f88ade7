/**
 * One tenant (contact center) of a relay: its own Authority on its own log — a SQLite file or a
 * Redis namespace with its own hash tag — with its own service store, presence, retention job,
 * webhooks, service API and connections. Nothing here is shared with another tenant, so a token
 * of tenant A reaches only tenant A's objects: isolation is structural, not a check per call.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { FlagError } from '@flagline/core';
import { Authority, type TokenBucket } from '@flagline/core/authority';
import type { Verifier } from './auth.js';
import { DEFAULT_TENANT } from './claims.js';
import { ConfigError, flagConfigOf, type RelayConfig } from './config.js';
import type { RelayConnection } from './connection.js';
import { DEV_SECOND_TIER_TEAMS } from './dev-directory.js';
import { withFields, type Logger } from './log.js';
import type { Metrics } from './metrics.js';
import { RedisKnownPeople } from './known-people.js';
import { LocalPresence, RedisPresence, type Presence } from './presence.js';
import { DAY_MS, RetentionJob } from './retention.js';
import { createServiceApi, type ServiceApi } from './service-api.js';
import { blockedError } from './service-routes.js';
import { ServiceStore, type ServiceState } from './service-store.js';
import { RedisServiceStore } from './service-store-redis.js';
import { SqliteStorage } from './sqlite-storage.js';
import { StoreWatch } from './store-watch.js';
import { openStore, type RelayStore } from './store.js';
import { loadWebhookConfig, type WebhookConfig } from './webhook-config.js';
import { WebhookDelivery, type Outbox } from './webhook-delivery.js';
import { RedisOutbox } from './webhook-outbox-redis.js';
import { SqliteOutbox } from './webhook-outbox-sqlite.js';
import { applySettingsSeed, type SeedEntry } from './settings-seed.js';

/** Connections and requests of a tenant whose store answers nothing: retry, through the balancer, elsewhere. */
export const storeLost = () => new FlagError('unavailable', 'This relay cannot reach its store right now; reconnect (to another relay).', { retryAfterMs: 1_000 });

/** What every tenant of one relay process shares: configuration, logs, metrics, token keys. */
export interface TenantEnv {
  config: RelayConfig;
  devMode: boolean;
  log: Logger;
  metrics: Metrics;
  verify: Verifier;
  /** Team settings written, in each tenant, where a team has none (--settings-seed). */
  settingsSeed: readonly SeedEntry[];
  /** The tenant's store diverged from a replicated Redis: the process must restart. */
  onDiverged(reason: string): void;
}

export interface Tenant {
  readonly id: string;
  readonly authority: Authority;
  readonly storage: RelayStore;
  readonly store: ServiceState;
  readonly presence: Presence;
  /** With several processes on Redis: who connected to any of them, for hand-offs and check-ins naming them. */
  readonly people: RedisKnownPeople | null;
  readonly serviceApi: ServiceApi;
  readonly webhooks: WebhookDelivery | null;
  /** This tenant's open connections (the service API's disconnect, the idle close). */
  readonly connections: Set<RelayConnection>;
  /** Per participant: open connections and their shared rate bucket, kept after the last close until it would be full again. */
  readonly perUser: Map<string, { connections: number; bucket: TokenBucket; forget?: ReturnType<typeof setTimeout> }>;
  /** When a connection or a request last used it (ms since the epoch). */
  lastUsed: number;
  /** HTTP requests it is serving now: a tenant busy with one is not closed (idle or evicted) under it. */
  requests: number;
  /** Its store has answered nothing for --store-timeout-ms (store-watch.ts). */
  readonly unreachable: boolean;
  /** Why it cannot serve now (its store failed, or is unreachable), or null. */
  readonly failure: Error | null;
  close(): Promise<void>;
  /** Gives up on the store (a stop that cannot wait any longer): drops its connections, so what waits on them fails at once. */
  disconnect(): void;
}

/**
 * Where a tenant's data lives: the default tenant in `--store` itself (a single-tenant relay's
 * data stays where it was); tenant `acme` in `flagline.acme.db` next to the SQLite file, or in
 * Redis namespace `NS/acme` — hash tag `{flagline:NS/acme}`, so a Redis Cluster spreads tenants
 * over its shards while each tenant's keys share one slot.
 */
export function tenantConfig(config: RelayConfig, tenant: string): RelayConfig {
  // Webhooks: `{tenant}` in the path names each tenant's file; a tenant without one has none.
  const { webhooks: shared, ...rest } = config;
  const webhooks = shared?.replaceAll('{tenant}', tenant);
  const own = { ...rest, ...(webhooks !== undefined && (webhooks === shared || existsSync(webhooks)) ? { webhooks } : {}) };
  if (tenant === DEFAULT_TENANT) return own;
  if (!config.store.startsWith('sqlite:')) return { ...own, redisNamespace: `${config.redisNamespace}/${tenant}` };
  const file = config.store.slice('sqlite:'.length);
  const ext = extname(file);
  return { ...own, store: `sqlite:${join(dirname(file), `${basename(file, ext)}.${tenant}${ext}`)}` };
}

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

/** Opens a tenant: its store, its Authority (reading its checkpoint and log), its jobs. */
export async function openTenant(id: string, env: TenantEnv): Promise<Tenant> {
  const config = tenantConfig(env.config, id);
  const log = id === DEFAULT_TENANT ? env.log : withFields(env.log, { tenant: id });
  const { metrics } = env;
  let webhookConfig: WebhookConfig | null = null;
  try {
    if (config.webhooks !== undefined) webhookConfig = loadWebhookConfig(config.webhooks);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const storage = openStore(config, log, env.onDiverged);
  const connections = new Set<RelayConnection>();
  const disconnect = (participantId: string, error: FlagError): number => {
    const theirs = [...connections].filter((c) => c.participant?.id === participantId);
    for (const c of theirs) c.end(error);
    if (theirs.length) log.info('participant disconnected by the host', { participant: participantId, connections: theirs.length });
    return theirs.length;
  };
  // The service API's audit log, assignments and blocked participants: in the SQLite file, or on Redis.
  const store: ServiceState =
    storage instanceof SqliteStorage
      ? new ServiceStore(storage.database)
      : await RedisServiceStore.open({ url: config.store, namespace: config.redisNamespace, log, onBlock: (who, until) => disconnect(who, blockedError(until)) });
  // Who connected to any process of this tenant's Redis namespace; one SQLite process knows everyone itself.
  const people = storage instanceof SqliteStorage ? null : new RedisKnownPeople({ url: config.store, namespace: config.redisNamespace, log });
  const opening = performance.now();
  const authority = await Authority.open({
    storage,
    assignments: store,
    ...(people ? { directory: people } : {}),
    config: flagConfigOf(config, config.secondTierTeams.length || !env.devMode ? config.secondTierTeams : [...DEV_SECOND_TIER_TEAMS]),
    onError: (error, source) => {
      log.error('background task failed', { source, code: error.code, error: error.message });
      metrics.backgroundFailure(source);
    },
    historyRetentionMs: config.recentMs + config.historyMarginMs,
    presenceSettleMs: config.presenceSettleMs,
    checkpointEvery: { events: config.checkpointEvents, ms: config.checkpointMs },
    onCheckpoint: (report) => {
      metrics.checkpoint(report);
      if ('error' in report) log.error('checkpoint failed; the next start reads more of the log', { error: report.error.message });
    },
  });
  metrics.started((performance.now() - opening) / 1000, storage.loadedEvents);
  authority.observe((event, flag) => metrics.flagEvent(event, flag));
  if (env.settingsSeed.length && authority.settings) log.info('settings seeded', await applySettingsSeed(authority.settings, env.settingsSeed));
  if (config.tickMs > 0) authority.start(config.tickMs);
  const retention =
    config.retentionDays > 0 ? new RetentionJob({ authority, storage, metrics, log, retentionMs: config.retentionDays * DAY_MS, intervalMs: config.purgeIntervalMs }) : null;
  retention?.start();
  const webhooks = startWebhooks(webhookConfig, config, storage, authority, log);
  const presence: Presence = config.store.startsWith('sqlite:') ? new LocalPresence() : new RedisPresence({ url: config.store, namespace: config.redisNamespace, ttlMs: config.presenceTtlMs });
  // A service token reaches its own tenant's API only (the dispatcher picked this tenant by it).
  const service: Verifier['service'] = async (token) => {
    const identity = await env.verify.service(token);
    if (identity.tenant !== id) throw new FlagError('not-allowed', 'This token is for another tenant.');
    return identity;
  };
  const participant = async (token: string | undefined) => {
    const auth = await env.verify(token);
    if (auth.tenant !== id) throw new FlagError('not-allowed', 'This token is for another tenant.');
    return auth;
  };
  const serviceApi = createServiceApi({
    authority,
    storage,
    store,
    verify: Object.assign(participant, { service, close: () => {} }),
    rate: config.serviceRate,
    webhooks,
    log,
    now: Date.now,
    disconnect,
  });
  const watch = storage.probe
    ? new StoreWatch(() => storage.probe!(), config.storeTimeoutMs, {
        lost: () => {
          log.error('the store answers nothing; closing connections so clients go to another relay', { timeoutMs: config.storeTimeoutMs, connections: connections.size });
          for (const c of connections) c.retryElsewhere(storeLost());
        },
        back: () => log.warn('the store answers again'),
      })
    : null;
  const lost = new Error(`No answer from the store for ${config.storeTimeoutMs} ms.`);
  return {
    id,
    authority,
    storage,
    store,
    presence,
    people,
    serviceApi,
    webhooks,
    connections,
    perUser: new Map(),
    lastUsed: Date.now(),
    requests: 0,
    get unreachable() {
      return watch?.lost ?? false;
    },
    get failure() {
      return storage.failure ?? (watch?.lost ? lost : null);
    },
    close: async () => {
      watch?.stop();
      await retention?.stop();
      await webhooks?.close();
      store.close();
      await authority.close();
      await presence.close();
      await people?.close();
    },
    disconnect: () => {
      watch?.stop();
      storage.disconnect?.();
      store.close();
      presence.disconnect?.();
      people?.disconnect();
      webhooks?.disconnect();
    },
  };
}
