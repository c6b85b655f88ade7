export { Authority, type AuthorityOptions } from './authority.js';
export { AuthoritySession, type SessionOptions } from './session.js';
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
