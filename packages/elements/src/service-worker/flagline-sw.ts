/**
 * Flagline's service worker: a click on one of the wallboard's desktop notifications focuses the
 * wallboard and opens that flag, or opens the wallboard when its tab is gone (closed, discarded).
 * Serve this file from the wallboard's own origin, at or above the wallboard's path (its scope),
 * and give its URL to `<raised-flags-widget service-worker="…">`. No imports: one file to copy.
 */

/** The message a focused wallboard gets: open this flag. */
export const OPEN_FLAG_MESSAGE = 'flagline-open-flag';
/** The wallboard URL's search parameter naming the flag to open, when the click opened a new tab. */
export const OPEN_FLAG_PARAM = 'flagline-flag';

/** What the widget puts in a notification's `data`. */
export interface FlagNotificationData {
  flagId: string;
  /** The wallboard page that showed it. */
  url: string;
}

/** The parts of a service worker's `WindowClient` and `Clients` the click uses. */
export interface WindowLike {
  url: string;
  focus(): Promise<unknown>;
  postMessage(message: unknown): void;
}
export interface ClientsLike {
  matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<readonly WindowLike[]>;
  openWindow(url: string): Promise<unknown>;
}

/**
 * A click on a notification: the wallboard tab already open (same page, any query or hash) is
 * told which flag to open, then focused; with none, the wallboard opens with the flag in its
 * URL. Notifications that are not Flagline's are left alone.
 */
export async function openFlagFromNotification(notification: { data: unknown; close(): void }, clients: ClientsLike): Promise<'focused' | 'opened' | 'not-ours'> {
  const data = notification.data as Partial<FlagNotificationData> | null;
  if (typeof data?.flagId !== 'string' || typeof data.url !== 'string') return 'not-ours';
  notification.close();
  const wallboard = new URL(data.url);
  const page = (url: string) => {
    const u = new URL(url);
    return u.origin === wallboard.origin && u.pathname === wallboard.pathname;
  };
  const open = (await clients.matchAll({ type: 'window', includeUncontrolled: true })).find((w) => page(w.url));
  if (open) {
    // The message first: focus needs the click's user activation and may be refused; the flag still opens.
    open.postMessage({ type: OPEN_FLAG_MESSAGE, flagId: data.flagId });
    await open.focus();
    return 'focused';
  }
  wallboard.searchParams.set(OPEN_FLAG_PARAM, data.flagId);
  await clients.openWindow(wallboard.href);
  return 'opened';
}

interface NotificationClickEvent extends Event {
  notification: { data: unknown; close(): void };
  waitUntil(done: Promise<unknown>): void;
}

// Only in a service worker (the module is also imported by pages and tests for the function above).
const worker = globalThis as unknown as { clients?: ClientsLike; registration?: unknown; addEventListener(type: string, listener: (e: Event) => void): void };
if (worker.clients && worker.registration)
  worker.addEventListener('notificationclick', (event) => {
    const click = event as NotificationClickEvent;
    click.waitUntil(openFlagFromNotification(click.notification, worker.clients!));
  });
