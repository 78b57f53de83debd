// The client library as other areas (the cli) see it: stamp, upgrade, verify, info, registry anchoring.
export { clientErrors } from './errors.js';
export { DEFAULT_CALENDARS, DEFAULT_WHITELIST, UrlWhitelist, checkCalendarUrl, makeWhitelist } from './calendars.js';
export { DEFAULT_TIMEOUT_MS, MAX_RESPONSE_BYTES, redactUrl, type FetchLike } from './http.js';
export {
  fetchTimestamp,
  MAX_PENDING_MESSAGE_BYTES,
  parseAnswer,
  sanitiseMessage,
  submitDigest,
  type CalendarLookup,
  type CalendarRequestOptions,
} from './remote-calendar.js';
export {
  stampDigests,
  stampStream,
  type CalendarOutcome,
  type DigestToStamp,
  type StampOptions,
  type StampResult,
} from './stamp.js';
export {
  hashFile,
  readProofFile,
  replaceProofFile,
  stampFiles,
  writeFileAtomic,
  writeNewProofFile,
  type StampFilesOptions,
} from './proof-files.js';
export { upgradeTimestamp, type PendingOutcome, type UpgradeOptions, type UpgradeReport } from './upgrade.js';
export {
  coreRpcHeaderSource,
  DEFAULT_ESPLORA,
  DEFAULT_RPC_PORT,
  esploraHeaderSource,
  firstReachable,
  type BitcoinNetwork,
  type BlockHeaderSource,
  type HeaderSourceOptions,
} from './header-source.js';
export { verifyProof, type BitcoinCheck, type VerifyResult } from './verify.js';
export { proofInfo, proofText, type AttestationInfo, type ProofInfo } from './info.js';
export {
  anchorUpTo,
  buildSnapshot,
  isAnchored,
  listMonths,
  loadContent,
  monthOf,
  nextMonth,
  previousMonth,
  proofPath,
  registryHash,
  snapshotPath,
  type AnchorOptions,
  type AnchorResult,
  type RegistryPaths,
} from './registry.js';
export { anchorCurrentMonth, runRegistry, type RunResult } from './registry-run.js';
export { loadRegistryConfig, parseRegistryConfig, type RegistryConfig } from './registry-config.js';
export {
  verifyRegistry,
  type BreakReason,
  type MonthReport,
  type RegistryVerifyOptions,
  type RegistryVerifyResult,
} from './registry-verify.js';
