import type { BlockerPacket, Ssot } from "@macro/ssot";
import { cell, code, inline, paragraph, table } from "./markdown.ts";

export const OPERATOR_SECTIONS = [
  "1. Prerequisites",
  "2. Commands",
  "3. What the probes must observe",
  "4. What to return, and where",
  "5. How it will be verified",
  "6. If the venue cannot run it",
] as const;

/** `checkpoints/operator-packet-<blocker>-<date>-<runId>.md`: one per run, so no run's record loses its runbook to the next. */
export function operatorPacketName(blockerSlug: string, date: string, runId: string): string {
  return `operator-packet-${blockerSlug}-${date}-${runId}.md`;
}

const json = (value: unknown) => JSON.stringify(value);

/**
 * The operator's runbook for a blocker they own: self-contained (it is handed to someone who
 * has not seen the run), generated from the SSOT and the packet, deterministic like the packet.
 */
export function renderOperatorPacket(ssot: Ssot, packet: BlockerPacket): string {
  const date = packet.generatedAt.slice(0, 10);
  const flags = ssot.sandbox.runFlags;
  const venues = ssot.venues.approved.map((v) => [v.id, v.title, v.description]);
  const actions = packet.nextActions.filter((a) => a.owner === "operator");
  const verify = packet.nextActions.flatMap((a) => a.commands).filter((c) => c.includes("macro verify"));
  const bundle = `reports/sandbox-attestation-evidence-<venue>-${date}-<digest>.json`;
  return [
    `# Operator packet — ${inline(packet.blocker.id)}: ${inline(packet.blocker.title)}`,
    "",
    paragraph(
      `For ${ssot.owners.operator.name}. Generated from run ${packet.runId} of macro ${ssot.macro.id} (SSOT sha256 ${packet.macro.ssotSha256}). ` +
        `The run stopped at ${packet.stoppedAt.trackTitle}: ${packet.stoppedAt.why}`,
    ),
    "",
    `## ${OPERATOR_SECTIONS[0]}`,
    "",
    "Run this only on an approved venue, never on a production container, network or volume:",
    "",
    table(["Venue", "What it is", "How it is recognised"], venues.map((row) => row.map((c) => cell(c ?? "")))),
    "",
    "- Linux with a Docker or Podman engine that this user may create containers on (`docker info` answers).",
    "- Node.js 20 and pnpm 10 (`npm i -g pnpm@10.34.9`), gcc for the static syscall helper, and a checkout of this repository at the commit the SSOT hash above belongs to.",
    "- No registry is needed: the image is built offline `FROM scratch` from the host's own Node.js.",
    "",
    `## ${OPERATOR_SECTIONS[1]}`,
    "",
    ...actions.flatMap((a) => [`**${inline(a.step)}** — ${prose(a.action)}`, "", "```sh", ...a.commands, "```", ""]),
    `The container runs with: ${code(`--rm --network ${flags.network}${flags.readOnly ? " --read-only" : ""} --cap-drop ${flags.capDrop.join(",")}${flags.noNewPrivileges ? " --security-opt no-new-privileges" : ""} --security-opt seccomp=${flags.seccomp} --user ${flags.user}${flags.pidsLimit === null ? "" : ` --pids-limit ${flags.pidsLimit}`}${flags.memory === null ? "" : ` --memory ${flags.memory}`}`, false)}.`,
    "",
    `## ${OPERATOR_SECTIONS[2]}`,
    "",
    table(
      ["Probe", "What it checks", "Expected"],
      ssot.sandbox.probes.map((p) => [code(p.id, true), cell(p.title), cell(Object.entries(p.expected).map(([k, v]) => `${k} = ${json(v)}`).join("\n"))]),
    ),
    "",
    "Any probe that is not PASS (FAIL, INCONCLUSIVE, NOT_RUN_UNSAFE, ERROR) fails the attestation closed. No probe sends a packet off the machine.",
    "",
    `## ${OPERATOR_SECTIONS[3]}`,
    "",
    paragraph(
      `Return the bundle the attest command wrote, unchanged, at ${code(bundle, false)} (with <venue> the venue and <digest> the first 16 hex of its sha256, as it printed). ` +
        "It is an in-toto Statement v1 in a DSSE envelope, and it counts only when signed by an ed25519 key the SSOT trusts: unsigned, it is UNAUTHENTICATED and never accepted as B4′. " +
        `To sign: ${code("pnpm macro keygen --out keys", false)} once (the private key ${code("keys/attest-signing.key", false)} never leaves the venue), then ${code("pnpm macro attest --venue <venue> --key keys/attest-signing.key", false)}; ` +
        `return ${code("keys/attest-signing.pub", false)} too, for the owner to add to ${code("sandbox.signing.trustedKeys", false)} in the SSOT.`,
    ),
    "",
    `## ${OPERATOR_SECTIONS[4]}`,
    "",
    "```sh",
    ...(verify.length > 0 ? verify : ["pnpm macro verify <bundle>"]),
    "```",
    "",
    paragraph(
      "Read-only. Accepted only when: the statement type and predicate type are right; the subjects' sha256 match the local Dockerfile, seccomp profile, probe bundle and syscall helper; " +
        `the venue is approved (${ssot.venues.approved.map((v) => v.id).join(", ")}) and not rejected (${ssot.venues.rejected.map((v) => v.id).join(", ")}); ` +
        `it is at most ${ssot.sandbox.freshnessDays} days old and not from the future; the probe set is exactly the SSOT's; every verdict recomputed from expected and actual is PASS; the run flags are the SSOT's.`,
    ),
    "",
    `## ${OPERATOR_SECTIONS[5]}`,
    "",
    paragraph(packet.fallback),
    "",
  ].join("\n");
}

function prose(text: string): string {
  return paragraph(text).replace(/\n+/g, " ");
}
