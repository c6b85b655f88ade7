import { ContextRoot, createContext } from '@lit/context';
import type { FlagClient } from '@flagline/core';

/**
 * The FlagClient shared by every Flagline element under a <flagline-provider>. The key is a
 * registered symbol so two copies of the package on one page still find each other's provider.
 */
export const flagClientContext = createContext<FlagClient | undefined>(Symbol.for('flagline.client'));

const ROOT_KEY = Symbol.for('flagline.context-root');

/**
 * A ContextRoot lets elements that asked for the client before their provider was defined
 * (script order, lazy loading) receive it once the provider upgrades. Attached once per document.
 */
export function attachContextRoot(doc: Document = document): void {
  const root = doc.documentElement as HTMLElement & { [ROOT_KEY]?: ContextRoot };
  if (root[ROOT_KEY]) return;
  const contextRoot = new ContextRoot();
  contextRoot.attach(root);
  root[ROOT_KEY] = contextRoot;
}
