/**
 * Redis Cluster keys (ADR 21). A cluster spreads keys over 16,384 slots by a hash of the key, and
 * refuses (CROSSSLOT) a script, transaction or multi-key command whose keys land in different
 * slots. A *hash tag* decides the slot instead of the whole key: the part between the first `{`
 * and the first `}` after it, when not empty. Keys that must go together carry the same tag, one
 * tag per entity (a lock name, a user): never one tag for everything, which would make one node
 * serve every key. The configured key prefix holds no braces (the configuration refuses them), so
 * the tag a key's builder writes is the one that counts.
 */

/** `{id}`: the hash tag that keeps every key built around `id` in one slot. */
export function hashTag(id: string): string {
  // `{}` is no tag at all: Redis would hash the whole key, and a key's companions would scatter.
  if (id === '') throw new Error('A hash tag needs a non-empty id');
  return `{${id}}`;
}

/** What Redis Cluster hashes to place `key`: its hash tag when it has one, otherwise the whole key. */
export function slotSource(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return key;
  return key.slice(open + 1, close);
}

/** The positions of `keys` grouped by slot source: each group may go in one multi-key command. */
export function groupBySlot(keys: readonly string[]): number[][] {
  const groups = new Map<string, number[]>();
  keys.forEach((key, index) => {
    const source = slotSource(key);
    const group = groups.get(source);
    if (group) group.push(index);
    else groups.set(source, [index]);
  });
  return [...groups.values()];
}
