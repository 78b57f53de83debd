// Minimal type for autocannon (bench-only devDependency; it ships no types).
declare module 'autocannon' {
  function autocannon(opts: Record<string, unknown>, done: (err: Error | null, result: never) => void): unknown;
  export default autocannon;
}
