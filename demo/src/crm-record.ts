/**
 * The mock CRM's interaction record: where the host's TranscriptSink writes. Entries are
 * upserted by id, so a re-delivered entry (after a reload) is never duplicated.
 */
import type { TranscriptEntry, TranscriptSink } from '@flagline/core';

export class CrmRecord implements TranscriptSink {
  readonly #key: string;
  readonly #entries: Map<string, TranscriptEntry>;
  readonly #listeners = new Set<() => void>();

  constructor(ownerId: string) {
    this.#key = `flagline-demo-crm:${ownerId}`;
    const saved = JSON.parse(localStorage.getItem(this.#key) ?? '[]') as TranscriptEntry[];
    this.#entries = new Map(saved.map((e) => [e.id, e]));
  }

  append(entry: TranscriptEntry): void {
    if (this.#entries.has(entry.id)) return;
    this.#entries.set(entry.id, entry);
    localStorage.setItem(this.#key, JSON.stringify([...this.#entries.values()]));
    for (const l of this.#listeners) l();
  }

  entriesFor(interactionId: string): TranscriptEntry[] {
    return [...this.#entries.values()]
      .filter((e) => e.interactionId === interactionId)
      .sort((a, b) => a.at - b.at || (a.flagId === b.flagId ? a.seq - b.seq : a.flagId.localeCompare(b.flagId)));
  }

  onChange(listener: () => void): void {
    this.#listeners.add(listener);
  }
}
