/**
 * Relay configuration: one table of options, read from (lowest to highest precedence) defaults,
 * a JSON file (--config / FLAGLINE_CONFIG), FLAGLINE_* environment variables and CLI flags.
 * `--help` is generated from the same table, so every option is documented where it is defined.
 */
import { readFileSync } from 'node:fs';
import { redisTarget } from './redis-connection.js';
import { checkKeyUrl } from './remote-keys.js';
import { loadTeamRules, type TeamRules } from './team-rules.js';
import { DEFAULT_CONFIG, resolveConfig, type FlagConfigInput, type TeamRouting } from '@flagline/core';
import { HISTORY_MARGIN_MS } from '@flagline/core/authority';

type Kind = 'string' | 'int' | 'bool' | 'list';

interface OptionSpec {
  key: keyof RelayConfig;
  kind: Kind;
  help: string;
}

export interface RelayConfig {
  host: string;
  port: number;
  store: string;
  redisNamespace: string;
  presenceTtlMs: number;
  presenceSettleMs: number;
  /** Default: every replica the Sentinels know with redis-sentinel://, else 0. */
  minReplicasAcked?: number;
  replicaAckTimeoutMs: number;
  storeTimeoutMs: number;
  sync: 'full' | 'normal';
  commitWindowMs: number;
  jwtSecret?: string;
  jwtSecretFile?: string;
  jwtPublicKey?: string;
  jwks?: string;
  jwksUrl?: string;
  oidcIssuer?: string;
  jwksRefreshMs: number;
  jwksCooldownMs: number;
  claimId: string;
  claimName: string[];
  claimRole: string;
  supervisorRoles: string[];
  agentRoles: string[];
  claimTeams: string;
  teamPrefix: string;
  claimTenant: string;
  maxTenants: number;
  tenantIdleMs: number;
  metricsToken?: string;
  metricsTokenFile?: string;
  jwtAlgorithms?: string[];
  jwtIssuer: string;
  jwtAudience: string;
  jwtMaxAge: string;
  origins: string[];
  maxConnections: number;
  maxConnectionsPerUser: number;
  ratePerConnection: number;
  ratePerUser: number;
  helloTimeoutMs: number;
  heartbeatMs: number;
  slowConsumerBytes: number;
  maxFrameBytes: number;
  maxPayloadBytes: number;
  reconnectHintMs: number;
  shutdownTimeoutMs: number;
  admitPerSecond: number;
  admitBurst: number;
  startHoldMs: number;
  tickMs: number;
  escalationAfterMs: number;
  secondTierTeams: string[];
  legacyChat: boolean;
  fallbackMode: boolean;
  messageLength: number;
  reasonLength: number;
  labelLength: number;
  recentMs: number;
  transferTimeoutMs: number;
  historyMarginMs: number;
  checkpointEvents: number;
  checkpointMs: number;
  retentionDays: number;
  purgeIntervalMs: number;
  static?: string;
  /** JSON file of conversation rules per team (`{ "billing": [ … ] }`), served at GET /api/rules/:team. */
  rules?: string;
  /** The rules file's content, validated at start. */
  teamRules?: TeamRules;
  /** JSON file of offer routing per team (`{ "billing": { "mode": "offer", "offerMs": 15000, "maxPerSupervisor": 2 } }`). */
  routing?: string;
  /** The routing file's content, validated at start (core's `resolveConfig`). */
  teamRouting?: Record<string, TeamRouting>;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  // Service API (host backends)
  serviceRoles: string[];
  claimScopes: string;
  requireAssignment: boolean;
  serviceRate: number;
  webhooks?: string;
  settingsSeed?: string;
}

