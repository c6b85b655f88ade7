export { Authority, type AuthorityOptions } from './authority.js';
export { AuthoritySession, MAX_HELD, type Authenticated, type SessionOptions, type SessionPhase } from './session.js';
export {
  MemoryStorage,
  type AuthorityStorage,
  type CommitBatch,
  type CommitResult,
  type SharedLog,
  type StoredOutcome,
} from './storage.js';
export { SharedMemoryLog } from './shared-memory-log.js';
export { randomId } from '../random-id.js';
