import { FlagError } from './errors.js';

/**
 * Random RFC 4122 version-4 ids. `crypto.randomUUID` exists only in secure contexts (https,
 * localhost); agent desktops on a plain-http intranet page get the same ids from
 * `crypto.getRandomValues`, which every browser context has. Without Web Crypto at all (an old
 * embedded webview, Node before 19) there is no safe source of ids: a clear error says so.
 */
export function randomId(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (!c?.getRandomValues)
    throw new FlagError('invalid-input', 'No Web Crypto (globalThis.crypto) here to make command ids: pass `newId` to createFlagClient, or use a runtime with Web Crypto.');
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