export const DEFAULTS: RelayConfig = {
  host: '127.0.0.1',
  port: 8787,
  store: 'sqlite:flagline.db',
  redisNamespace: 'default',
  presenceTtlMs: 15_000,
  presenceSettleMs: 500,
  replicaAckTimeoutMs: 1_000,
  storeTimeoutMs: 3_000,
  sync: 'full',
  commitWindowMs: 0,
  jwksRefreshMs: 600_000,
  jwksCooldownMs: 30_000,
  claimId: 'sub',
  claimName: ['name'],
  claimRole: 'role',
  supervisorRoles: ['supervisor'],
  agentRoles: ['agent'],
  claimTeams: 'teams',
  teamPrefix: '',
  claimTenant: '',
  maxTenants: 1_000,
  tenantIdleMs: 900_000,
  jwtIssuer: 'flagline',
  jwtAudience: 'flagline',
  jwtMaxAge: '12h',
  origins: [],
  maxConnections: 10_000,
  maxConnectionsPerUser: 20,
  ratePerConnection: 20,
  ratePerUser: 50,
  helloTimeoutMs: 5_000,
  heartbeatMs: 30_000,
  slowConsumerBytes: 1024 * 1024,
  maxFrameBytes: 32 * 1024,
  maxPayloadBytes: 64 * 1024,
  reconnectHintMs: 1_000,
  shutdownTimeoutMs: 10_000,
  admitPerSecond: 2_000,
  admitBurst: 1_000,
  startHoldMs: 10_000,
  tickMs: 1_000,
  // The flag rules' defaults are core's (one place for each).
  escalationAfterMs: DEFAULT_CONFIG.escalation.afterMs,
  secondTierTeams: [],
  legacyChat: DEFAULT_CONFIG.legacyChatEnabled,
  fallbackMode: DEFAULT_CONFIG.fallbackMode,
  messageLength: DEFAULT_CONFIG.limits.messageLength,
  reasonLength: DEFAULT_CONFIG.limits.reasonLength,
  labelLength: DEFAULT_CONFIG.limits.labelLength,
  recentMs: DEFAULT_CONFIG.recentMs,
  transferTimeoutMs: DEFAULT_CONFIG.transferTimeoutMs,
  historyMarginMs: HISTORY_MARGIN_MS,
  checkpointEvents: 20_000,
  checkpointMs: 300_000,
  retentionDays: 0,
  purgeIntervalMs: 3_600_000,
  logLevel: 'warn',
  serviceRoles: ['service'],
  claimScopes: 'scope',
  requireAssignment: false,
  serviceRate: 20,
};

