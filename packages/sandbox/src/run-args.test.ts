import { describe, expect, it } from "vitest";
import type { RunFlags } from "@macro/ssot";
import { InputError } from "@macro/ssot";
import { REFERENCE_STRICT_RUN_FLAGS } from "./reference-profile.ts";
import { buildRunArgs } from "./run-args.ts";

const strict = REFERENCE_STRICT_RUN_FLAGS;
const build = (flags: RunFlags, mounts?: { source: string; target: string; readOnly: boolean }[]) =>
  buildRunArgs({ name: "macro-test", image: "img:1", flags, seccompProfilePath: "/p/seccomp.json", command: ["-e", "0"], ...(mounts ? { mounts } : {}) });

/** The value following each occurrence of a flag. */
const values = (args: string[], flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1] ?? ""] : []));

describe("buildRunArgs", () => {
  it("builds the full strict command line, image and command last", () => {
    const { args, env } = build(strict);
    expect(args).toEqual([
      "--rm", "--pull", "never", "--name", "macro-test", "--label", "macro.sandbox=1", "--cgroupns", "private",
      "--network", "none", "--read-only", "--cap-drop", "ALL",
      "--security-opt", "no-new-privileges", "--security-opt", "seccomp=/p/seccomp.json",
      "--user", "65534:65534", "--pids-limit", "64", "--memory", "512m",
      "--tmpfs", "/tmp:rw,noexec,nosuid,nodev,size=64m",
      "img:1", "-e", "0",
    ]);
    expect(env).toEqual({});
  });

  it("seccomp unconfined yields seccomp=unconfined and never the profile path", () => {
    const { args } = build({ ...strict, seccomp: "unconfined" });
    expect(values(args, "--security-opt")).toEqual(["no-new-privileges", "seccomp=unconfined"]);
  });

  it("capAdd adds --cap-add per capability after the drop", () => {
    const { args } = build({ ...strict, capAdd: ["SYS_ADMIN", "NET_RAW"] });
    expect(values(args, "--cap-drop")).toEqual(["ALL"]);
    expect(values(args, "--cap-add")).toEqual(["SYS_ADMIN", "NET_RAW"]);
  });

  it("readOnly false drops --read-only; noNewPrivileges false drops the security opt", () => {
    const { args } = build({ ...strict, readOnly: false, noNewPrivileges: false });
    expect(args).not.toContain("--read-only");
    expect(values(args, "--security-opt")).toEqual(["seccomp=/p/seccomp.json"]);
  });

  it("user 0:0 runs as root", () => {
    expect(values(build({ ...strict, user: "0:0" }).args, "--user")).toEqual(["0:0"]);
  });

  it("pidsLimit, memory and tmpfs null drop their flags", () => {
    const { args } = build({ ...strict, pidsLimit: null, memory: null, tmpfs: null });
    for (const flag of ["--pids-limit", "--memory", "--tmpfs"]) expect(args).not.toContain(flag);
  });

  it("an internal network name replaces none", () => {
    expect(values(build({ ...strict, network: "macro-internal" }).args, "--network")).toEqual(["macro-internal"]);
  });

  it("env values go to the CLI environment, only names on the command line", () => {
    const { args, env } = build({ ...strict, env: { AWS_SECRET_ACCESS_KEY: "s3cr3t", A: "1" } });
    expect(values(args, "-e").slice(0, 2)).toEqual(["A", "AWS_SECRET_ACCESS_KEY"]);
    expect(args.join(" ")).not.toContain("s3cr3t");
    expect(env).toEqual({ A: "1", AWS_SECRET_ACCESS_KEY: "s3cr3t" });
  });

  it("an engine socket mount declared by the profile is mounted as declared (writable)", () => {
    const { args } = build({ ...strict, mounts: [{ source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly: false }] });
    expect(values(args, "--mount")).toEqual(["type=bind,src=/var/run/docker.sock,dst=/var/run/docker.sock"]);
  });

  it("caller mounts are read-only; a writable one needs the profile to declare its target writable", () => {
    const ro = build(strict, [{ source: "/in/packet", target: "/in", readOnly: true }]);
    expect(values(ro.args, "--mount")).toEqual(["type=bind,src=/in/packet,dst=/in,readonly"]);
    expect(() => build(strict, [{ source: "/tmp/out", target: "/out", readOnly: false }])).toThrow(InputError);
    const declared = { ...strict, mounts: [{ source: "/placeholder", target: "/out", readOnly: false }] };
    const rw = build(declared, [{ source: "/runs/1/out", target: "/out", readOnly: false }]);
    expect(values(rw.args, "--mount")).toEqual(["type=bind,src=/runs/1/out,dst=/out"]);
  });

  it("relative mount sources are made absolute", () => {
    const { args } = build(strict, [{ source: "rel/dir", target: "/in", readOnly: true }]);
    expect(values(args, "--mount")[0]).toMatch(/^type=bind,src=\/.+\/rel\/dir,dst=\/in,readonly$/);
  });

  it("rejects mount paths with commas (they would add --mount options)", () => {
    expect(() => build(strict, [{ source: "/in,readonly=false", target: "/in", readOnly: true }])).toThrow(InputError);
    expect(() => build(strict, [{ source: "/in", target: "/in,bind-propagation=shared", readOnly: true }])).toThrow(InputError);
  });
});
