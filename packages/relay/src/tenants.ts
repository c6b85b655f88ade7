/**
 * The tenants of one relay process, opened lazily: the first token of a tenant opens it (its
 * store, its Authority), and a tenant with no connection and no request for `--tenant-idle-ms`
 * is closed again (its state stays in the store). At most `--max-tenants` are open at once:
 * opening one more first closes the least recently used tenant that has no connection, and when
 * every open tenant has one the token is answered `unavailable` (the client retries).
 */
import type { ServerResponse } from 'node:http';
import { FlagError } from '@flagline/core';
import { DEFAULT_TENANT, type ServiceIdentity } from './claims.js';
import type { TenantAuthenticated } from './auth.js';
import { blockedError } from './service-routes.js';
import { openTenant, storeLost, type Tenant, type TenantEnv } from './tenant.js';

const RETRY_AFTER_MS = 2_000;

/** What a request served by a tenant is held by: the HTTP response, closed when it is done. */
type Closes = Pick<ServerResponse, 'once'>;

export class Tenants {
  readonly #env: TenantEnv;
  /** A single-tenant relay keeps its one tenant open from start to shutdown. */
  readonly #pinned: string | null;
  readonly #open = new Map<string, Promise<Tenant>>();
  /** The tenants of #open that finished opening (a victim is chosen among them without waiting). */
  readonly #ready = new Map<string, Tenant>();
  readonly #timer: ReturnType<typeof setInterval>;
  #closed = false;

  constructor(env: TenantEnv) {
    this.#env = env;
    this.#pinned = env.config.claimTenant ? null : DEFAULT_TENANT;
    const { tenantIdleMs } = env.config;
    this.#timer = setInterval(() => void this.#closeIdle(Date.now() - tenantIdleMs), Math.min(tenantIdleMs, 60_000));
    this.#timer.unref();
  }

  /** Tenants open now (or opening). */
  get size(): number {
    return this.#open.size;
  }

  /**
   * A participant's token: verified, its tenant opened, a participant the host blocked refused.
   * `request`: the HTTP response being served, during which the tenant stays open.
   */
  async authenticate(token: string | undefined, request?: Closes): Promise<{ auth: TenantAuthenticated; tenant: Tenant }> {
    const auth = await this.#env.verify(token);
    const tenant = this.#serving(await this.open(auth.tenant), request);
    const until = tenant.store.blockedUntil(auth.participant.id);
    if (until !== undefined && until > Date.now()) throw blockedError(until);
    return { auth, tenant };
  }

  /** A service token: verified, its tenant opened (and kept open while `request` is served). */
  async service(token: string | undefined, request?: Closes): Promise<{ service: ServiceIdentity; tenant: Tenant }> {
    const service = await this.#env.verify.service(token);
    return { service, tenant: this.#serving(await this.open(service.tenant), request) };
  }

  /** The tenant, opened if it is not (concurrent calls share one opening). */
  async open(id: string): Promise<Tenant> {
    if (this.#closed) throw new FlagError('unavailable', 'The relay is shutting down.', { retryAfterMs: RETRY_AFTER_MS });
    let opening = this.#open.get(id);
    if (!opening) {
      // Decided and reserved in this one turn: concurrent first tokens of new tenants each take a
      // slot or a victim of their own (they all used to evict the same one and all open).
      if (this.#open.size >= this.#env.config.maxTenants) {
        const victim = this.#victim();
        if (!victim) throw new FlagError('unavailable', `This relay serves ${this.#env.config.maxTenants} tenants at once, each with a connection; try again later.`, { retryAfterMs: RETRY_AFTER_MS });
        this.#forget(victim.id);
        opening = this.#closeTenant(victim, 'evicted').then(() => this.#opening(id));
      } else opening = this.#opening(id);
      this.#open.set(id, opening);
    }
    const tenant = await opening;
    tenant.lastUsed = Date.now();
    return tenant;
  }

  /** A single-tenant relay opens its tenant at start (its jobs and webhooks run from then on); a failure stops the start. */
  async start(): Promise<void> {
    if (this.#pinned === null) return;
    const opening = openTenant(this.#pinned, this.#env);
    this.#open.set(this.#pinned, opening);
    await opening;
  }

  /** Every tenant open now (metrics, readiness, shutdown). */
  async all(): Promise<Tenant[]> {
    const settled = await Promise.allSettled(this.#open.values());
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }

  /** Closes every tenant; each stays in #open until its close is done (see disconnect). */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await Promise.all(
      (await this.all()).map(async (t) => {
        await t.close();
        this.#forget(t.id);
      }),
    );
  }

  /**
   * Gives up on the stores of the tenants not closed yet (a stop that cannot wait any longer):
   * drops their connections, so what waits on them fails at once (a tenant still opening, once
   * open). Returns their ids.
   */
  disconnect(): string[] {
    // A tenant that failed to open holds no connection (its failure was logged by #opening).
    for (const opening of this.#open.values()) void opening.then((t) => t.disconnect(), () => undefined);
    return [...this.#open.keys()];
  }

  /** A tenant whose store answers nothing takes no new connection or request (they would wait, unanswered). */
  #serving(tenant: Tenant, request?: Closes): Tenant {
    if (tenant.unreachable) throw storeLost();
    if (request) {
      tenant.requests++;
      request.once('close', () => tenant.requests--);
    }
    return tenant;
  }

  async #opening(id: string): Promise<Tenant> {
    try {
      const tenant = await openTenant(id, this.#env);
      this.#ready.set(id, tenant);
      this.#env.log.info('tenant opened', { tenant: id, pos: tenant.authority.pos, open: this.#open.size });
      return tenant;
    } catch (err) {
      this.#open.delete(id);
      this.#env.log.error('tenant failed to open', { tenant: id, error: String(err) });
      throw err instanceof FlagError ? err : new FlagError('unavailable', 'This tenant cannot be opened right now; try again later.', { retryAfterMs: RETRY_AFTER_MS });
    }
  }

  /** The least recently used open tenant with no connection, if any. */
  #victim(): Tenant | undefined {
    let victim: Tenant | undefined;
    for (const t of this.#ready.values()) if (t.connections.size === 0 && t.requests === 0 && t.id !== this.#pinned && (!victim || t.lastUsed < victim.lastUsed)) victim = t;
    return victim;
  }

  #forget(id: string): void {
    this.#open.delete(id);
    this.#ready.delete(id);
  }

  async #closeIdle(before: number): Promise<void> {
    for (const t of [...this.#ready.values()]) {
      if (this.#closed || t.connections.size > 0 || t.requests > 0 || t.id === this.#pinned || t.lastUsed >= before || this.#ready.get(t.id) !== t) continue;
      this.#forget(t.id);
      await this.#closeTenant(t, 'idle');
    }
  }

  async #closeTenant(tenant: Tenant, why: string): Promise<void> {
    await tenant.close().catch((err: unknown) => this.#env.log.error('tenant failed to close', { tenant: tenant.id, why, error: String(err) }));
    this.#env.log.info('tenant closed', { tenant: tenant.id, why, open: this.#open.size });
  }
}
