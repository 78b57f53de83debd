// Coded failures of the client library (stamp, upgrade, verify, info) and of registry anchoring.
// Messages name the calendar or node URL without credentials, never a local path.
import { defineError } from '../core/index.js';

/** Failures a client user can see; each code is documented in docs/errors.md. */
export const clientErrors = {
  OTS_ERR_CLIENT_CALENDAR_UNREACHABLE: defineError(
    'OTS_ERR_CLIENT_CALENDAR_UNREACHABLE',
    503,
    (url: string) => `calendar ${url} is unreachable: check the URL and your network`,
  ),
  OTS_ERR_CLIENT_CALENDAR_TIMEOUT: defineError(
    'OTS_ERR_CLIENT_CALENDAR_TIMEOUT',
    504,
    (url: string, ms: number) => `calendar ${url} did not answer within ${ms} ms; try again or raise --timeout`,
  ),
  OTS_ERR_CLIENT_CALENDAR_BAD_RESPONSE: defineError(
    'OTS_ERR_CLIENT_CALENDAR_BAD_RESPONSE',
    502,
    (url: string, why: string) => `calendar ${url} gave an unusable answer: ${why}`,
  ),
  OTS_ERR_CLIENT_CALENDAR_TOO_LARGE: defineError(
    'OTS_ERR_CLIENT_CALENDAR_TOO_LARGE',
    502,
    (url: string, max: number) => `calendar ${url} answered with more than ${max} bytes; refusing it as the reference client does`,
  ),
  OTS_ERR_CLIENT_CALENDAR_LYING: defineError(
    'OTS_ERR_CLIENT_CALENDAR_LYING',
    502,
    (url: string, why: string) => `calendar ${url} returned a timestamp that does not commit to what was asked: ${why}`,
  ),
  OTS_ERR_CLIENT_BAD_URL: defineError(
    'OTS_ERR_CLIENT_BAD_URL',
    400,
    (what: string) => `not a usable http(s) URL: ${what}`,
  ),
  OTS_ERR_CLIENT_FILE_UNREADABLE: defineError(
    'OTS_ERR_CLIENT_FILE_UNREADABLE',
    400,
    (what: string, why: string) => `cannot read the ${what}: ${why}`,
  ),
  OTS_ERR_STAMP_TOO_FEW_CALENDARS: defineError(
    'OTS_ERR_STAMP_TOO_FEW_CALENDARS',
    503,
    (got: number, needed: number) =>
      `only ${got} calendar(s) accepted the digest, ${needed} required (-m); nothing was written`,
  ),
  OTS_ERR_STAMP_BAD_MINIMUM: defineError(
    'OTS_ERR_STAMP_BAD_MINIMUM',
    400,
    (minimum: number, calendars: number) => `-m ${minimum} cannot be met with ${calendars} calendar(s)`,
  ),
  OTS_ERR_STAMP_PROOF_EXISTS: defineError(
    'OTS_ERR_STAMP_PROOF_EXISTS',
    409,
    (name: string) => `${name}.ots already exists; refusing to overwrite it (pass --force to replace it)`,
  ),
  OTS_ERR_UPGRADE_BACKUP_EXISTS: defineError(
    'OTS_ERR_UPGRADE_BACKUP_EXISTS',
    409,
    (name: string) => `the backup ${name}.bak already exists; move it away or pass --no-backup`,
  ),
  OTS_ERR_VERIFY_DIGEST_MISMATCH: defineError(
    'OTS_ERR_VERIFY_DIGEST_MISMATCH',
    400,
    (expected: string, actual: string) => `the file does not match the proof: proof digest ${expected}, file digest ${actual}`,
  ),
  OTS_ERR_VERIFY_NODE_UNREACHABLE: defineError(
    'OTS_ERR_VERIFY_NODE_UNREACHABLE',
    503,
    (url: string) => `block header source ${url} is unreachable: check --bitcoin-node / --esplora`,
  ),
  OTS_ERR_VERIFY_NODE_ERROR: defineError(
    'OTS_ERR_VERIFY_NODE_ERROR',
    502,
    (url: string, why: string) => `block header source ${url} failed: ${why}`,
  ),
  OTS_ERR_REGISTRY_CONFIG_INVALID: defineError(
    'OTS_ERR_REGISTRY_CONFIG_INVALID',
    400,
    (key: string, why: string) => `registry config [ots] ${key}: ${why}`,
  ),
  OTS_ERR_REGISTRY_CONTENT_INVALID: defineError(
    'OTS_ERR_REGISTRY_CONTENT_INVALID',
    400,
    (why: string) => `registry content is not usable: ${why}`,
  ),
  OTS_ERR_REGISTRY_MONTH_EXISTS: defineError(
    'OTS_ERR_REGISTRY_MONTH_EXISTS',
    409,
    (month: string) => `the snapshot for ${month} already exists and its proof too; snapshots are never rewritten`,
  ),
} as const;
