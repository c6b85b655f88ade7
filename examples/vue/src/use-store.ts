// Host code reading one of the FlagClient's nanostores as a Vue ref, for as long as the
// component is mounted.
import { onScopeDispose, shallowRef, type Ref } from 'vue';

interface ReadableStore<T> {
  get(): T;
  listen(listener: (value: T) => void): () => void;
}

export function useStore<T>(store: ReadableStore<T>): Readonly<Ref<T>> {
  const value = shallowRef(store.get());
  onScopeDispose(store.listen((next) => (value.value = next)));
  return value;
}
