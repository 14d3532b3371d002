import { isDeepStrictEqual } from "node:util";
import {
  ENGINE_DEFAULT_MASKED_PATHS,
  ENGINE_DEFAULT_PATH_ENV,
  ENGINE_DEFAULT_READONLY_PATHS,
  compareEngineViews,
  engineViewDigest,
  runFlagFloorIssues,
  sizeBytes,
  type EngineView,
  type SandboxAttestationPredicate,
} from "@macro/ssot";
import { reason, type Reason } from "./reason.ts";
import { localSeccompDigest, type SandboxFiles } from "./statement.ts";

/** An `attest --profile` experiment is never B4′, whatever else it proves. */
export function checkVariant(p: SandboxAttestationPredicate): Reason[] {
  return p.variant === null
    ? []
    : [reason("VARIANT", `the bundle is the variant "${p.variant}" (macro attest --profile), an experiment that never counts as B4′`, "predicate.variant")];
}

/** Flags below the floor attest a sandbox weaker than any SSOT may ask for, however they got into the bundle. */
export function checkFloor(p: SandboxAttestationPredicate): Reason[] {
  return runFlagFloorIssues(p.runFlags).map((i) => reason("BELOW_FLOOR", `${i.path.replace(/^sandbox\./, "")}: ${i.message}`, `predicate.${i.path.replace(/^sandbox\./, "")}`));
}

const capName = (c: string): string => c.toUpperCase().replace(/^CAP_/, "");

/** The fields of the requested view that the run flags alone decide. */
function fromRunFlags(p: SandboxAttestationPredicate, files: SandboxFiles): Partial<EngineView> {
  const f = p.runFlags;
  const memory = f.memory === null ? 0 : (sizeBytes(f.memory) ?? -1);
  const colon = f.tmpfs?.indexOf(":") ?? -1;
  const tmpfs = f.tmpfs === null ? {} : colon === -1 ? { [f.tmpfs]: "" } : { [f.tmpfs.slice(0, colon)]: f.tmpfs.slice(colon + 1) };
  const seccomp = f.seccomp === "unconfined" ? "unconfined" : f.seccomp === "default" ? "engine-default" : `sha256:${localSeccompDigest(files.seccompProfile)}`;
  return {
    networkMode: f.network,
    pidMode: "",
    ipcMode: "private",
    utsMode: "",
    usernsMode: "",
    cgroupnsMode: "private",
    cgroup: "",
    privileged: false,
    capAdd: f.capAdd.map(capName).sort(),
    capDrop: f.capDrop.map(capName).sort(),
    noNewPrivileges: f.noNewPrivileges,
    seccomp,
    securityOpt: [],
    readonlyRootfs: f.readOnly,
    user: f.user,
    pidsLimit: f.pidsLimit,
    memory,
    memorySwap: memory,
    tmpfs,
    groupAdd: [],
    devices: [],
    deviceCgroupRules: [],
    sysctls: {},
    ulimits: [],
    maskedPaths: [...ENGINE_DEFAULT_MASKED_PATHS],
    readonlyPaths: [...ENGINE_DEFAULT_READONLY_PATHS],
  };
}

/**
 * The engine record in the bundle: its digest, the image it names, the request it holds (as the
 * run flags and the local seccomp profile say it must be), and the record held to the request
 * again here — a producer cannot carry a differing record past the verifier.
 */
export function checkEngineRecordView(p: SandboxAttestationPredicate, files: SandboxFiles): Reason[] {
  const { requested, reported, reportedSha256, imageId } = p.engineRecord;
  const reasons: Reason[] = [];
  if (engineViewDigest(reported) !== reportedSha256) {
    reasons.push(reason("ENGINE_RECORD_DIGEST", `engineRecord.reportedSha256 ${reportedSha256} is not the digest of the recorded view (${engineViewDigest(reported)})`, "predicate.engineRecord.reportedSha256"));
  }
  if (imageId !== p.image.id) {
    reasons.push(reason("ENGINE_RECORD_IMAGE", `the engine created the container from ${imageId}, not the attested image ${p.image.id}`, "predicate.engineRecord.imageId"));
  }
  const want = fromRunFlags(p, files);
  const off = (Object.keys(want) as (keyof EngineView)[]).filter((k) => !isDeepStrictEqual(requested[k], want[k]));
  const envKeys = requested.env.map((e) => e.split("=")[0]).sort();
  const wantEnv = [...new Set([...Object.keys(p.runFlags.env), ENGINE_DEFAULT_PATH_ENV.split("=")[0] ?? "PATH"])].sort();
  if (!isDeepStrictEqual(envKeys, wantEnv)) off.push("env");
  const mountTargets = requested.mounts.map((m) => m.replace(/^bind:.*->/, "")).sort();
  const wantMounts = p.runFlags.mounts.map((m) => `${m.target}:${m.readOnly ? "ro" : "rw"}`).sort();
  if (!isDeepStrictEqual(mountTargets, wantMounts)) off.push("mounts");
  if (off.length > 0) {
    reasons.push(reason("ENGINE_RECORD_REQUEST", `the request in the engine record is not what the run flags ask for: ${off.join(", ")}`, "predicate.engineRecord.requested"));
  }
  const differences = compareEngineViews(requested, reported);
  if (differences.length > 0) {
    reasons.push(reason("ENGINE_RECORD_MISMATCH", `the engine recorded a container other than the one requested: ${differences.map((d) => d.field).join(", ")}`, "predicate.engineRecord.reported"));
  }
  return reasons;
}
