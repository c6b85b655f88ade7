/** The few numbers /metrics exposes, in Prometheus text format (version 0.0.4), written by hand. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export class Metrics {
  connections = 0;
  readonly #commands = new Map<string, number>();
  readonly #errors = new Map<string, number>();
  readonly #keyFetches = new Map<string, number>();
  #deferred = 0;
  readonly #backgroundFailures = new Map<string, number>();
  readonly #buckets = new Array<number>(BUCKETS.length).fill(0);
  #latencyCount = 0;
  #latencySum = 0;

  command(type: string, result: string, seconds: number): void {
    const key = `type="${type}",result="${result}"`;
    this.#commands.set(key, (this.#commands.get(key) ?? 0) + 1);
    this.#latencyCount++;
    this.#latencySum += seconds;
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) this.#buckets[i]!++;
  }

  deferredAdmission(): void {
    this.#deferred++;
  }

  keyFetch(result: 'ok' | 'failed'): void {
    this.#keyFetches.set(result, (this.#keyFetches.get(result) ?? 0) + 1);
  }

  error(code: string): void {
    this.#errors.set(code, (this.#errors.get(code) ?? 0) + 1);
  }

  /** A task no client waits on failed (catching up on shared storage, the escalation timer). */
  backgroundFailure(source: string): void {
    this.#backgroundFailures.set(source, (this.#backgroundFailures.get(source) ?? 0) + 1);
  }

  render(extra: { ready: boolean; pos: number; retainedHistories: number; storage?: { transactions: number; batches: number } }): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    family('flagline_connections', 'gauge', 'Open WebSocket connections.');
    out.push(`flagline_connections ${this.connections}`);
    family('flagline_ready', 'gauge', '1 when the relay accepts connections.');
    out.push(`flagline_ready ${extra.ready ? 1 : 0}`);
    family('flagline_log_position', 'gauge', 'Position of the last event in the log.');
    out.push(`flagline_log_position ${extra.pos}`);
    family('flagline_retained_histories', 'gauge', 'Flags whose event histories are in memory (open or lowered within the retention).');
    out.push(`flagline_retained_histories ${extra.retainedHistories}`);
    if (extra.storage) {
      family('flagline_storage_transactions_total', 'counter', 'Group commits written (each one transaction).');
      out.push(`flagline_storage_transactions_total ${extra.storage.transactions}`);
      family('flagline_storage_batches_total', 'counter', 'Command and timer writes committed; batches / transactions = group size.');
      out.push(`flagline_storage_batches_total ${extra.storage.batches}`);
    }
    family('flagline_commands_total', 'counter', 'Commands answered, by type and result (ok or an error code).');
    for (const [labels, n] of this.#commands) out.push(`flagline_commands_total{${labels}} ${n}`);
    family('flagline_command_duration_seconds', 'histogram', 'Time from receiving a command to sending its durable result.');
    BUCKETS.forEach((le, i) => out.push(`flagline_command_duration_seconds_bucket{le="${le}"} ${this.#buckets[i]}`));
    out.push(`flagline_command_duration_seconds_bucket{le="+Inf"} ${this.#latencyCount}`);
    out.push(`flagline_command_duration_seconds_sum ${this.#latencySum}`);
    out.push(`flagline_command_duration_seconds_count ${this.#latencyCount}`);
    family('flagline_admissions_deferred_total', 'counter', 'New connections told to come back later (a bye with their slot) by admission control.');
    out.push(`flagline_admissions_deferred_total ${this.#deferred}`);
    family('flagline_errors_total', 'counter', 'Error frames sent, by code.');
    for (const [code, n] of this.#errors) out.push(`flagline_errors_total{code="${code}"} ${n}`);
    if (this.#keyFetches.size > 0) {
      family('flagline_idp_key_fetches_total', 'counter', "Fetches of the identity provider's signing keys (JWKS), by result.");
      for (const [result, n] of this.#keyFetches) out.push(`flagline_idp_key_fetches_total{result="${result}"} ${n}`);
    }
    family('flagline_background_failures_total', 'counter', 'Failed background tasks (catch-up on shared storage, escalation timer), by source; each is also logged.');
    for (const [source, n] of this.#backgroundFailures) out.push(`flagline_background_failures_total{source="${source}"} ${n}`);
    return out.join('\n') + '\n';
  }
}
