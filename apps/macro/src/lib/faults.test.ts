import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BlockerPacket } from "@macro/ssot";
import { runCli } from "../main.ts";
import { checkpointKey } from "./checkpoint-key.ts";
import { loadResumable, newestCheckpoint } from "./checkpoint.ts";
import { scratch, type Scratch } from "./_scratch.ts";

// The fs seam: every write-like call through node:fs/promises (and the logger's mkdirSync) is
// counted, and the Nth fails with the errno under test — a full disk, a read-only or vanished
// store — without filling or breaking a real one.
const seam = vi.hoisted(() => ({ count: 0, failAt: 0, code: "ENOSPC", sticky: false }));

vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  const writes = (name: string, args: unknown[]) =>
    ["rename", "mkdir", "writeFile", "appendFile", "copyFile"].includes(name) || (name === "open" && typeof args[1] === "string" && /[wa+]/.test(args[1]));
  const wrap =
    <A extends unknown[], R>(name: string, fn: (...a: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (writes(name, args)) {
        seam.count += 1;
        if (seam.failAt > 0 && (seam.count === seam.failAt || (seam.sticky && seam.count > seam.failAt))) {
          throw Object.assign(new Error(`${seam.code}: injected fault, ${name} '${String(args[0])}'`), { code: seam.code, syscall: name, path: String(args[0]) });
        }
      }
      return fn(...args);
    };
  const patched = {
    ...real,
    open: wrap("open", real.open),
    rename: wrap("rename", real.rename),
    mkdir: wrap("mkdir", real.mkdir),
    writeFile: wrap("writeFile", real.writeFile),
    appendFile: wrap("appendFile", real.appendFile),
    copyFile: wrap("copyFile", real.copyFile),
  };
  return { ...patched, default: patched };
});

const made: Scratch[] = [];
afterEach(() => {
  seam.failAt = 0;
  seam.sticky = false;
  made.splice(0).forEach((s) => s.remove());
});

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
}

async function runWithFault(failAt: number, code: string, sticky = false) {
  const s = scratch();
  made.push(s);
  await checkpointKey(s.io.env, s.paths);
  seam.count = 0;
  seam.failAt = failAt;
  seam.code = code;
  seam.sticky = sticky;
  const exit = await runCli(["run", "--json"], s.io);
  const writes = seam.count;
  seam.failAt = 0;
  return { s, exit, writes };
}

type Summary = { status: string; blocker: { id: string; guard: string; reason: string } | null; packet: { json: string; markdown: string } | null };

describe("a fault at every write ends in a packet (exit 3), nothing half-written, resumable", () => {
  it("counts the writes of a clean blocked run, then fails each one in turn", async () => {
    const clean = await runWithFault(0, "ENOSPC");
    expect(clean.exit).toBe(3);
    expect(clean.writes).toBeGreaterThan(5);
    const codes = ["ENOSPC", "EACCES", "EROFS", "ENOENT"];
    for (let n = 1; n <= clean.writes; n += 1) {
      const code = codes[n % codes.length] ?? "ENOSPC";
      const { s, exit } = await runWithFault(n, code);
      const label = `write ${n} of ${clean.writes} failed with ${code}`;
      expect(exit, `${label}\n${s.stderr()}`).toBe(3);
      const summary = JSON.parse(s.stdout()) as Summary;
      expect(summary.status, label).toBe("blocked");
      // The injected fault is named, whatever else the run had found.
      expect(summary.blocker?.id, label).toBe("B-PERSIST");
      expect(summary.blocker?.reason, label).toContain(code);
      if (summary.packet !== null) {
        const json = join(s.io.cwd, summary.packet.json);
        expect(BlockerPacket.parse(JSON.parse(readFileSync(json, "utf8"))).blocker.id, label).toBe("B-PERSIST");
        expect(existsSync(join(s.io.cwd, summary.packet.markdown)), label).toBe(true);
      } else {
        expect(s.stderr(), label).toContain("--- packet JSON ---");
        expect(s.stderr(), label).toContain("B-PERSIST");
      }
      const leftovers = walk(s.dir).filter((f) => f.endsWith(".tmp"));
      expect(leftovers, label).toEqual([]);
      // Whatever checkpoint is on disk is whole and either resumable or names the real end.
      const file = await newestCheckpoint(s.paths.checkpointsDir);
      if (file !== null) {
        const key = await checkpointKey(s.io.env, s.paths);
        const sha = JSON.parse(readFileSync(file, "utf8")).context.ssotSha256 as string;
        try {
          (await loadResumable(file, s.paths, key))(sha);
        } catch (error) {
          expect(String(error), label).toMatch(/already finished \(blocked by B4′\)|ledger records run .* as blocked/);
        }
      }
    }
  }, 300_000);

  it("a store that stays broken from write N on: the packet is printed in full; once space is back the run resumes", async () => {
    const clean = await runWithFault(0, "ENOSPC");
    let printed = 0;
    for (let n = 1; n <= clean.writes; n += 1) {
      const { s, exit } = await runWithFault(n, "ENOSPC", true);
      const label = `writes ${n}.. of ${clean.writes} failed`;
      expect(exit, `${label}\n${s.stderr()}`).toBe(3);
      const summary = JSON.parse(s.stdout()) as Summary;
      expect(summary.blocker?.id, label).toBe("B-PERSIST");
      if (summary.packet === null) {
        printed += 1;
        const stderr = s.stderr();
        const json = stderr.slice(stderr.indexOf("--- packet JSON ---") + "--- packet JSON ---".length);
        expect(BlockerPacket.parse(JSON.parse(json)).blocker.id, label).toBe("B-PERSIST");
      }
      expect(walk(s.dir).filter((f) => f.endsWith(".tmp")), label).toEqual([]);
      // Space is back: resume (or, when no checkpoint was ever written, a new run) reaches the real end.
      const file = await newestCheckpoint(s.paths.checkpointsDir);
      let out = "";
      const again = await runCli(file === null ? ["run", "--json"] : ["resume", "--json"], { ...s.io, stdout: { write: (c: string) => (out += c) } });
      if (again === 2) expect(s.stderr(), label).toMatch(/already finished \(blocked by B4′\)/);
      else expect({ again, blocker: (JSON.parse(out) as Summary).blocker?.id }, label).toEqual({ again: 3, blocker: "B4′" });
    }
    expect(printed).toBeGreaterThan(0);
  }, 300_000);
});
