// The package (ioredis's own dependency) ships no types: Redis Cluster's CRC16 slot of a key.
declare module 'cluster-key-slot' {
  function calculateSlot(key: string): number;
  export = calculateSlot;
}
