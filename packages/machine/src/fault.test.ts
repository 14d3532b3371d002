import { describe, expect, it } from "vitest";
import { FAILING, INPUT, fakeMachine } from "./_fakes.ts";
import { EngineFault, StorageFault, asEngineFault, asStorageFault } from "./fault.ts";
import { runMacro } from "./run.ts";

const errno = (code: string, path?: string) => Object.assign(new Error(`${code}: failed`), { code, ...(path === undefined ? {} : { path }) });

describe("storage faults", () => {
  it("classifies what the store refused, and only that", () => {
    expect(asStorageFault(errno("ENOSPC", "/r/reports/x"), ["/r/reports"])?.errno).toBe("ENOSPC");
    expect(asStorageFault(errno("EROFS"), []) ).toBeInstanceOf(StorageFault);
    expect(asStorageFault(errno("EACCES", "/elsewhere"), ["/r/reports"])?.path).toBe("/elsewhere");
    // A vanished store counts; a missing file elsewhere is not the store's fault.
    expect(asStorageFault(errno("ENOENT", "/r/reports/runs/a/x"), ["/r/reports"])).toBeInstanceOf(StorageFault);
    expect(asStorageFault(errno("ENOENT", "/r/reportsX/a"), ["/r/reports"])).toBeNull();
    expect(asStorageFault(errno("ENOENT", "/src/missing.ts"), ["/r/reports"])).toBeNull();
    expect(asStorageFault(new Error("plain"), ["/r"])).toBeNull();
    expect(asStorageFault(Object.assign(new Error("could not take ledger.lock"), { code: "LOCK_TIMEOUT" }), [])?.errno).toBe("LOCK_TIMEOUT");
    expect(asStorageFault("thrown string", ["/r"])).toBeNull();
  });

  it("a track whose write the store refuses halts at B-PERSIST (blocked, not aborted)", async () => {
    for (const track of ["ssot", "attest", "test", "persist"] as const) {
      const fault = () => Promise.reject(new StorageFault("ENOSPC", "/r/reports/x", "could not write /r/reports/x: ENOSPC"));
      const out = await runMacro(fakeMachine({ [track]: fault }), INPUT);
      expect(out.status, track).toBe("blocked");
      expect(out.blocker).toMatchObject({ id: "B-PERSIST", track, guard: "persisted" });
      expect(out.blocker?.reason).toContain("ENOSPC");
      expect(out.facts).toContainEqual(expect.objectContaining({ id: "persist.errno", value: "ENOSPC" }));
    }
  });

  it("any other error is still a defect, and a catalog without B-PERSIST aborts rather than inventing one", async () => {
    const out = await runMacro(fakeMachine({ build: () => Promise.reject(new Error("bug")) }), INPUT);
    expect(out.status).toBe("aborted");
    const noPersist = { ...INPUT, catalog: INPUT.catalog.filter((e) => e.id !== "B-PERSIST") };
    const fault = () => Promise.reject(new StorageFault("ENOSPC", null, "full"));
    expect((await runMacro(fakeMachine({ build: fault }), noPersist)).status).toBe("aborted");
    expect((await runMacro(fakeMachine(FAILING.persisted), INPUT)).blocker?.id).toBe("B-PERSIST");
  });

  it("an engine that goes away mid-step halts at B4′ (no execution surface), naming the connection", async () => {
    const gone = Object.assign(new Error("connect ENOENT /var/run/docker.sock"), { code: "ENOENT", syscall: "connect", address: "/var/run/docker.sock" });
    expect(asEngineFault(gone)?.address).toBe("/var/run/docker.sock");
    expect(asEngineFault(Object.assign(new Error("x"), { code: "ECONNRESET" }))).toBeInstanceOf(EngineFault);
    expect(asEngineFault(Object.assign(new Error("x"), { code: "ENOENT", syscall: "open", path: "/a" }))).toBeNull();
    const out = await runMacro(fakeMachine({ test: () => Promise.reject(asEngineFault(gone)) }), INPUT);
    expect(out.status).toBe("blocked");
    expect(out.blocker).toMatchObject({ id: "B4′", track: "test", guard: "hasExecutionSurface" });
    expect(out.facts).toContainEqual(expect.objectContaining({ id: "engine.errno", value: "ENOENT" }));
  });
});
