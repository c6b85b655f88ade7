import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AlertRound, AlertSettings, Clock, Flag, FlagClient, MissedFlag, Setting } from '@flagline/core';
import { AlertSchedule, awaitsAnswer, FlagError, isFlagError, MissedFlags, resolveAlertSettings } from '@flagline/core/view';
import { StoreController, Subscription } from '../internal/subscription.js';
import { loadAlertSettings, saveAlertSettings } from './alert-settings-store.js';
import { renderAlertSettings } from './alert-settings-view.js';
import { DesktopNotifier, notificationsSupported } from './alerts.js';
import { renderMissed, renderMissedToggle, type MissedView } from './missed-view.js';
import { OPEN_FLAG_PARAM } from '../service-worker/flagline-sw.js';
import type { RaisedFlagsWidgetStrings } from './strings.js';
import { TitleBadge } from './title-badge.js';

/** What the widget's alerts read from it. */
export interface AlertsHost extends ReactiveControllerHost {
  readonly sound: boolean;
  readonly notifications: boolean;
  readonly serviceWorker: string;
  readonly badgeTitle: boolean;
  readonly clock: Clock;
  readonly alertRepeatMs: number | undefined;
  readonly alertMaxRepeats: number | undefined;
  readonly playSound: () => void;
}

export interface AlertsDeps {
  client: () => FlagClient | undefined;
  open: () => readonly Flag[];
  strings: () => RaisedFlagsWidgetStrings;
  lang: () => string;
  /** Open a flag (a notification was clicked). */
  openFlag: (flag: Flag) => void;
  /** The supervisor changed their settings (saved): tell the host. */
  changed: (settings: AlertSettings, chosen: Partial<AlertSettings>) => void;
  /** A failure outside any command: `show` it to the supervisor, or only report it to the host. */
  report: (error: FlagError, action: string, show: boolean) => void;
}

/**
 * The widget's persistent alerts: the schedule (new flags at once, unanswered ones again every
 * `repeatMs`, capped), sound and desktop notifications, the supervisor's settings and where they
 * persist, the missed flags, the title badge and notification clicks.
 */
export class WidgetAlerts implements ReactiveController {
  readonly #host: AlertsHost;
  readonly #deps: AlertsDeps;
  #schedule: AlertSchedule | undefined;
  readonly #notifier: DesktopNotifier;
  readonly #missed: StoreController<readonly MissedFlag[]>;
  #missedFlags: MissedFlags | undefined;
  /** What the supervisor (or the host, through `alertSettings`) chose; the rest is defaults. */
  #chosen: Partial<AlertSettings> = {};
  #hostChose = false;
  /** The supervisor's settings as the source of truth keeps them (across reloads and devices), when it keeps settings. */
  readonly #saved: StoreController<Setting<'alerts'> | undefined>;
  readonly #available: StoreController<boolean>;
  /** Changes sent to the source of truth and not answered yet: shown meanwhile. */
  #unsaved: Partial<AlertSettings> = {};
  /** Saves go one after another, each from the version the previous one left. */
  #saving: Promise<unknown> = Promise.resolve();
  /** The supervisor whose saved settings were loaded. */
  #loadedFor: string | undefined;
  #tracked: readonly Flag[] | undefined;
  readonly #clientSubscription: Subscription<FlagClient>;
  /** A flag a notification asked to open before the client had it. */
  #pendingOpen: string | undefined;
  #starting: Flag | undefined;
  showMissed = false;

