export { startRelay, type Relay } from './relay.js';
export { loadConfig, helpText, DEFAULTS, OPTIONS, ConfigError, type RelayConfig } from './config.js';
export { SqliteStorage, type SqliteStorageOptions, type SyncMode } from './sqlite-storage.js';
export { createVerifier, signToken, type AuthConfig, type Verified, type Verifier } from './auth.js';
export { DEV_DIRECTORY, DEV_SECOND_TIER_TEAMS, devParticipant } from './dev-directory.js';
export { CLOSE } from './connection.js';
export { createLogger, type Logger, type LogLevel } from './log.js';
