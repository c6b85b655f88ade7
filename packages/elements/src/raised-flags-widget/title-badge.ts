import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** A favicon with a count: the page's own icon (when it is a data URL, the only kind an SVG image may embed) under a red badge. */
export function badgeIcon(count: number, icon: string | undefined): string {
  const text = count > 99 ? '99+' : String(count);
  const size = text.length > 2 ? 11 : text.length > 1 ? 14 : 18;
  const under = icon?.startsWith('data:') ? `<image href="${icon.replace(/"/g, '%22')}" width="32" height="32"/>` : '';
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">${under}` +
    `<circle cx="${under ? 21 : 16}" cy="${under ? 11 : 16}" r="${under ? 11 : 16}" fill="#c62828"/>` +
    `<text x="${under ? 21 : 16}" y="${under ? 11 : 16}" dy="0.35em" font-family="sans-serif" font-size="${size}" font-weight="bold" fill="#fff" text-anchor="middle">${text}</text></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/**
 * While the page is hidden (another tab in front, the window minimized), its title and favicon
 * show how many flags wait for an answer: "(3) Wallboard" and a badge. Both are restored when
 * the page is shown again, nothing waits, or the host element leaves. One per page.
 */
export class TitleBadge implements ReactiveController {
  readonly #count: () => number;
  readonly #title: (count: number, title: string) => string;
  /** The page's title and icon before the badge, while it shows. */
  #saved: { title: string; link: HTMLLinkElement; href: string | null; added: boolean } | undefined;
  #shown = 0;
  readonly #apply = () => this.update();

  /** `count`: the flags waiting now, 0 when the badge is off. */
  constructor(host: ReactiveControllerHost, count: () => number, title: (count: number, title: string) => string) {
    this.#count = count;
    this.#title = title;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#apply);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#apply);
    this.#restore();
  }

  hostUpdated(): void {
    this.update();
  }

  update(): void {
    const count = document.visibilityState === 'hidden' ? this.#count() : 0;
    if (count === this.#shown) return;
    if (count === 0) return this.#restore();
    const saved = (this.#saved ??= this.#save());
    this.#shown = count;
    document.title = this.#title(count, saved.title);
    saved.link.href = badgeIcon(count, saved.href ?? undefined);
  }

  #save() {
    const found = document.querySelector<HTMLLinkElement>('link[rel~="icon"]');
    const link = found ?? Object.assign(document.createElement('link'), { rel: 'icon' });
    if (!found) document.head.append(link);
    return { title: document.title, link, href: found?.getAttribute('href') ?? null, added: !found };
  }

  #restore(): void {
    const saved = this.#saved;
    this.#shown = 0;
    if (!saved) return;
    this.#saved = undefined;
    document.title = saved.title;
    if (saved.added) saved.link.remove();
    else if (saved.href !== null) saved.link.setAttribute('href', saved.href);
  }
}
