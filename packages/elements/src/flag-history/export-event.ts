/** <flag-history>'s CSV is ready. Cancelable: `preventDefault()` to save `csv` yourself instead of the download. */
export class FlagHistoryExportEvent extends Event {
  /** The CSV text (RFC 4180, CRLF, formula-safe). */
  readonly csv: string;
  /** The name the download would have. */
  readonly filename: string;
  constructor(csv: string, filename: string) {
    super('flag-history-export', { bubbles: true, composed: true, cancelable: true });
    this.csv = csv;
    this.filename = filename;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'flag-history-export': FlagHistoryExportEvent;
  }
}
