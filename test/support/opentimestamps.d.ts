// Minimal types for the `opentimestamps` npm package (a devDependency used only as an independent
// reader in interop tests); it ships none.
declare module 'opentimestamps' {
  interface DetachedTimestampFile {
    timestamp: { msg: number[] | Uint8Array; strTree(indent: number, verbose: number): string };
  }
  const OpenTimestamps: {
    DetachedTimestampFile: { deserialize(bytes: Uint8Array | number[]): DetachedTimestampFile };
    info(detached: DetachedTimestampFile, options?: { verbose?: boolean }): string;
  };
  export default OpenTimestamps;
}
