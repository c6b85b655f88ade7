import { VERSION } from './version.js';

type VersionedConstructor = CustomElementConstructor & { version?: string };

const warned = new Set<string>();

/**
 * Register an element without ever throwing: a host page may load Flagline twice (two bundles,
 * a CDN copy and an npm copy). The same version already defined is skipped silently; a different
 * class under our tag gets one console warning, and the first definition stays in charge.
 */
export function defineElement(tag: string, ctor: VersionedConstructor): void {
  const existing = customElements.get(tag) as VersionedConstructor | undefined;
  if (!existing) {
    customElements.define(tag, ctor);
    return;
  }
  if (existing === ctor || existing.version === VERSION) return;
  if (warned.has(tag)) return;
  warned.add(tag);
  console.warn(
    `[flagline] <${tag}> is already defined (version ${existing.version ?? 'unknown'}); ` +
      `this copy (version ${VERSION}) is not registered. Load @flagline/elements once per page.`,
  );
}
