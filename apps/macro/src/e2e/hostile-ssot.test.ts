import { spawnSync, execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { macro, repoRoot } from "./harness.ts";
import { replaceLine, scratchDir, ssotVariant } from "./hostile-support.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const scratch = () => {
  const d = scratchDir();
  dirs.push(d);
  return d;
};
const fifo = (dir: string, name: string) => {
  const p = join(dir, name);
  execFileSync("mkfifo", [p]);
  return p;
};

/** `macro run` on a hostile SSOT: exit 2, the file and field named, nothing written anywhere. */
function refused(ssot: string, scratchRoot: string, ...named: (string | RegExp)[]): string {
  const run = macro(["run", "--ssot", ssot], {}, scratchRoot);
  expect(run.status, run.stderr).toBe(2);
  expect(run.stderr).not.toMatch(/internal defect|\n\s+at /);
  for (const n of named) expect(run.stderr).toMatch(typeof n === "string" ? new RegExp(n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : n);
  expect(existsSync(run.reports), "reports/ was created").toBe(false);
  expect(existsSync(run.checkpoints), "checkpoints/ was created").toBe(false);
  return run.stderr;
}

describe("hostile SSOT files are exit 2 with nothing written", () => {
  it("the SSOT as a FIFO, a device, a directory (never blocks, never reads without end)", () => {
    const s = scratch();
    refused(fifo(s, "fifo.yaml"), s, "fifo.yaml", "FIFO");
    refused("/dev/zero", s, "/dev/zero", "character device");
    refused(s, s, "a directory");
  });

  it("a file the SSOT names as a FIFO or a device: matrix, Dockerfile, seccomp profile, keys", () => {
    const s = scratch();
    const matrixLine = `  path: ${join(repoRoot, "fixtures/acceptance-matrix.yaml")}`;
    const cases: [string, (t: string) => string, string][] = [
      ["matrix.path", (t) => replaceLine(t, matrixLine, `  path: ${fifo(s, "matrix.yaml")}`), "matrix.yaml"],
      ["sandbox.dockerfile", (t) => replaceLine(t, `  dockerfile: ${join(repoRoot, "packages/sandbox/Dockerfile.sandbox")}`, `  dockerfile: ${fifo(s, "Dockerfile")}`), "Dockerfile"],
      ["sandbox.seccompProfile", (t) => replaceLine(t, `  seccompProfile: ${join(repoRoot, "packages/sandbox/seccomp-deny-by-default.json")}`, "  seccompProfile: /dev/zero"), "/dev/zero"],
      ["sandbox.signing.trustedKeys[0]", (t) => replaceLine(t, "    trustedKeys: []", `    trustedKeys: ["${fifo(s, "trusted.pub.pem")}"]`), "trusted.pub.pem"],
      ["sandbox.signing.signingKey", (t) => replaceLine(t, "    signingKey: null", "    signingKey: /dev/urandom"), "/dev/urandom"],
    ];
    for (const [field, edit, file] of cases) {
      const d = scratch();
      refused(ssotVariant(d, edit), d, field, file);
    }
  });

  it("files the SSOT names that are there but wrong: an emptied or one-row matrix, a profile with a duplicate key, a key that is no key", () => {
    const matrixText = readFileSync(join(repoRoot, "fixtures/acceptance-matrix.yaml"), "utf8");
    const oneRow = matrixText.slice(0, matrixText.indexOf('  - id: "#02"'));
    const variants: [string, string, (d: string) => (t: string) => string, string | RegExp][] = [
      ["emptied matrix", "matrix.yaml", () => (t) => t, /missing rows: #01, #02/],
      ["one-row matrix", "matrix.yaml", () => (t) => t, /missing rows: #02/],
      ["duplicate-key seccomp profile", "seccomp.json", () => (t) => t, /JSON_DUPLICATE_KEY/],
      ["a trusted key that is not PEM", "k.pem", () => (t) => t, /not a PEM public key/],
    ];
    for (const [name, file, , expected] of variants) {
      const d = scratch();
      const path = join(d, file);
      let edit: (t: string) => string;
      if (name === "emptied matrix") {
        writeFileSync(path, "version: 1\nrows: []\n");
        edit = (t) => replaceLine(t, `  path: ${join(repoRoot, "fixtures/acceptance-matrix.yaml")}`, `  path: ${path}`);
      } else if (name === "one-row matrix") {
        writeFileSync(path, oneRow);
        edit = (t) => replaceLine(t, `  path: ${join(repoRoot, "fixtures/acceptance-matrix.yaml")}`, `  path: ${path}`);
      } else if (name === "duplicate-key seccomp profile") {
        writeFileSync(path, '{"defaultAction":"SCMP_ACT_ALLOW","defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"syscalls":[]}');
        // Both names of the profile: the floor refuses a run that would not use the profile it attests.
        const profile = join(repoRoot, "packages/sandbox/seccomp-deny-by-default.json");
        edit = (t) => replaceLine(replaceLine(t, `  seccompProfile: ${profile}`, `  seccompProfile: ${path}`), `    seccomp: ${profile}`, `    seccomp: ${path}`);
      } else {
        writeFileSync(path, "not a key\n");
        edit = (t) => replaceLine(t, "    trustedKeys: []", `    trustedKeys: ["${path}"]`);
      }
      refused(ssotVariant(d, edit), d, expected, file);
    }
  });

  it("a guard name the machine does not have, a freshness bound that never ends, signing required with no trusted key", () => {
    const cases: [(t: string) => string, string][] = [
      [(t) => replaceLine(t, "    guards: [ssotUnchanged]", "    guards: [ssotUnchanged, noSuchGuard]"), "blockers[0].guards[1]"],
      [(t) => replaceLine(t, "  freshnessDays: 7", "  freshnessDays: 1000000"), "sandbox.freshnessDays"],
      [(t) => replaceLine(t, "    required: false", "    required: true"), "sandbox.signing.required"],
      [(t) => replaceLine(t, "    memory: 256m", '    memory: "0"'), "sandbox.runFlags.memory"],
    ];
    for (const [edit, field] of cases) {
      const d = scratch();
      refused(ssotVariant(d, edit), d, field);
    }
  });

  it("every alias-bomb variant, refused at load", () => {
    const chain = ["l0: &l0 [x, x]"];
    for (let i = 1; i < 48; i += 1) chain.push(`l${i}: &l${i} [*l${i - 1}, *l${i - 1}]`);
    const big = `s: &s "${"A".repeat(100 * 1024)}"\n`;
    const merge = ["b0: &b0 {a: 1, b: 2}"];
    for (let i = 1; i < 40; i += 1) merge.push(`b${i}: &b${i} {"<<": *b${i - 1}, x: *b${i - 1}}`);
    const bombs: [string, string][] = [
      ["chain.yaml", `${chain.join("\n")}\n`],
      ["self.yaml", "version: 1\nmacro: &m {id: X, self: *m}\n"],
      ["self-seq.yaml", "a: &a [*a]\n"],
      ["strings.yaml", `${big}list: [${Array(2000).fill("*s").join(", ")}]\n`],
      ["keys.yaml", `${big}? [${Array(2000).fill("*s").join(", ")}]\n: 1\n`],
      ["merge.yaml", `${merge.join("\n")}\n`],
      ["deep.yaml", `${"[".repeat(50_000)}${"]".repeat(50_000)}\n`],
    ];
    for (const [name, text] of bombs) {
      const d = scratch();
      const file = join(d, name);
      writeFileSync(file, text);
      refused(file, d, name, /SSOT_ALIAS_BOMB|alias|cycle|nested deeper/);
    }
  });

  it("run --ssot with an absolute path, started from another directory, is no defect", () => {
    const d = scratch();
    const result = spawnSync(process.execPath, [join(repoRoot, "apps/macro/bin.cjs"), "run", "--ssot", join(repoRoot, "macro.yaml")], {
      cwd: d,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", HOME: d, CI: "false", DOCKER_HOST: "unix:///nonexistent/docker.sock", CONTAINER_HOST: "unix:///nonexistent/podman.sock" },
    });
    // No engine here: blocked at the venue (3), with its packet written under the other directory.
    expect(result.status, result.stderr).toBe(3);
    expect(existsSync(join(d, "reports"))).toBe(true);
  });
});
