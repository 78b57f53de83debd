// Bitcoin anchoring as other areas see it: backends (Core RPC, embedded regtest node) and the stamper.
export type { BitcoinBackend, BlockInfo, PendingStampTx, StamperCalendar, Utxo } from './backend.js';
export { discoverRpc, parseBitcoinConf, DEFAULT_RPC_PORTS, type DiscoverOptions, type RpcEndpoint } from './bitcoin-conf.js';
export { CoreBackend } from './core-backend.js';
export { EmbeddedNode, SEGWIT_SAFE_HEIGHT, type EmbeddedNodeOptions } from './embedded-node.js';
export { bitcoinErrors } from './errors.js';
export { RpcClient, RpcReplyError, type RpcClientOptions } from './rpc-client.js';
export {
  buildBitcoinProofs,
  buildStampTx,
  commitmentsTip,
  DUST_LIMIT_SAT,
  inspectSignedTx,
  readStampTx,
  RBF_SEQUENCE,
  splitAroundTip,
  type SignedTxInfo,
  type StampTxPlan,
} from './stamp-tx.js';
export { Stamper, type MinedStatus, type StamperOptions } from './stamper.js';
export { StamperHealth } from './stamper-health.js';
