/**
 * The transport seam: the one interface a host implements to plug Flagline into its own
 * backend. See packages/core/README.md, "Write your own transport".
 */
import type { CommandEnvelope, Outcome } from './commands.js';
import type { FlagConfig } from './config.js';
import type { FlagError } from './errors.js';
import type { HistoryPage, HistoryQuery } from './history.js';
import type { FlagEvent, Participant, PositionedEvent, PresenceView, ResumePoint, Snapshot } from './model.js';
import type { SettingDocument, SettingSave } from './settings/schemas.js';

export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting' | 'offline';

/** What the client gives a transport when it connects. */
export interface TransportHandlers {
  /** Asked at every (re)connect: where the client stands, or null for a fresh start. */
  resumePoint(): ResumePoint | null;
  /**
   * The source of truth accepted the connection. `resumed: false` means it cannot replay from
   * the client's resume point: the client then asks for a snapshot.
   */
  welcome(info: {
    me: Participant;
    epoch: string;
    pos: number;
    resumed: boolean;
    /** The source of truth's rule configuration; the client decides with it (made stricter by the host's). */
    config?: FlagConfig;
  }): void;
  /** Events in log order. Duplicates are allowed (the client drops what it has seen). */
  event(event: PositionedEvent): void;
  status(status: ConnectionStatus): void;
  /** Presence as this participant may see it (optional: a transport without presence never calls it). */
  presence?(view: PresenceView): void;
  /** A failure not tied to a command (bad frame from the server, authentication lost…). */
  error(error: FlagError): void;
  /** Settings documents another session saved (a transport with settings calls it). */
  settings?(docs: SettingDocument[]): void;
}

export interface Transport {
  /** Start connecting; called once. Reconnecting after a drop is the transport's job. */
  connect(handlers: TransportHandlers): void;
  /**
   * Run a command at the source of truth. Resolves with the outcome once it is durable (an
   * `ok: false` outcome is a decision, not a transport failure). Retrying the same envelope id
   * must return the original outcome. While offline, commands wait and are sent in order on
   * reconnect. Rejects with `transport-closed` after `close()`.
   */
  execute(envelope: CommandEnvelope): Promise<Outcome>;
  /** A flag's events after `afterSeq`, authorized for this participant. */
  history(flagId: string, afterSeq: number): Promise<FlagEvent[]>;
  /** Everything this participant may see, to rebuild from. */
  snapshot(): Promise<Snapshot>;
  /** A page of lowered flags this participant may see that match the query, newest first (see history.ts). */
  lowered(query: HistoryQuery): Promise<HistoryPage>;
  /**
   * Optional (a transport without them makes the client's settings read-only defaults): the
   * settings documents this participant may read, and saving one (compare-and-set; rejects with
   * a FlagError such as `conflict`, `not-allowed`, `too-long`). Like commands, a save waits while
   * offline and is resent on reconnect.
   */
  settings?(): Promise<SettingDocument[]>;
  saveSettings?(save: SettingSave): Promise<SettingDocument>;
  close(): void;
}
