export { ensureDir, writeFileAtomic, writeFileOnce, writeFilesAtomic } from "./fs-atomic.ts";
export { canonicalJson, digestFile, jsonlLineDigests, serializeJson, sha256Hex } from "./hash.ts";
export { buildBlockerPacket, clearedSince, type PacketInput } from "./packet/build.ts";
export { NEXT_ACTION_COLUMNS, PACKET_SECTIONS, renderPacketMarkdown } from "./packet/render.ts";
export {
  LATEST_POINTER,
  LatestPointer,
  clearLatestPacket,
  findLatestPacket,
  packetFileNames,
  slug,
  writeBlockerPacket,
  type WrittenPacket,
} from "./packet/write.ts";
export { RUN_RECORD_PREDICATE, RunRecord, RunRecordEvidence, RunStatus, buildRunRecord, type RunRecordInput } from "./run-record.ts";
export {
  GENESIS_HASH,
  LEDGER_MAX_BYTES,
  NO_KEYS,
  LedgerEntry,
  ledgerHeadPath,
  appendLedger,
  entryHash,
  readLedger,
  serializeEntry,
  verifyLedger,
  verifyLedgerText,
  verifyLedgerBytes,
  signHead,
  type LedgerAppend,
  type LedgerCheck,
  type LedgerKeys,
  type HeadSigner,
  type HeadVerifier,
  type LedgerProblem,
} from "./ledger.ts";
export { withFileLock, type LockOptions } from "./lock.ts";
export { persistRunRecord, runRecordName, runRecordSignaturePath } from "./persist.ts";
export { OPERATOR_SECTIONS, operatorPacketName, renderOperatorPacket } from "./packet/operator.ts";