export const OPTIONS: readonly OptionSpec[] = [
  { key: 'host', kind: 'string', help: 'Interface to bind. Dev mode only allows loopback.' },
  { key: 'port', kind: 'int', help: 'Port for HTTP and WebSocket (/ws); 0 picks a free one (logged).' },
  { key: 'store', kind: 'string', help: "Where the log lives: 'sqlite:PATH' (embedded file, created on first start; one relay process) or 'redis://HOST:PORT[/DB]' (several relay processes share it; see the README's Scale-out) or 'redis-sentinel://HOST:PORT,HOST:PORT,…/MASTER-NAME[/DB]' (replicated Redis that fails over; see the README's Failover) or 'redis-cluster://HOST:PORT,HOST:PORT,…' (a Redis Cluster: tenants spread over its shards; see the README's Tenants)." },
  { key: 'redisNamespace', kind: 'string', help: 'Key prefix in Redis, so deployments can share one Redis.' },
  { key: 'presenceTtlMs', kind: 'int', help: 'Redis only: a dead process\'s supervisors drop out of presence after this long.' },
  { key: 'presenceSettleMs', kind: 'int', help: 'Participants learn of supervisors connecting and disconnecting at most this often per team (0: at once); a status a supervisor sets is told at once.' },
  { key: 'minReplicasAcked', kind: 'int', help: 'Redis only: a group of commands is acknowledged once this many replicas have it (WAIT); fewer within --replica-ack-timeout-ms answers unavailable (retried by clients). Default: with redis-sentinel://, every replica the Sentinels know at start; with redis-cluster://, 1; with redis://, 0.' },
  { key: 'replicaAckTimeoutMs', kind: 'int', help: 'Redis only: how long an append waits for --min-replicas-acked replicas.' },
  { key: 'storeTimeoutMs', kind: 'int', help: "Redis only: a tenant's Redis that answers nothing for this long (a network partition, a stalled primary) is lost: the relay closes that tenant's connections with 1013 and refuses new ones with unavailable, so clients go to another relay, until Redis answers again." },
  { key: 'sync', kind: 'string', help: "SQLite only. 'full': fsync every group commit (survives power loss); 'normal': survives a killed process only." },
  { key: 'commitWindowMs', kind: 'int', help: 'SQLite only. A group commit waits this many ms for more commands to share its fsync: fewer fsyncs at low rates, each answer up to this much later. 0: the commands of one event-loop turn.' },
  { key: 'jwtSecret', kind: 'string', help: 'HS256 secret (>= 32 chars). Prefer --jwt-secret-file or the env var over the flag.' },
  { key: 'jwtSecretFile', kind: 'string', help: 'File holding the HS256 secret.' },
  { key: 'jwtPublicKey', kind: 'string', help: 'PEM public key file (SPKI) for ES256 or EdDSA tokens; set --jwt-algorithms to one of them.' },
  { key: 'jwks', kind: 'string', help: 'JWKS JSON file of public keys (matched by kid).' },
  { key: 'jwksUrl', kind: 'string', help: "Identity provider's JWKS URL (https; http on loopback only): keys cached, refetched in the background and for an unknown kid." },
  { key: 'oidcIssuer', kind: 'string', help: 'OpenID Connect issuer URL: discovery finds its JWKS; tokens must carry exactly this iss (overrides --jwt-issuer).' },
  { key: 'jwksRefreshMs', kind: 'int', help: 'JWKS URL / OIDC: background refetch period; a failed refetch keeps the known keys.' },
  { key: 'jwksCooldownMs', kind: 'int', help: 'JWKS URL / OIDC: least time between refetches caused by tokens with an unknown kid.' },
  { key: 'claimId', kind: 'string', help: "Claim holding the participant id (e.g. sub, oid, email); dotted paths reach nested claims." },
  { key: 'claimName', kind: 'list', help: 'Claims tried in order for the display name (e.g. name,preferred_username).' },
  { key: 'claimRole', kind: 'string', help: 'Claim holding the role: a string or a list (e.g. role, roles, groups, realm_access.roles).' },
  { key: 'supervisorRoles', kind: 'list', help: 'Values of the role claim that make a supervisor (any one is enough).' },
  { key: 'agentRoles', kind: 'list', help: 'Values of the role claim that make an agent (when no supervisor value is present).' },
  { key: 'claimTeams', kind: 'string', help: 'Claim holding the teams: a list of strings (e.g. teams, groups).' },
  { key: 'teamPrefix', kind: 'string', help: "Only team-claim values starting with this count, prefix removed (e.g. 'flagline-team-' or '/flagline/')." },
  { key: 'claimTenant', kind: 'string', help: "Claim naming the tenant (contact center) a token belongs to, e.g. tenant or org_id: one relay deployment then serves many tenants, each with its own log, teams, presence, transcripts, service API and webhooks (see the README's Tenants). Unset: one tenant, 'default'." },
  { key: 'maxTenants', kind: 'int', help: 'Tenants open at once in this process; a token of one more tenant is answered unavailable (retryable) until one closes.' },
  { key: 'tenantIdleMs', kind: 'int', help: 'A tenant with no connection and no request for this long is closed (its state stays in the store; the next token of that tenant opens it again).' },
  { key: 'metricsToken', kind: 'string', help: 'Bearer token GET /metrics requires. Without it /metrics is open (a warning is logged when the relay binds beyond loopback).' },
  { key: 'metricsTokenFile', kind: 'string', help: 'File holding the metrics bearer token.' },
  { key: 'jwtAlgorithms', kind: 'list', help: 'Accepted JWT algorithms (default HS256 with a secret, the asymmetric ones with a JWKS URL or OIDC issuer, else ES256).' },
  { key: 'jwtIssuer', kind: 'string', help: 'Required iss claim.' },
  { key: 'jwtAudience', kind: 'string', help: 'Required aud claim.' },
  { key: 'jwtMaxAge', kind: 'string', help: "Oldest accepted token by iat, e.g. '12h', '30m'." },
  { key: 'origins', kind: 'list', help: "Allowed browser Origins (comma list, '*' for any). Default: same host as the request; dev mode: any localhost." },
  { key: 'maxConnections', kind: 'int', help: 'Open WebSocket connections in total; more are refused with HTTP 503.' },
  { key: 'maxConnectionsPerUser', kind: 'int', help: 'Open connections per participant; more are refused (close 4429).' },
  { key: 'ratePerConnection', kind: 'int', help: 'Frames per second per connection (burst: twice that); excess gets rate-limited errors.' },
  { key: 'ratePerUser', kind: 'int', help: 'Frames per second per participant across connections (burst: twice that).' },
  { key: 'helloTimeoutMs', kind: 'int', help: 'Close a connection that has not authenticated within this time (close 4408).' },
  { key: 'heartbeatMs', kind: 'int', help: 'Ping interval; a connection that missed a pong is terminated.' },
  { key: 'slowConsumerBytes', kind: 'int', help: 'Unsent bytes after which a connection is closed as a slow consumer (close 1013).' },
  { key: 'maxFrameBytes', kind: 'int', help: 'Largest client frame processed; larger (up to maxPayloadBytes) gets an invalid-frame error.' },
  { key: 'maxPayloadBytes', kind: 'int', help: 'Largest WebSocket message read at all; larger closes the connection (1009).' },
  { key: 'reconnectHintMs', kind: 'int', help: 'reconnectInMs sent in bye frames on shutdown.' },
  { key: 'shutdownTimeoutMs', kind: 'int', help: "On SIGTERM/SIGINT: how long the relay waits for its store to take what is in flight, the checkpoint and presence; past it (a store cut off) it stops without them, logs what was not flushed and exits 69." },
  { key: 'admitPerSecond', kind: 'int', help: 'New connections admitted per second beyond --admit-burst; the excess gets a bye frame naming its own later slot (a reconnect herd is spread, not refused). 0 = unlimited.' },
  { key: 'admitBurst', kind: 'int', help: 'New connections admitted at once before --admit-per-second spreads them.' },
  { key: 'startHoldMs', kind: 'int', help: 'The relay listens at once and loads its state; a WebSocket upgrade arriving meanwhile waits up to this long (then HTTP 503, Retry-After: 1), all being let in together when the state is loaded. 0 = refuse them (503) until ready.' },
  { key: 'tickMs', kind: 'int', help: 'Escalation timer period.' },
  { key: 'escalationAfterMs', kind: 'int', help: 'An unacknowledged flag escalates after this long (and again after as long).' },
  { key: 'secondTierTeams', kind: 'list', help: 'Teams whose supervisors see flags at escalation level 1.' },
  { key: 'legacyChat', kind: 'bool', help: 'Allow flags on legacy-chat interactions.' },
  { key: 'fallbackMode', kind: 'bool', help: 'Fallback mode: flags are unavailable and every command is refused with fallback-mode.' },
  { key: 'messageLength', kind: 'int', help: 'Longest flag or chat message, in characters.' },
  { key: 'reasonLength', kind: 'int', help: 'Longest reason (raise, lower, decline), in characters.' },
  { key: 'labelLength', kind: 'int', help: 'Longest customer label, in characters.' },
  { key: 'recentMs', kind: 'int', help: 'Lowered flags stay in snapshots (and in clients) this long.' },
  { key: 'transferTimeoutMs', kind: 'int', help: 'A hand-off to a supervisor not accepted within this long returns the flag to its team queue.' },
  { key: 'historyMarginMs', kind: 'int', help: "A lowered flag's history stays in the relay's memory recent-ms plus this long; after that it is read from the store when named." },
  { key: 'checkpointEvents', kind: 'int', help: 'Write a checkpoint of the state after this many events (a start reads the latest checkpoint and the events after it).' },
  { key: 'checkpointMs', kind: 'int', help: 'Write a checkpoint after this long if anything happened, whichever of the two comes first.' },
  { key: 'retentionDays', kind: 'int', help: 'Delete the events (transcripts) of flags lowered more than this many days ago; 0 keeps them forever.' },
  { key: 'purgeIntervalMs', kind: 'int', help: 'How often the retention purge runs (also once at start).' },
  { key: 'static', kind: 'string', help: 'Serve this directory over HTTP (e.g. the built demo).' },
  { key: 'rules', kind: 'string', help: 'JSON file of conversation rules per team ({"billing": [rules]}, the schema of @flagline/core/automation), validated at start and served to each team\'s members at GET /api/rules/:team.' },
  { key: 'routing', kind: 'string', help: 'JSON file of offer routing per team ({"billing": {"mode": "offer", "offerMs": 15000, "maxPerSupervisor": 2, "skills": {"sam": ["refund"]}}}): a new flag is offered to one available supervisor at a time, then to the whole team. Other teams broadcast. Validated at start.' },
  { key: 'logLevel', kind: 'string', help: 'error | warn | info | debug (JSON lines on stderr).' },
  // Service API (host backends)
  { key: 'serviceRoles', kind: 'list', help: 'Values of the role claim that make a service token (service API only; never accepted on the WebSocket).' },
  { key: 'claimScopes', kind: 'string', help: "Claim holding a service token's scopes: a space-separated string (OAuth 'scope') or a list (e.g. scp)." },
  { key: 'requireAssignment', kind: 'bool', help: 'Agents may raise flags only on interactions the host assigned to them (service API).' },
  { key: 'serviceRate', kind: 'int', help: 'Service API calls per second per service (burst: twice that); 0 = unlimited.' },
  { key: 'webhooks', kind: 'string', help: 'JSON file of webhook endpoints (url, secret, event types, teams) and retry settings. See the Server-side integration guide.' },
  { key: 'settingsSeed', kind: 'string', help: 'JSON file of team settings ({"billing": {"quickReasons": [...], "cannedReplies": [...]}}) written at start where a team has none yet.' },
];

