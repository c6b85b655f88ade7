export { startRelay, type Relay } from './relay.js';
export { loadConfig, helpText, DEFAULTS, OPTIONS, ConfigError, type RelayConfig } from './config.js';
export { SqliteStorage, type SqliteStorageOptions, type SyncMode } from './sqlite-storage.js';
export { createVerifier, signToken, REMOTE_ALGORITHMS, type AuthConfig, type Verifier } from './auth.js';
export { DEFAULT_CLAIMS, mapClaims, type ClaimMapping } from './claims.js';
export { DEV_DIRECTORY, DEV_SECOND_TIER_TEAMS, devParticipant } from './dev-directory.js';
export { CLOSE } from './connection.js';
export { createLogger, type Logger, type LogLevel } from './log.js';
