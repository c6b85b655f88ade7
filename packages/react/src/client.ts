// Host-side React glue: one provider that gives the FlagClient both to React code (hooks) and to
// every Flagline element below it, and a hook that reads any of the client's nanostores.
import { createContext, createElement, useCallback, useContext, useRef, useSyncExternalStore, type ReactNode } from 'react';
import type { FlagClient } from '@flagline/core';
import { FlaglineProvider } from './components.js';

const FlagClientContext = createContext<FlagClient | null>(null);

export interface FlagClientProviderProps {
  client: FlagClient;
  children?: ReactNode;
}

/** Provides `client` to `useFlagClient()` and, through `<flagline-provider>`, to every element inside. */
export function FlagClientProvider({ client, children }: FlagClientProviderProps) {
  return createElement(FlagClientContext.Provider, { value: client }, createElement(FlaglineProvider, { client }, children));
}

/** The client passed in, else the nearest `<FlagClientProvider>`'s; throws a TypeError when there is neither. */
export function useFlagClient(client?: FlagClient): FlagClient {
  const provided = useContext(FlagClientContext);
  const found = client ?? provided;
  if (!found) throw new TypeError('useFlagClient: no FlagClient. Wrap the tree in <FlagClientProvider client={client}> or pass one.');
  return found;
}

/** What `useStore` needs of a store: nanostores' `get` and `listen` (every `$store` of a FlagClient). */
export interface ReadableStore<T> {
  get(): T;
  listen(listener: (value: T) => void): () => void;
}

/** The store's current value; the component re-renders whenever it changes. */
export function useStore<T>(store: ReadableStore<T>): T {
  // A nanostores `computed` read while nobody listens recomputes a new object each time, and
  // React requires a stable snapshot: read once per render, then keep what the store sends.
  const snapshot = useRef(store.get());
  snapshot.current = store.get();
  const subscribe = useCallback(
    (changed: () => void) => {
      const stop = store.listen((value) => {
        snapshot.current = value;
        changed();
      });
      if (snapshot.current !== store.get()) changed(); // it changed between render and subscribe
      return stop;
    },
    [store],
  );
  const read = () => snapshot.current;
  return useSyncExternalStore(subscribe, read, read);
}
