/**
 * The exchange's view of the content-addressed file store, remembering which content keys this
 * process has already stored durably: the same attachment relayed again (fan-out, a circular
 * sent to many agencies) is not hashed, stat'ed and written again. The store is append-only
 * (content keys are never reused for other bytes nor deleted by the exchange), so a key stored
 * once stays valid.
 */
import type { FileStore } from './ports';

/** Wraps `store`; remembers at most `maxEntries` keys (the oldest are forgotten first). */
export function rememberingFileStore(store: FileStore, maxEntries = 10_000): FileStore {
  const known = new Set<string>();
  return {
    async put(bytes, key) {
      if (key && known.has(key)) return key;
      const stored = await store.put(bytes);
      if (known.size >= maxEntries) known.delete(known.values().next().value as string);
      known.add(stored);
      return stored;
    },
    get: (key) => store.get(key),
  };
}
