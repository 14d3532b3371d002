import { createHash } from "node:crypto";
import type { Readable } from "node:stream";

export interface LineHandlers {
  /** `bytes` is only valid during the call: it may be a view into the read buffer. */
  line(bytes: Buffer, lineNo: number): void;
  /** The line was longer than the limit; it was skipped without being held in memory. */
  tooLong(lineNo: number, bytes: number): void;
}

export interface StreamTotals {
  sha256: string;
  bytes: number;
  lines: number;
}

/**
 * One pass over a byte stream: hashes and counts every byte and splits lines on `\n`
 * itself, so a line longer than `maxLineBytes` is dropped piece by piece instead of being
 * assembled (readline would buffer it whole). A final line without `\n` still counts.
 */
export async function splitLines(stream: Readable, maxLineBytes: number, on: LineHandlers): Promise<StreamTotals> {
  const hash = createHash("sha256");
  let bytes = 0;
  let lineNo = 0;
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let skipping = false;
  let lineLen = 0;
  let open = false;

  const finish = (): void => {
    lineNo += 1;
    if (skipping) on.tooLong(lineNo, lineLen);
    else on.line(pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingLen), lineNo);
    pending = [];
    pendingLen = 0;
    skipping = false;
    lineLen = 0;
    open = false;
  };
  const take = (seg: Buffer): void => {
    open = true;
    lineLen += seg.length;
    if (skipping) return;
    if (pendingLen + seg.length > maxLineBytes) {
      skipping = true;
      pending = [];
      pendingLen = 0;
      return;
    }
    if (seg.length > 0) {
      pending.push(seg);
      pendingLen += seg.length;
    }
  };

  for await (const chunk of stream) {
    if (!Buffer.isBuffer(chunk)) throw new TypeError("splitLines needs a byte stream");
    hash.update(chunk);
    bytes += chunk.length;
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(10, pos);
      if (nl === -1) {
        // The tail may be kept past this chunk, so it is copied out of the read buffer.
        if (pos < chunk.length) take(Buffer.from(chunk.subarray(pos)));
        break;
      }
      const seg = chunk.subarray(pos, nl);
      if (pending.length === 0 && !skipping) {
        // Fast path: the whole line is inside this chunk, hand out a view.
        lineLen = seg.length;
        if (seg.length > maxLineBytes) {
          skipping = true;
        } else {
          pending = [seg];
          pendingLen = seg.length;
        }
      } else {
        take(seg);
      }
      finish();
      pos = nl + 1;
    }
  }
  if (open) finish();
  return { sha256: hash.digest("hex"), bytes, lines: lineNo };
}
