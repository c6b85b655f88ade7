/** The widget's sound and desktop notifications. */
import type { Flag } from '@flagline/core';
import { FlagError } from '@flagline/core/view';
import { OPEN_FLAG_MESSAGE, type FlagNotificationData } from '../service-worker/flagline-sw.js';

let audio: AudioContext | undefined;

/** A short two-tone chime through Web Audio: no asset to host, nothing to download. */
export function chime(): void {
  audio ??= new AudioContext();
  const at = audio.currentTime;
  for (const [i, freq] of [880, 660].entries()) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.15, at + i * 0.15);
    gain.gain.exponentialRampToValueAtTime(0.001, at + i * 0.15 + 0.14);
    osc.connect(gain).connect(audio.destination);
    osc.start(at + i * 0.15);
    osc.stop(at + i * 0.15 + 0.15);
  }
}

export function notificationsSupported(): boolean {
  return typeof Notification !== 'undefined';
}

/**
 * Desktop notifications, one per flag (`tag`: a repeat replaces the flag's last one). Through the
 * host's service worker when it gave one, so a click reaches the wallboard even after its tab
 * was discarded; else `new Notification`. Either way a click opens the flag (`open`).
 */
export class DesktopNotifier {
  /** The service worker's registration, while one is used (undefined: the page shows them). */
  #registration: Promise<ServiceWorkerRegistration | undefined> | undefined;
  #url = '';
  readonly #open: (flagId: string) => void;
  readonly #fail: (error: FlagError) => void;
  readonly #onMessage = (e: MessageEvent) => {
    const data = e.data as { type?: unknown; flagId?: unknown } | null;
    if (data?.type === OPEN_FLAG_MESSAGE && typeof data.flagId === 'string') this.#open(data.flagId);
  };

  constructor(open: (flagId: string) => void, fail: (error: FlagError) => void) {
    this.#open = open;
    this.#fail = fail;
  }

  /** Show notifications through the service worker at `url` (registered here; empty: none). */
  use(url: string): void {
    if (url === this.#url) return;
    this.#url = url;
    this.#registration = undefined;
    if (!url) return;
    if (!('serviceWorker' in navigator)) {
      this.#fail(new FlagError('unavailable', 'This page cannot use a service worker (it needs https or localhost): notifications open no flag once the tab is gone.'));
      return;
    }
    this.#registration = navigator.serviceWorker.register(new URL(url, document.baseURI), { type: 'module' }).then(
      (registration) => registration,
      (error: unknown) => {
        this.#fail(new FlagError('unavailable', `The service worker ${url} could not be registered (${String(error)}): notifications come from the page instead.`));
        return undefined;
      },
    );
  }

  connect(): void {
    if ('serviceWorker' in navigator) navigator.serviceWorker.addEventListener('message', this.#onMessage);
  }

  disconnect(): void {
    if ('serviceWorker' in navigator) navigator.serviceWorker.removeEventListener('message', this.#onMessage);
  }

  async show(flag: Flag, title: string, repeat: boolean): Promise<void> {
    if (!notificationsSupported() || Notification.permission !== 'granted') return;
    const registration = this.#registration && (await this.#registration);
    if (registration) {
      const data: FlagNotificationData = { flagId: flag.id, url: location.href };
      // `renotify`: a repeat replaces the flag's notification and alerts again (not in TypeScript's DOM types yet).
      await registration.showNotification(title, { body: flag.message, tag: flag.id, data, renotify: repeat } as NotificationOptions);
      return;
    }
    const notification = new Notification(title, { body: flag.message, tag: flag.id });
    notification.onclick = () => {
      window.focus();
      notification.close();
      this.#open(flag.id);
    };
  }
}
