export { Authority, CHECKPOINT_EVERY_EVENTS, CHECKPOINT_EVERY_MS, HISTORY_MARGIN_MS, type AuthorityOptions, type CheckpointReport } from './authority.js';
export { AuthoritySession, MAX_HELD, type Authenticated, type AuthorityChoice, type SessionOptions, type SessionPhase } from './session.js';
export {
  MemoryStorage,
  type AuthorityStorage,
  type Checkpoint,
  type Loaded,
  type LoweredRef,
  type CommitBatch,
  type CommitResult,
  type SharedLog,
  type StoredOutcome,
} from './storage.js';
export { SharedMemoryLog } from './shared-memory-log.js';
export { TokenBucket } from './token-bucket.js';
export { randomId } from '../random-id.js';
export { SettingsHub, type SettingsListener } from '../settings/hub.js';
export { MemorySettings, type SettingsStorage, type SettingWrite, type StoredSetting } from '../settings/storage.js';
