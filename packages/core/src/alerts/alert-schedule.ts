import { SYSTEM_CLOCK } from '../client/clock.js';
import type { Clock } from '../client/types.js';
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from './settings.js';

/** First alerts (new flags arriving together) chime at most this often. */
const FIRST_SOUND_GAP_MS = 1000;

/** One alert of one or more flags at the same moment. */
export interface AlertRound {
  flagIds: readonly string[];
  /** False: the flags just started waiting; true: they are still waiting, alerting again. */
  repeat: boolean;
  /**
   * Whether this round plays the sound: however many flags alert, at most one sound a second
   * for new flags and at most one per `repeatMs` for repeats.
   */
  sound: boolean;
}

interface Waiting {
  /** When it last alerted (or started waiting without an alert). */
  last: number;
  repeats: number;
}

/**
 * When the flags waiting for an answer alert: at once when one starts waiting, then again every
 * `repeatMs` after its own last alert, at most `maxRepeats` times, until it stops waiting
 * (acknowledged, lowered, out of view). One timer for every flag, set for the next due one;
 * flags due together alert in one round with one sound.
 */
export class AlertSchedule {
  readonly #flags = new Map<string, Waiting>();
  readonly #alert: (round: AlertRound) => void;
  readonly #clock: Clock;
  #settings: AlertSettings = DEFAULT_ALERT_SETTINGS;
  #timer: unknown;
  #timerDue = Infinity;
  #lastSound = -Infinity;

  constructor(alert: (round: AlertRound) => void, clock: Clock = SYSTEM_CLOCK) {
    this.#alert = alert;
    this.#clock = clock;
  }

  get settings(): AlertSettings {
    return this.#settings;
  }

  /** New settings apply to the flags already waiting (a shorter interval, a lower cap). */
  set settings(settings: AlertSettings) {
    this.#settings = settings;
    this.#plan();
  }

  /** How many flags are tracked (waiting, repeating or capped). */
  get size(): number {
    return this.#flags.size;
  }

  /** Flags that just started waiting in front of this supervisor (raised, escalated): they alert now and start repeating over. */
  start(flagIds: readonly string[]): void {
    if (flagIds.length === 0) return;
    const now = this.#clock.now();
    for (const id of flagIds) this.#flags.set(id, { last: now, repeats: 0 });
    const sound = now - this.#lastSound >= FIRST_SOUND_GAP_MS;
    if (sound) this.#lastSound = now;
    this.#alert({ flagIds: [...flagIds], repeat: false, sound });
    this.#plan();
  }

  /**
   * The flags that wait for an answer now. A tracked flag missing here stops alerting; a flag not
   * tracked yet (already waiting when the page loaded) repeats from now, with no alert now.
   */
  track(waiting: Iterable<string>): void {
    const now = this.#clock.now();
    const keep = new Set(waiting);
    for (const id of this.#flags.keys()) if (!keep.has(id)) this.#flags.delete(id);
    for (const id of keep) if (!this.#flags.has(id)) this.#flags.set(id, { last: now, repeats: 0 });
    this.#plan();
  }

  close(): void {
    this.#flags.clear();
    this.#plan();
  }

  #due(w: Waiting): number {
    return w.repeats < this.#settings.maxRepeats ? w.last + this.#settings.repeatMs : Infinity;
  }

  /** Set the one timer for the next due flag (or none). */
  #plan(): void {
    let next = Infinity;
    for (const w of this.#flags.values()) next = Math.min(next, this.#due(w));
    if (next === this.#timerDue) return;
    if (this.#timerDue !== Infinity) this.#clock.clearTimeout(this.#timer);
    this.#timerDue = next;
    if (next !== Infinity) this.#timer = this.#clock.setTimeout(() => this.#fire(), Math.max(0, next - this.#clock.now()));
  }

  #fire(): void {
    this.#timerDue = Infinity;
    const now = this.#clock.now();
    const due: string[] = [];
    for (const [id, w] of this.#flags) {
      if (this.#due(w) > now) continue;
      w.last = now;
      w.repeats++;
      due.push(id);
    }
    if (due.length > 0) {
      const sound = now - this.#lastSound >= this.#settings.repeatMs;
      if (sound) this.#lastSound = now;
      this.#alert({ flagIds: due, repeat: true, sound });
    }
    this.#plan();
  }
}
