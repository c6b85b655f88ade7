export { Authority, type AuthorityOptions } from './authority.js';
export { AuthoritySession, type SessionOptions } from './session.js';
export { MemoryStorage, type AuthorityStorage, type CommitBatch, type StoredOutcome } from './storage.js';
