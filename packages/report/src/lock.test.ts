import { describe, it, expect } from "vitest";
import { readdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { withFileLock } from "./lock.ts";
import { tempDir } from "@macro/test-utils";

const dir = () => tempDir("macro-report-lock-");

describe("withFileLock", () => {
  it("never lets two holders overlap and always releases", async () => {
    const d = await dir();
    const lock = join(d, "x.lock");
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        withFileLock(lock, async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await new Promise((r) => setImmediate(r));
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(await readdir(d)).toEqual([]);
  });

  it("releases the lock when the critical section throws", async () => {
    const d = await dir();
    const lock = join(d, "x.lock");
    await expect(withFileLock(lock, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await readdir(d)).toEqual([]);
  });

  it("gives up with LOCK_TIMEOUT while a live lock is held", async () => {
    const d = await dir();
    const lock = join(d, "x.lock");
    await writeFile(lock, "held by someone else");
    await expect(withFileLock(lock, async () => "ran", { timeoutMs: 0 })).rejects.toMatchObject({ code: "LOCK_TIMEOUT" });
    expect(await readdir(d)).toEqual(["x.lock"]);
  });

  it("takes over a stale lock left by a crashed process", async () => {
    const d = await dir();
    const lock = join(d, "x.lock");
    await writeFile(lock, "crashed");
    const old = new Date("2020-01-01T00:00:00Z");
    await utimes(lock, old, old);
    await expect(withFileLock(lock, async () => "ran", { timeoutMs: 0 })).resolves.toBe("ran");
    expect(await readdir(d)).toEqual([]);
  });
});
