import { createHash } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatIssuePath, formatSsotError, hashBytes, loadSsot, SSOT_MAX_BYTES, type SsotLoadError } from "./load.ts";
import { tempDir } from "@macro/test-utils";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const fixture = (name: string) => join(repo, "fixtures/ssot", name);

async function loadError(path: string): Promise<SsotLoadError> {
  const result = await loadSsot(path);
  if (result.ok) throw new Error(`expected ${path} to be refused`);
  return result.error;
}

let scratch = "";
beforeAll(async () => {
  scratch = await tempDir("macro-ssot-load-");
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("loadSsot", () => {
  it("loads a valid SSOT and hashes its raw bytes", async () => {
    const path = fixture("valid.yaml");
    const result = await loadSsot(path);
    if (!result.ok) throw new Error(formatSsotError(result.error));
    const raw = await readFile(path);
    expect(result.value.sha256).toBe(createHash("sha256").update(raw).digest("hex"));
    expect(result.value.bytes).toBe(raw.byteLength);
    expect(result.value.path).toBe(path);
    expect(result.value.dir).toBe(join(repo, "fixtures/ssot"));
    expect(result.value.ssot.macro.id).toBe("PROGRAM_MACRO_CLOSE_PHASE2_OFFLINE_MVP_END_TO_END_ON_VPS_OR_APPROVED_CI");
  });

  it("loads the repo's own macro.yaml", async () => {
    const result = await loadSsot(join(repo, "macro.yaml"));
    if (!result.ok) throw new Error(formatSsotError(result.error));
    expect(result.value.ssot.sandbox.probes).toHaveLength(19);
  });

  it("resolves a relative path to an absolute one", async () => {
    const result = await loadSsot(relative(process.cwd(), join(repo, "macro.yaml")));
    if (!result.ok) throw new Error(formatSsotError(result.error));
    expect(result.value.path).toBe(join(repo, "macro.yaml"));
  });

  it("reports a missing file as SSOT_NOT_FOUND", async () => {
    const e = await loadError(join(scratch, "nope.yaml"));
    expect(e.code).toBe("SSOT_NOT_FOUND");
    expect(e.message).toContain("no such file");
  });

  it("reports a directory as SSOT_UNREADABLE, not a crash", async () => {
    const e = await loadError(scratch);
    expect(e.code).toBe("SSOT_UNREADABLE");
    expect(e.message).toMatch(/a directory, not a regular file/);
  });

  it("refuses a file over 1 MiB before parsing it", async () => {
    const path = join(scratch, "big.yaml");
    // Valid YAML that would parse fine: only the size may refuse it.
    await writeFile(path, `# ${"x".repeat(SSOT_MAX_BYTES)}\nversion: 1\n`);
    const e = await loadError(path);
    expect(e.code).toBe("SSOT_TOO_LARGE");
  });

  it("names file:line:col for a YAML syntax error", async () => {
    const path = fixture("yaml-syntax.yaml");
    const e = await loadError(path);
    expect(e.code).toBe("SSOT_YAML");
    expect(e.issues.length).toBeGreaterThan(0);
    expect(e.issues[0]?.path).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+$`));
  });

  it("rejects a duplicated key instead of letting the last one win", async () => {
    const e = await loadError(fixture("duplicate-key.yaml"));
    expect(e.code).toBe("SSOT_YAML");
    expect(e.issues[0]?.message).toContain("duplicated mapping key");
    expect(e.issues[0]?.path).toMatch(/duplicate-key\.yaml:3:1$/);
  });

  it("still accepts a few honest anchors and aliases", async () => {
    const text = await readFile(join(repo, "macro.yaml"), "utf8");
    const aliased = text
      .replace("seccompProfile: packages/sandbox/seccomp-deny-by-default.json", `seccompProfile: &seccomp ${join(repo, "packages/sandbox/seccomp-deny-by-default.json")}`)
      .replace("    seccomp: packages/sandbox/seccomp-deny-by-default.json", "    seccomp: *seccomp");
    expect(aliased).toContain("*seccomp");
    // Outside the repo, so the profile is named absolutely (the floor reads it at load).
    const path = join(scratch, "aliased.yaml");
    await writeFile(path, aliased);
    const result = await loadSsot(path);
    if (!result.ok) throw new Error(formatSsotError(result.error));
    expect(result.value.ssot.sandbox.runFlags.seccomp).toBe(result.value.ssot.sandbox.seccompProfile);
  });

  it("renders YAML issues as file:line:col: message", async () => {
    const e = await loadError(fixture("duplicate-key.yaml"));
    const lines = formatSsotError(e).split("\n");
    expect(lines[0]).toMatch(/^SSOT_YAML: /);
    expect(lines[1]).toMatch(/duplicate-key\.yaml:3:1: duplicated mapping key$/);
  });

  it("refuses a billion-laughs alias bomb without expanding it", async () => {
    const e = await loadError(fixture("alias-bomb.yaml"));
    expect(e.code).toBe("SSOT_ALIAS_BOMB");
  });

  it("rejects invalid UTF-8", async () => {
    const path = join(scratch, "latin1.yaml");
    await writeFile(path, Uint8Array.from([0x76, 0x3a, 0x20, 0xff, 0x0a]));
    const e = await loadError(path);
    expect(e.code).toBe("SSOT_YAML");
    expect(e.message).toContain("UTF-8");
  });

  it("names the exact path of a wrong type: venues.approved[1].match", async () => {
    const e = await loadError(fixture("bad-venue-match.yaml"));
    expect(e.code).toBe("SSOT_INVALID");
    expect(e.issues).toEqual([{ path: "venues.approved[1].match", message: "expected object, received string" }]);
  });

  it("renders one `<file>: <path>: <message>` line per issue", async () => {
    const shown = relative(process.cwd(), fixture("bad-venue-match.yaml"));
    const e = await loadError(shown);
    expect(formatSsotError(e).split("\n")).toContain(
      `${shown}: venues.approved[1].match: expected object, received string`,
    );
  });

  it("rejects an unknown key at its own path (the schemas are strict)", async () => {
    const e = await loadError(fixture("unknown-key.yaml"));
    expect(e.code).toBe("SSOT_INVALID");
    expect(e.issues.map((i) => i.path)).toEqual(["sandbox.freshnesDays"]);
    expect(e.issues[0]?.message).toContain("unknown key");
  });

  it("rejects an empty policy.forbiddenSideEffects", async () => {
    const e = await loadError(fixture("empty-policy.yaml"));
    expect(e.code).toBe("SSOT_INVALID");
    expect(e.issues).toEqual([{ path: "policy.forbiddenSideEffects", message: "an empty policy would forbid nothing" }]);
  });

  it("rejects two probes with the same id", async () => {
    const e = await loadError(fixture("duplicate-probe.yaml"));
    expect(e.code).toBe("SSOT_INVALID");
    expect(e.issues.map((i) => i.path)).toEqual(["sandbox.probes[15].id"]);
    expect(e.issues[0]?.message).toContain("duplicate probe id P15-KEYRING-EMPTY");
  });

  it("rejects an empty document with a root-level issue", async () => {
    const path = join(scratch, "empty.yaml");
    await writeFile(path, "# nothing here\n");
    const e = await loadError(path);
    expect(e.code).toBe("SSOT_INVALID");
    expect(e.issues[0]?.path).toBe("(root)");
  });
});

describe("formatIssuePath", () => {
  it("brackets indices and quotes keys that are not identifiers", () => {
    expect(formatIssuePath(["venues", "approved", 1, "match"])).toBe("venues.approved[1].match");
    expect(formatIssuePath(["blockers", 0, "id"])).toBe("blockers[0].id");
    expect(formatIssuePath(["sandbox", "runFlags", "env", "A B"])).toBe('sandbox.runFlags.env["A B"]');
    expect(formatIssuePath([])).toBe("(root)");
  });
});

describe("hashBytes", () => {
  it("is the lowercase hex sha256 of the bytes", () => {
    expect(hashBytes(new TextEncoder().encode("abc"))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
});
