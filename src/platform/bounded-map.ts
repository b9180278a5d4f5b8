/**
 * Sets `key` in a Map used as a bounded cache: the entry goes (back) to the end of the Map's
 * insertion order, and when a new key would exceed `max`, the oldest entry is dropped first.
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  if (map.has(key)) map.delete(key);
  else if (map.size >= max) map.delete(map.keys().next().value as K);
  map.set(key, value);
}