const flagName = (key: string) => '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
const envName = (key: string) => 'FLAGLINE_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();

export class ConfigError extends Error {}

/** Core's FlagConfig from the relay's options: every rule setting passes through. */
export function flagConfigOf(config: RelayConfig, secondTierTeams: string[]): FlagConfigInput {
  return {
    legacyChatEnabled: config.legacyChat,
    fallbackMode: config.fallbackMode,
    requireAssignment: config.requireAssignment,
    recentMs: config.recentMs,
    transferTimeoutMs: config.transferTimeoutMs,
    escalation: { afterMs: config.escalationAfterMs, secondTierTeams },
    limits: { messageLength: config.messageLength, reasonLength: config.reasonLength, labelLength: config.labelLength },
    ...(config.teamRouting ? { routing: config.teamRouting } : {}),
  };
}

function parseValue(spec: OptionSpec, raw: unknown, where: string): unknown {
  if (spec.kind === 'bool') {
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === '1' || raw === '') return true;
    if (raw === 'false' || raw === '0') return false;
  } else if (spec.kind === 'int') {
    const n = typeof raw === 'number' ? raw : Number(raw);
    if (Number.isInteger(n) && n >= 0) return n;
  } else if (spec.kind === 'list') {
    if (Array.isArray(raw) && raw.every((x) => typeof x === 'string')) return raw;
    if (typeof raw === 'string') return raw.split(',').map((s) => s.trim()).filter(Boolean);
  } else if (typeof raw === 'string') return raw;
  throw new ConfigError(`${where}: expected ${spec.kind === 'int' ? 'a non-negative integer' : `a ${spec.kind}`}, got ${JSON.stringify(raw)}.`);
}

