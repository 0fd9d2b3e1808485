// node-postgres's conversion of a parameter to its wire text (dates, arrays, objects as JSON), as
// its own queries apply it; reached by path (pg's package exports ./lib/*), which has no types.
declare module 'pg/lib/utils' {
  export function prepareValue(value: unknown): Buffer | string | null;
}
