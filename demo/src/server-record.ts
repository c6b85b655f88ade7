/**
 * The host backend's CRM record of an interaction: what the relay's signed webhooks wrote into the
 * reference receiver's database (examples/crm-webhook, started by `npm start`, which writes where
 * it listens into crm.json). Read by polling the selected interaction, as a CRM page would.
 * Absent (BroadcastChannel transport, no receiver), it shows nothing.
 */
export interface ServerEntry {
  flagId: string;
  seq: number;
  at: number;
  type: string;
  actor: string;
  text: string;
}

export class ServerRecord {
  #base: string | null = null;
  #entries: ServerEntry[] = [];
  #for = '';

  constructor(
    readonly onChange: () => void,
    readonly everyMs = 1000,
  ) {
    void fetch('crm.json')
      .then((res) => (res.ok ? (res.json() as Promise<{ recordUrl?: unknown }>) : null))
      .then((config) => {
        if (typeof config?.recordUrl !== 'string') return;
        this.#base = config.recordUrl;
        setInterval(() => void this.#poll(), this.everyMs);
        void this.#poll();
      })
      .catch(() => {});
  }

  get available(): boolean {
    return this.#base !== null;
  }

  /** The record of this interaction as last read (the next poll reads it if it just changed). */
  entriesFor(interactionId: string): ServerEntry[] {
    if (interactionId !== this.#for) {
      this.#for = interactionId;
      this.#entries = [];
      void this.#poll();
    }
    return this.#entries;
  }

  async #poll(): Promise<void> {
    if (!this.#base || !this.#for) return;
    const interactionId = this.#for;
    const res = await fetch(`${this.#base}/interactions/${encodeURIComponent(interactionId)}/transcript`).catch(() => null);
    if (!res?.ok || interactionId !== this.#for) return;
    const { entries } = (await res.json()) as { entries: ServerEntry[] };
    if (entries.length === this.#entries.length) return;
    this.#entries = entries;
    this.onChange();
  }
}