  constructor(host: AlertsHost, deps: AlertsDeps) {
    this.#host = host;
    this.#deps = deps;
    this.#notifier = new DesktopNotifier(
      (flagId) => this.openFlag(flagId),
      (error) => deps.report(error, 'service-worker', false),
    );
    this.#missed = new StoreController<readonly MissedFlag[]>(host, []);
    this.#saved = new StoreController<Setting<'alerts'> | undefined>(host, undefined);
    this.#available = new StoreController<boolean>(host, false);
    this.#clientSubscription = new Subscription<FlagClient>(host, (client) => {
      const missed = (this.#missedFlags = new MissedFlags(client));
      this.#missed.store = missed.$missed;
      return () => {
        missed.close();
        this.#missed.store = undefined;
      };
    });
    new TitleBadge(host, () => (host.badgeTitle ? this.#waiting().length : 0), (count, title) => deps.strings().alerts.badgeTitle(count, title));
    host.addController(this);
  }

  /**
   * The settings in force, each layer over the one before: core's defaults and limits, the host's
   * attributes, this browser's copy, what the source of truth keeps for this supervisor (it wins
   * over the browser's copy: it follows them across devices), what the host set through
   * `alertSettings` (wins over both), changes still being saved.
   */
  get settings(): AlertSettings {
    const saved = this.#available.value && this.#saved.value && this.#saved.value.version > 0 ? this.#saved.value.value : undefined;
    const attributes = { repeatMs: this.#host.alertRepeatMs, maxRepeats: this.#host.alertMaxRepeats };
    return this.#hostChose
      ? resolveAlertSettings(attributes, saved, this.#chosen, this.#unsaved)
      : resolveAlertSettings(attributes, this.#chosen, saved, this.#unsaved);
  }

  /** The host sets what the supervisor chose (e.g. from the relay): it wins over this browser's copy. */
  choose(chosen: Partial<AlertSettings>): void {
    this.#chosen = { ...chosen };
    this.#hostChose = true;
  }

  hostConnected(): void {
    this.#schedule = new AlertSchedule((round) => this.#ring(round), this.#host.clock);
    this.#tracked = undefined;
    this.#notifier.connect();
    const flagId = new URLSearchParams(location.search).get(OPEN_FLAG_PARAM);
    if (flagId && this.#host.serviceWorker) {
      // Opened from a notification whose tab was gone: open that flag once the client has it, once.
      this.#pendingOpen = flagId;
      const url = new URL(location.href);
      url.searchParams.delete(OPEN_FLAG_PARAM);
      history.replaceState(history.state, '', url);
    }
  }

  hostDisconnected(): void {
    this.#schedule?.close();
    this.#schedule = undefined;
    this.#notifier.disconnect();
  }

  /** Before each render: the client, saved settings, the schedule's flags and settings, the service worker. */
  update(): void {
    const client = this.#deps.client();
    this.#clientSubscription.source = client;
    this.#saved.store = client?.settings.personal.alerts;
    this.#available.store = client?.settings.$available;
    const me = client?.me;
    if (me && me.id !== this.#loadedFor && !this.#hostChose) {
      this.#loadedFor = me.id;
      this.#chosen = loadAlertSettings(me.id) ?? {};
    }
    const schedule = this.#schedule;
    if (schedule) {
      const settings = this.settings;
      if (JSON.stringify(settings) !== JSON.stringify(schedule.settings)) schedule.settings = settings;
      const open = this.#deps.open();
      if (open !== this.#tracked) {
        this.#tracked = open;
        schedule.track(this.#waiting().map((f) => f.id));
      }
    }
    this.#notifier.use(this.#host.serviceWorker);
    if (this.#pendingOpen && client?.flag(this.#pendingOpen).get()) this.openFlag(this.#pendingOpen);
  }

  /** A flag just started waiting in front of this supervisor (raised, escalated). */
  started(flag: Flag): void {
    // The client tells of the event before its stores have the flag: the first round reads it here.
    this.#starting = flag;
    this.#schedule?.start([flag.id]);
    this.#starting = undefined;
  }

  openFlag(flagId: string): void {
    const flag = this.#deps.client()?.flag(flagId).get();
    this.#pendingOpen = flag ? undefined : flagId;
    if (flag) this.#deps.openFlag(flag);
  }

  #waiting(): Flag[] {
    const me = this.#deps.client()?.me.id;
    return this.#deps.open().filter((flag) => awaitsAnswer(flag, me));
  }

  #ring(round: AlertRound): void {
    const host = this.#host;
    const settings = this.settings;
    if (round.sound && host.sound && settings.sound) host.playSound();
    if (!host.notifications || !settings.desktop) return;
    const s = this.#deps.strings();
    const byId = new Map(this.#deps.open().map((f) => [f.id, f]));
    for (const id of round.flagIds) {
      const flag = this.#starting?.id === id ? this.#starting : byId.get(id);
      if (!flag) continue;
      const title = round.repeat ? s.alerts.stillWaiting(flag) : flag.escalation > 0 ? s.announceEscalated(flag) : s.announceRaised(flag);
      this.#notifier.show(flag, title, round.repeat).catch((error: unknown) => this.#deps.report(asError(error), 'notify', false));
    }
  }

  #change(patch: Partial<Record<keyof AlertSettings, AlertSettings[keyof AlertSettings] | undefined>>): void {
    const chosen: Record<string, unknown> = { ...this.#chosen, ...patch };
    for (const key of Object.keys(chosen)) if (chosen[key] === undefined) delete chosen[key];
    this.#chosen = chosen as Partial<AlertSettings>;
    const client = this.#deps.client();
    try {
      if (client) saveAlertSettings(client.me.id, this.#chosen);
    } catch (error) {
      this.#deps.report(asError(error), 'alert-settings', true);
    }
    if (client && this.#available.value) this.#saveToSource(client, patch);
    this.#deps.changed(this.settings, this.#chosen);
    this.#host.requestUpdate();
  }

  /** Keep the change where the source of truth keeps this supervisor's settings; a failure is shown and the kept ones stay in force. */
  #saveToSource(client: FlagClient, patch: Partial<Record<keyof AlertSettings, unknown>>): void {
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<AlertSettings>;
    this.#unsaved = { ...this.#unsaved, ...defined };
    this.#saving = this.#saving.then(async () => {
      const kept = client.settings.personal.alerts.get();
      try {
        await client.saveSettings({ kind: 'personal' }, 'alerts', resolveAlertSettings(kept.version > 0 ? kept.value : this.settings, defined), kept.version);
      } catch (error) {
        this.#deps.report(asError(error), 'alert-settings', true);
      } finally {
        for (const key of Object.keys(defined) as (keyof AlertSettings)[]) if (this.#unsaved[key] === defined[key]) delete this.#unsaved[key];
        this.#host.requestUpdate();
      }
    });
  }

  #askDesktop = async (): Promise<void> => {
    const permission = await Notification.requestPermission();
    this.#change({ desktop: permission === 'granted' });
  };

  renderSettings() {
    const host = this.#host;
    const offerDesktop = host.notifications && notificationsSupported();
    if (!host.sound && !offerDesktop) return undefined;
    return renderAlertSettings({
      s: this.#deps.strings().alerts,
      lang: this.#deps.lang(),
      settings: this.settings,
      offerSound: host.sound,
      offerDesktop,
      permission: offerDesktop ? Notification.permission : 'default',
      change: (patch) => this.#change(patch),
      askDesktop: () => void this.#askDesktop(),
    });
  }

  #missedView(now: number): MissedView {
    return {
      s: this.#deps.strings().alerts,
      lang: this.#deps.lang(),
      now,
      missed: this.#missed.value,
      open: this.showMissed,
      toggle: () => {
        this.showMissed = !this.showMissed;
        this.#host.requestUpdate();
      },
      clear: () => {
        this.#missedFlags?.clear();
        this.showMissed = false;
        this.#host.requestUpdate();
      },
    };
  }

  renderMissedToggle(now: number) {
    return renderMissedToggle(this.#missedView(now));
  }

  renderMissed(now: number) {
    return renderMissed(this.#missedView(now));
  }
}

function asError(error: unknown): FlagError {
  return isFlagError(error) ? error : new FlagError('internal', error instanceof Error ? error.message : String(error));
}