export interface ParsedArgs {
  config: RelayConfig;
  help: boolean;
}

export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedArgs {
  const byFlag = new Map(OPTIONS.map((o) => [flagName(o.key), o]));
  const fromFlags: Partial<Record<keyof RelayConfig, unknown>> = {};
  let file = env.FLAGLINE_CONFIG;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (name === '--config') {
      file = inline ?? argv[++i];
      continue;
    }
    const spec = byFlag.get(name);
    if (!spec) throw new ConfigError(`Unknown option ${name}. See --help.`);
    let value = inline;
    if (value === undefined && spec.kind === 'bool' && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--'))) value = 'true';
    value ??= argv[++i];
    if (value === undefined) throw new ConfigError(`${name} needs a value.`);
    fromFlags[spec.key] = parseValue(spec, value, name);
  }
  const merged: Record<string, unknown> = { ...DEFAULTS };
  if (file) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`Cannot read config file ${file}: ${(err as Error).message}`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigError(`${file}: expected a JSON object.`);
    for (const [k, v] of Object.entries(json)) {
      const spec = OPTIONS.find((o) => o.key === k);
      if (!spec) throw new ConfigError(`${file}: unknown option "${k}".`);
      merged[k] = parseValue(spec, v, `${file}: ${k}`);
    }
  }
  for (const spec of OPTIONS) {
    const raw = env[envName(spec.key)];
    if (raw !== undefined) merged[spec.key] = parseValue(spec, raw, envName(spec.key));
  }
  Object.assign(merged, fromFlags);
  const config = merged as unknown as RelayConfig;
  if (config.sync !== 'full' && config.sync !== 'normal') throw new ConfigError(`sync must be 'full' or 'normal'.`);
  if (config.commitWindowMs < 0 || config.commitWindowMs > 100) throw new ConfigError('commit-window-ms must be between 0 and 100.');
  if (!config.store.startsWith('sqlite:') || config.store === 'sqlite:') {
    try {
      redisTarget(config.store);
    } catch (err) {
      throw new ConfigError(`store must be sqlite:PATH, redis://HOST:PORT, redis-sentinel://HOST:PORT,…/MASTER-NAME or redis-cluster://HOST:PORT,…: ${(err as Error).message}.`);
    }
  }
  if (!['error', 'warn', 'info', 'debug'].includes(config.logLevel)) throw new ConfigError('log-level must be error, warn, info or debug.');
  if (config.maxFrameBytes > config.maxPayloadBytes) throw new ConfigError('max-frame-bytes cannot exceed max-payload-bytes.');
  if (config.storeTimeoutMs < 1 || config.shutdownTimeoutMs < 1) throw new ConfigError('store-timeout-ms and shutdown-timeout-ms must be at least 1.');
  if (config.maxTenants < 1 || config.tenantIdleMs < 1) throw new ConfigError('max-tenants and tenant-idle-ms must be at least 1.');
  if (config.checkpointEvents < 1 || config.checkpointMs < 1) throw new ConfigError('checkpoint-events and checkpoint-ms must be at least 1.');
  // 0 would ping and cut off every connection in a loop (heartbeat.ts slices the period 10 ms apart at the least).
  if (config.heartbeatMs < 10) throw new ConfigError('heartbeat-ms must be at least 10.');
  if (config.retentionDays > 0 && config.purgeIntervalMs < 1) throw new ConfigError('purge-interval-ms must be at least 1.');
  if (config.jwtSecretFile) config.jwtSecret = readFileSync(config.jwtSecretFile, 'utf8').trim();
  if (config.metricsTokenFile) config.metricsToken = readFileSync(config.metricsTokenFile, 'utf8').trim();
  if (config.metricsToken !== undefined && config.metricsToken.length < 16) throw new ConfigError('The metrics token must be at least 16 characters.');
  if (config.rules !== undefined) {
    try {
      config.teamRules = loadTeamRules(config.rules);
    } catch (err) {
      throw new ConfigError(`--rules: ${(err as Error).message}`);
    }
  }
  if (config.routing !== undefined) config.teamRouting = loadRouting(config.routing);
  try {
    if (config.jwksUrl !== undefined) checkKeyUrl(config.jwksUrl, '--jwks-url');
    if (config.oidcIssuer !== undefined) checkKeyUrl(config.oidcIssuer, '--oidc-issuer');
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  return { config, help };
}

