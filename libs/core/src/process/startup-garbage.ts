/**
 * Collects the garbage start-up left behind, once, when the process is ready to serve.
 *
 * Building the app (module scan, the OpenAPI document, entity metadata, migrations' SQL) leaves
 * about 60 MB of dead objects in V8's old generation, and nothing in a quiet process makes V8 run
 * the full collection that would free them: a fresh replica sat at 150–180 MiB resident holding
 * 40–46 MB of live heap (docs/performance.md, "Memory"). One full collection right after
 * `listen` costs a few tens of milliseconds before the first request and returns that memory.
 *
 * It needs `gc` on the global object, which only `node --expose-gc` provides: the shipped
 * commands pass it (Dockerfile `CMD`, `npm run start:prod`). Without the flag this does nothing,
 * so a development start behaves as before. Nothing else calls `gc`.
 */
export function collectStartupGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return false;
  gc();
  return true;
}
