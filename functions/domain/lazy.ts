/**
 * Values made at their first use, once: for what a cold start would otherwise build and most
 * requests never use (a record schema only an invalid record needs, e-mail patterns only an '@'
 * needs, the upload metrics' instance before the first upload, a query type's compiled checks).
 */

/** A function answering `make()`'s value, made at its first call and kept for every later one. */
export function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

/** `lazy` per key: `make(key)`'s value, made at the first call with that key and kept (undefined too). */
export function lazyByKey<K, V>(make: (key: K) => V): (key: K) => V {
  const made = new Map<K, V>();
  return (key) => {
    if (!made.has(key)) made.set(key, make(key));
    return made.get(key) as V;
  };
}
