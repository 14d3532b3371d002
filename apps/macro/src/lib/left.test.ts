import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDirSync } from "@macro/test-utils";
import type { Io } from "./io.ts";
import { traceCommand, withLeft, type Left } from "./left.ts";

function setup() {
  const cwd = tempDirSync("macro-left-");
  const paths = { cwd, ssot: join(cwd, "macro.yaml"), reportsDir: join(cwd, "reports"), checkpointsDir: join(cwd, "checkpoints") };
  mkdirSync(paths.reportsDir);
  writeFileSync(join(paths.reportsDir, "old.json"), "{}");
  writeFileSync(join(paths.reportsDir, "ledger.ndjson"), "a\n");
  const tmp = tempDirSync("macro-left-tmp-");
  const env: Record<string, string | undefined> = { TMPDIR: tmp, DOCKER_HOST: "unix:///nonexistent/docker.sock", CONTAINER_HOST: "unix:///nonexistent/podman.sock", PATH: process.env["PATH"] };
  const io = { stdout: { write: () => true }, stderr: { write: () => true }, env, cwd, signal: new AbortController().signal } satisfies Io;
  return { io, paths, tmp };
}

describe("traceCommand", () => {
  it("names the files a command wrote or changed under reports/ and checkpoints/, and nothing it did not touch", async () => {
    const { io, paths } = setup();
    const trace = traceCommand(io, paths);
    writeFileSync(join(paths.reportsDir, "ledger.ndjson"), "a\nb\n");
    mkdirSync(join(paths.reportsDir, "run-1"));
    mkdirSync(paths.checkpointsDir);
    writeFileSync(join(paths.checkpointsDir, "run-1.checkpoint.json"), "{}");
    const left = await trace.close([], null);
    expect(left).toEqual({ files: ["checkpoints/run-1.checkpoint.json", "reports/ledger.ndjson", "reports/run-1/"], containers: [], images: [], pruned: [], temp: [] } satisfies Left);
  });

  it("gives the command (and what it starts) a temp dir of its own, reports what is left in it, removes it and restores TMPDIR", async () => {
    const { io, paths, tmp } = setup();
    const trace = traceCommand(io, paths);
    const own = io.env["TMPDIR"] ?? "";
    expect(own.startsWith(join(tmp, "macro-cli-"))).toBe(true);
    mkdtempSync(join(own, "macro-sandbox-build-"));
    const left = await trace.close([], null);
    expect(left.temp).toHaveLength(1);
    expect(left.temp[0]).toMatch(/\/macro-cli-\w+\/macro-sandbox-build-\w+$/);
    expect(existsSync(own)).toBe(false);
    expect(io.env["TMPDIR"]).toBe(tmp);
  });

  it("reports the superseded tags it removed, and every container it made when no engine can show them gone", async () => {
    const { io, paths } = setup();
    const trace = traceCommand(io, paths);
    const at = new Date().toISOString();
    const left = await trace.close(
      [
        { kind: "container-created", detail: "macro-sbx-1 from tki-inspector:attest-0123456789ab", at },
        { kind: "container-removed", detail: "macro-sbx-1", at },
        { kind: "image-removed", detail: "tki-inspector:attest-aaaaaaaaaaaa", at },
      ],
      "tki-inspector:attest",
    );
    expect(left.pruned).toEqual(["tki-inspector:attest-aaaaaaaaaaaa"]);
    expect(left.containers).toEqual(["macro-sbx-1"]);
    expect(left.images).toEqual([]);
  });
});

describe("withLeft", () => {
  const left: Left = { files: ["reports/x.json"], containers: [], images: ["tki-inspector:attest"], pruned: [], temp: [] };
  it("adds `left` to a JSON object summary", () => {
    expect(JSON.parse(withLeft('{"verdict":"clean"}\n', left))).toEqual({ verdict: "clean", left });
  });
  it("leaves anything else as it is", () => {
    for (const text of ["", "report written\n", "[1]", "null", '"s"']) expect(withLeft(text, left)).toBe(text);
  });
});
