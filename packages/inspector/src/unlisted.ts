import { closeSync, constants, fstatSync, lstatSync, openSync, opendirSync, readSync, type Dir, type Stats } from "node:fs";
import path from "node:path";
import { finding, type Finding } from "./findings.ts";
import type { PacketPlan } from "./preflight.ts";
import { safeLabel, secretsIn } from "./secrets.ts";

const READ_BYTES = 1024 * 1024;
/**
 * Unlisted bytes scanned per inspection at most (a sparse file of a terabyte costs nothing to
 * make): past it a file is reported as not fully scanned, an error like the rest, never clean.
 */
const SCAN_BUDGET = 1024 * 1024 * 1024;
/** Text kept from one read for the next, so a secret cut by a read boundary is still whole once. */
const OVERLAP = 4096;

/**
 * Everything in the packet directory that the manifest does not name: each entry a finding, and
 * each regular file among them read and scanned for secrets, since data beside the checks is data
 * all the same. Links and special files are reported, never followed or opened (a FIFO would
 * block). The walk holds a stack of directories, not a call stack, and names are bytes: a name
 * that is not UTF-8 is reported, not lost.
 */
export function unlistedFindings(plan: PacketPlan, add: (f: Finding) => void, scanBudget = SCAN_BUDGET): void {
  const listed = new Set(["manifest.json", plan.manifest.schema.path, ...plan.files.map((f) => f.relPath)]);
  const report = (rel: string, message: string): void => {
    add(finding("PACKET_UNLISTED_FILE", { field: label(rel) }, message));
  };
  const budget = { left: scanBudget, limit: scanBudget, buf: Buffer.allocUnsafe(READ_BYTES) };
  const dirs: { abs: Buffer; rel: string }[] = [{ abs: Buffer.from(plan.root), rel: "" }];
  for (let dir = dirs.pop(); dir !== undefined; dir = dirs.pop()) {
    let d: Dir;
    try {
      d = opendirSync(dir.abs as unknown as string, { encoding: "buffer" as BufferEncoding });
    } catch {
      report(dir.rel, "directory in the packet could not be read: what it holds is not checked");
      continue;
    }
    try {
      // One entry at a time (a directory may hold millions); the report is sorted later.
      for (let e = d.readSync(); e !== null; e = d.readSync()) {
        const name = e.name as unknown as Buffer;
        const abs = Buffer.concat([dir.abs, Buffer.from(path.sep), name]);
        // Compared as bytes: listed names are ASCII, and latin1 maps every byte to itself.
        const rel = `${dir.rel}${dir.rel === "" ? "" : "/"}${name.toString("latin1")}`;
        let st: Stats;
        try {
          st = lstatSync(abs);
        } catch {
          report(rel, "entry in the packet vanished or could not be looked at");
          continue;
        }
        if (st.isDirectory()) {
          dirs.push({ abs, rel });
          continue;
        }
        if (listed.has(rel) && st.isFile()) continue;
        if (st.isSymbolicLink()) report(rel, "symbolic link in the packet, not listed in the manifest (not followed)");
        else if (!st.isFile()) report(rel, "special file (FIFO, socket or device) in the packet, not listed in the manifest (not opened)");
        else for (const f of scanned(abs, rel, budget)) add(f);
      }
    } catch {
      report(dir.rel, "directory in the packet could not be read to the end: what it holds is not all checked");
    } finally {
      d.closeSync();
    }
  }
}

/** An unlisted regular file: the finding, and every kind of secret in it once. */
function scanned(abs: Buffer, rel: string, budget: { left: number; limit: number; buf: Buffer }): Finding[] {
  const field = label(rel);
  const found = [finding("PACKET_UNLISTED_FILE", { field }, "file in the packet not listed in the manifest (scanned for secrets only)")];
  let fd: number;
  try {
    // Not following a link, and not blocking on a FIFO swapped in since the lstat.
    fd = openSync(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    found.push(finding("PACKET_UNLISTED_FILE", { field }, "could not be opened: not scanned"));
    return found;
  }
  try {
    if (!fstatSync(fd).isFile()) {
      found.push(finding("PACKET_UNLISTED_FILE", { field }, "changed into a special file: not scanned"));
      return found;
    }
    const seen = new Set<string>();
    const buf = budget.buf;
    let tail = "";
    for (let n = readSync(fd, buf, 0, READ_BYTES, null); n > 0; n = readSync(fd, buf, 0, READ_BYTES, null)) {
      if (budget.left <= 0) {
        found.push(finding("PACKET_UNLISTED_FILE", { field }, `not scanned past ${budget.limit} bytes of unlisted files: the rest is not checked`));
        break;
      }
      budget.left -= n;
      // latin1 keeps every byte a character: the patterns are ASCII, and no byte is dropped.
      const text = tail + buf.toString("latin1", 0, n);
      for (const hit of secretsIn(text)) {
        if (seen.has(hit.code)) continue;
        seen.add(hit.code);
        found.push(finding(hit.code, { field }, `${hit.kind} in a file the manifest does not list (value withheld)`));
      }
      tail = text.slice(-OVERLAP);
    }
  } catch {
    found.push(finding("PACKET_UNLISTED_FILE", { field }, "could not be read to the end: not fully scanned"));
  } finally {
    closeSync(fd);
  }
  return found;
}

/** A packet-relative name fit for a report: control characters shown as "?", shortened, never a secret. */
const label = (rel: string): string => safeLabel(Buffer.from(rel, "latin1").toString("utf8").replace(/[\u0000-\u001f\u007f]/g, "?") || ".");
