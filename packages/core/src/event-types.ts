/**
 * The flag event types, read from EventSchema: an event type added there is listed here too, so
 * the lists that filter or document events (webhook endpoints, the service API) need no edit.
 */
import { EventSchema } from './schemas.js';
import type { FlagEventType } from './model.js';

/** A variant schema whose options' `type` entries are literals or picklists, as EventSchema's are. */
interface TypeVariant {
  options: readonly { entries: { type: { literal: string } | { options: readonly string[] } } }[];
}

/** The `type`s a variant schema accepts, in the order of its options. */
export function variantTypes(schema: TypeVariant): string[] {
  return schema.options.flatMap(({ entries: { type } }) => ('literal' in type ? [type.literal] : [...type.options]));
}

/** Every `FlagEvent['type']`, in EventSchema's order (the strings come from EventSchema, hence the type). */
export const EVENT_TYPES = variantTypes(EventSchema) as readonly FlagEventType[];