/** The routing file: a JSON object from team id to core's TeamRouting, checked by core's own rules. */
function loadRouting(file: string): Record<string, TeamRouting> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`--routing: cannot read ${file}: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigError(`--routing: ${file}: expected a JSON object from team id to its routing.`);
  try {
    return resolveConfig({ routing: json as Record<string, TeamRouting> }).routing;
  } catch (err) {
    throw new ConfigError(`--routing: ${file}: ${(err as Error).message}`);
  }
}

export function helpText(): string {
  const lines = [
    'flagline-relay: the Flagline reference relay (WebSocket + HTTP, SQLite storage, JWT auth).',
    '',
    'Usage: flagline-relay [options]',
    '',
    'Options (flag / environment variable / config-file key; flags win over env, env over file):',
    `  --config FILE  (FLAGLINE_CONFIG)  JSON file whose keys are the option names below.`,
    '  --help         Show this text.',
  ];
  for (const o of OPTIONS) {
    const def = DEFAULTS[o.key];
    const shown = def === undefined || (Array.isArray(def) && def.length === 0) ? '' : ` [default: ${Array.isArray(def) ? def.join(',') : def}]`;
    lines.push(`  ${flagName(o.key)}  (${envName(o.key)}, "${o.key}")`, `      ${o.help}${shown}`);
  }
  lines.push(
    '',
    'With no JWT key configured the relay runs in DEV MODE: a generated secret, loopback only, and a',
    'dev-only POST /dev/token endpoint for sample users. Dev mode refuses to start when NODE_ENV=production.',
  );
  return lines.join('\n');
}
