/**
 * The protocol's frames as a client reads and writes them, with nothing of the schema library: a
 * frame's text parsed, its version and length checked, a server frame checked by shape (see
 * shape.ts). protocol.ts holds the schemas and the full check a source of truth applies.
 */
import { FlagError } from '../errors.js';
import type { ClientFrame, ServerFrame } from '../protocol.js';
import { mismatch } from './shape.js';
import { SERVER_FRAME } from './server-frame.shape.js';

export const PROTOCOL_VERSION = 1;
/** What an id may be: 1 to 128 letters, digits and _ . : @ - (the protocol's Id schema). */
export const ID_PATTERN = /^[\w.:@-]{1,128}$/;
/** Largest frame accepted, in UTF-16 code units of its JSON text (the relay also caps bytes). */
export const MAX_FRAME_LENGTH = 64 * 1024;
/**
 * Largest frame a client accepts from its source of truth. Far above MAX_FRAME_LENGTH because a
 * snapshot or history frame carries every event a supervisor may see (10,000 open flags ≈ 3 MB).
 */
export const MAX_SERVER_FRAME_LENGTH = 64 * 1024 * 1024;

/**
 * A foreign version as shown in an error: a primitive as (at most 40 characters of) JSON, a
 * structure by its kind only — stringifying a hostile one could overflow the stack or echo 64 KB.
 */
function shownVersion(version: unknown): string {
  if (typeof version === 'object' && version !== null) return Array.isArray(version) ? 'an array' : 'an object';
  return JSON.stringify(version).slice(0, 40);
}

/** A frame's JSON text parsed: the length and protocol version checked, not yet its fields. */
export function parseFrame(raw: unknown, maxLength: number): unknown {
  if (typeof raw !== 'string') throw new FlagError('invalid-frame', 'A frame must be JSON text.');
  if (raw.length > maxLength)
    throw new FlagError('invalid-frame', `Frame of ${raw.length} characters exceeds the ${maxLength} limit.`);
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new FlagError('invalid-frame', 'Frame is not valid JSON.');
  }
  if (typeof data === 'object' && data !== null && 'v' in data && data.v !== PROTOCOL_VERSION)
    throw new FlagError('invalid-frame', `Unsupported protocol version ${shownVersion(data.v)}; this side speaks ${PROTOCOL_VERSION}.`);
  return data;
}

export const invalidFrame = (path: readonly (string | number)[], message: string) =>
  new FlagError('invalid-frame', `Invalid frame${path.length ? ` at ${path.join('.')}` : ''}: ${message}`);

/**
 * What a client accepts from the source of truth it authenticated: the shape of every field it
 * reads (types, keys, enumerations; see wire/shape.ts). Lengths and formats are the source of
 * truth's to enforce on what it accepts, so the client carries no schema library for them.
 */
export function decodeServerFrame(raw: unknown): ServerFrame {
  const data = parseFrame(raw, MAX_SERVER_FRAME_LENGTH);
  const bad = mismatch(SERVER_FRAME, data);
  if (bad) throw invalidFrame(bad[0], bad[1]);
  return data as ServerFrame;
}

/** Distributes over the frame union so object literals keep their discriminant. */
type WithoutV<T> = T extends unknown ? Omit<T, 'v'> : never;
/** A server frame as code builds it, before `encodeFrame` adds the version. */
export type OutgoingServerFrame = WithoutV<ServerFrame>;

export function encodeFrame(frame: WithoutV<ClientFrame> | OutgoingServerFrame): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, ...frame });
}

/** The id of a request or command in a frame that failed validation, so its sender is answered. */
export function requestIdOf(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > MAX_FRAME_LENGTH) return undefined;
  try {
    const data: unknown = JSON.parse(raw);
    if (typeof data !== 'object' || data === null) return undefined;
    const id = (data as { id?: unknown; rid?: unknown }).id ?? (data as { rid?: unknown }).rid;
    return typeof id === 'string' && ID_PATTERN.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
