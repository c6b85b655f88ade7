/** The widget's optional sound and desktop notification, both host-enabled. */

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

/** Never more than one sound per `intervalMs`, however many flags arrive at once. */
export class SoundLimiter {
  #last = -Infinity;
  constructor(
    private readonly play: () => void,
    private readonly intervalMs = 1000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  ring(): boolean {
    const t = this.now();
    if (t - this.#last < this.intervalMs) return false;
    this.#last = t;
    this.play();
    return true;
  }
}

export function notificationsSupported(): boolean {
  return typeof Notification !== 'undefined';
}
