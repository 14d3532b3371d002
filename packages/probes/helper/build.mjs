// Compiles the static syscall helper into dist/. Fails loudly on Linux when gcc is missing: a
// build without the helper would produce an attestation image whose syscall probes cannot
// measure. Elsewhere (a macOS laptop) there is no helper to build — the sandbox is a Linux
// container and such a venue is rejected before B4′ — so the build goes on without it and the
// run can still write its blocker packet.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");
const cc = process.env.CC ?? "gcc";
// An explicit output path (used by the in-container test) or dist/syscall-probe.
const out = process.argv[2] ?? join(pkg, "dist", "syscall-probe");
if (process.platform !== "linux") {
  console.warn(`helper/build.mjs: not on Linux (${process.platform}): the x86_64 Linux syscall helper is not built; B4′ cannot run here.`);
  process.exit(0);
}
mkdirSync(dirname(out), { recursive: true });
const args = ["-static", "-Os", "-Wall", "-Wextra", "-Werror", "-o", out, join(pkg, "helper", "syscall-probe.c")];
const run = spawnSync(cc, args, { stdio: "inherit" });
if (run.error || run.status !== 0) {
  const why = run.error ? run.error.message : `exit ${run.status}`;
  console.error(`helper/build.mjs: could not compile the syscall helper with ${cc} (${why}).`);
  console.error("Install gcc and the static C library (Debian: apt-get install gcc libc6-dev) and rebuild.");
  process.exit(1);
}
console.log(`helper/build.mjs: built ${out}`);
