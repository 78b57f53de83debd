// bcoin 1.0.2 ships no types; the embedded node reaches into it through this loose declaration.
declare module 'bcoin' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const bcoin: any;
  export default bcoin;
}
