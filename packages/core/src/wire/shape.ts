/**
 * The shape of a JSON value: what a client checks of the frames its authenticated source of
 * truth sends, so that nothing it reads can crash it or show garbage. Types, required and unknown
 * keys, literals and enumerations — not lengths, id formats or integer-ness, which the source of
 * truth enforces on what it accepts. Shapes are generated from the valibot schemas
 * (`shapeOf`, `npm run generate:shapes`), so they cannot drift from the protocol, and the client
 * carries this small checker instead of valibot.
 */
export type Shape =
  | 's' // string
  | 'n' // number
  | 'b' // boolean
  | 'u' // any JSON value nested at most MAX_UNKNOWN_DEPTH levels (deeper would overflow whoever stringifies it)
  | readonly ['l', string | number | boolean] // literal
  | readonly ['p', readonly (string | number)[]] // one of
  | readonly ['o', { readonly [key: string]: Shape }] // object with exactly these keys (optional ones may be absent)
  | readonly ['?', Shape] // optional: absent or the shape (object entries only)
  | readonly ['0', Shape] // null or the shape
  | readonly ['a', Shape] // array of
  | readonly ['r', Shape] // object used as a record of
  | readonly ['v', string, readonly Shape[]] // objects told apart by one key's literal or enumeration
  | readonly ['|', readonly Shape[]]; // the first shape that fits

const TYPES = { s: 'string', n: 'number', b: 'boolean' } as const;

/** How deep a value of unknown shape may nest (the protocol's error details: 8). */
export const MAX_UNKNOWN_DEPTH = 8;
function depthWithin(value: unknown, budget: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return budget > 0 && Object.values(value).every((child) => depthWithin(child, budget - 1));
}

/** A value as a message shows it: a primitive as (at most 40 characters of) JSON, a structure by its kind. */
const shown = (value: unknown) => (typeof value === 'object' && value !== null ? kindOf(value) : String(JSON.stringify(value)).slice(0, 40));

/** How a value is described in a message: its JSON type. */
function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** As valibot reads objects and records: anything `typeof` calls an object but null (an array's keys are its indices). */
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Whether a variant option's discriminant accepts a value. */
function discriminates(shape: Shape | undefined, value: unknown): boolean {
  return shape !== undefined && typeof shape !== 'string' && (shape[0] === 'l' ? shape[1] === value : shape[0] === 'p' && shape[1].includes(value as string));
}

/** The first mismatch as `[path, message]`, or null when the value has the shape. */
export function mismatch(shape: Shape, value: unknown, path: string[] = []): [string[], string] | null {
  if (typeof shape === 'string') {
    if (shape === 'u') return depthWithin(value, MAX_UNKNOWN_DEPTH) ? null : [path, `nests deeper than ${MAX_UNKNOWN_DEPTH} levels`];
    if (typeof value === TYPES[shape]) return null;
    return [path, `expected ${TYPES[shape]}, got ${kindOf(value)}`];
  }
  switch (shape[0]) {
    case 'l':
      return value === shape[1] ? null : [path, `expected ${JSON.stringify(shape[1])}, got ${shown(value)}`];
    case 'p':
      return shape[1].includes(value as string) ? null : [path, `expected one of ${shape[1].map((o) => JSON.stringify(o)).join(', ')}, got ${shown(value)}`];
    case '?':
      return value === undefined ? null : mismatch(shape[1], value, path);
    case '0':
      return value === null ? null : mismatch(shape[1], value, path);
    case 'a':
      if (!Array.isArray(value)) return [path, `expected array, got ${kindOf(value)}`];
      for (let i = 0; i < value.length; i++) {
        const bad = mismatch(shape[1], value[i], [...path, String(i)]);
        if (bad) return bad;
      }
      return null;
    case 'r':
      if (!isObject(value)) return [path, `expected object, got ${kindOf(value)}`];
      for (const key in value) {
        const bad = mismatch(shape[1], value[key], [...path, key]);
        if (bad) return bad;
      }
      return null;
    case 'o': {
      if (!isObject(value)) return [path, `expected object, got ${kindOf(value)}`];
      const entries = shape[1];
      for (const key in value) if (!(key in entries)) return [[...path, key], 'unknown key'];
      for (const key in entries) {
        const bad = mismatch(entries[key]!, value[key], [...path, key]);
        if (bad) return bad;
      }
      return null;
    }
    case 'v': {
      if (!isObject(value)) return [path, `expected object, got ${kindOf(value)}`];
      const [, key, options] = shape;
      const tags = options.map((o) => (o as readonly ['o', { readonly [key: string]: Shape }])[1][key]);
      const option = options[tags.findIndex((tag) => discriminates(tag, value[key]))];
      if (option) return mismatch(option, value, path);
      const known = tags.flatMap((tag) => (typeof tag === 'object' && (tag[0] === 'l' || tag[0] === 'p') ? [tag[1]].flat() : []));
      return [[...path, key], `unknown ${key} ${shown(value[key])}; expected one of ${known.map((k) => JSON.stringify(k)).join(', ')}`];
    }
    case '|': {
      let first: [string[], string] | null = null;
      for (const option of shape[1]) {
        const bad = mismatch(option, value, path);
        if (!bad) return null;
        first ??= bad;
      }
      return first ?? [path, 'no option'];
    }
  }
}
