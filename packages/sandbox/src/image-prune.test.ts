import { describe, expect, it } from "vitest";
import { INPUTS_LABEL, pruneSuperseded } from "./image.ts";
import { memoryRecorder } from "./recorder.ts";

const NOW = Date.parse("2026-06-01T12:00:00Z");
const HOUR = 60 * 60_000;
const LONG_AGO = JSON.stringify(new Date(NOW - 2 * HOUR).toISOString());
const grace = { graceMs: HOUR, now: () => NOW };

interface Seen {
  /** `{{json .Metadata.LastTagTime}}` per ref; absent: tagged long ago. null: inspect fails. */
  tagged?: Record<string, string | null>;
  /** Containers using each ref's image; null: ps fails. */
  users?: Record<string, string[] | null>;
}

/** An engine that holds `tags` (all labelled) and refuses to untag those in `held`. */
function engineWith(tags: string[], held: string[] = [], seen: Seen = {}) {
  const asked: string[] = [];
  const untagged: string[] = [];
  const answer = (exitCode: number, stdout: string) => ({ exitCode, stdout, stderr: "", timedOut: false, aborted: false, spawnError: null });
  return {
    asked,
    untagged,
    async cli(args: readonly string[]) {
      const ref = args.at(-1) ?? "";
      if (args[0] === "image" && args[1] === "inspect") {
        const t = seen.tagged?.[ref];
        return t === null ? answer(1, "") : answer(0, `${t ?? LONG_AGO}\n`);
      }
      if (args[0] === "ps") {
        const image = /^ancestor=(.*)$/.exec(args.find((a) => a.startsWith("ancestor=")) ?? "")?.[1] ?? "";
        const u = seen.users?.[image];
        return u === null ? answer(1, "") : answer(0, (u ?? []).map((id) => `${id}\n`).join(""));
      }
      throw new Error(`unexpected cli ${args.join(" ")}`);
    },
    async listImageTags(repository: string, label: string) {
      asked.push(`${repository} ${label}`);
      return tags.filter((t) => t.startsWith(`${repository}:`));
    },
    async untagImage(ref: string) {
      if (held.includes(ref)) return false;
      untagged.push(ref);
      return true;
    },
  };
}

describe("pruneSuperseded", () => {
  it("removes only the other digest tags of the moving tag's family, in order, and records each", async () => {
    const eng = engineWith([
      "tki-inspector:attest-bbbbbbbbbbbb",
      "tki-inspector:attest",
      "tki-inspector:attest-0123456789ab",
      "tki-inspector:attest-aaaaaaaaaaaa",
      "tki-inspector:attest-AAAAAAAAAAAA",
      "tki-inspector:attest-aaaaaaaaaaaaa",
      "tki-inspector:other-cccccccccccc",
      "tki-inspector:attest-extra",
    ]);
    const recorder = memoryRecorder();
    const pruned = await pruneSuperseded(eng, "tki-inspector:attest", "tki-inspector:attest-0123456789ab", recorder, grace);
    expect(eng.asked).toEqual([`tki-inspector ${INPUTS_LABEL}`]);
    expect(pruned).toEqual(["tki-inspector:attest-aaaaaaaaaaaa", "tki-inspector:attest-bbbbbbbbbbbb"]);
    expect(eng.untagged).toEqual(pruned);
    expect(recorder.effects.map((e) => [e.kind, e.detail])).toEqual(pruned.map((p) => ["image-removed", p]));
  });

  it("keeps, and does not record, a tag the engine refuses to remove (a container uses its image)", async () => {
    const eng = engineWith(["reg.example:5000/team/tki:attest-aaaaaaaaaaaa", "reg.example:5000/team/tki:attest-bbbbbbbbbbbb"], ["reg.example:5000/team/tki:attest-aaaaaaaaaaaa"]);
    const recorder = memoryRecorder();
    const pruned = await pruneSuperseded(eng, "reg.example:5000/team/tki:attest", "reg.example:5000/team/tki:attest-cccccccccccc", recorder, grace);
    expect(eng.asked).toEqual([`reg.example:5000/team/tki ${INPUTS_LABEL}`]);
    expect(pruned).toEqual(["reg.example:5000/team/tki:attest-bbbbbbbbbbbb"]);
    expect(recorder.effects.map((e) => e.detail)).toEqual(pruned);
  });

  it("asks about the repository's latest family when the moving tag has no tag part", async () => {
    const eng = engineWith(["tki:latest-aaaaaaaaaaaa", "tki:latest"]);
    expect(await pruneSuperseded(eng, "tki", "tki:latest-bbbbbbbbbbbb", memoryRecorder(), grace)).toEqual(["tki:latest-aaaaaaaaaaaa"]);
  });

  describe("a concurrent run may still be using a superseded tag", () => {
    const A = "tki-inspector:attest-aaaaaaaaaaaa";
    const B = "tki-inspector:attest-bbbbbbbbbbbb";
    const prune = (seen: Seen) => {
      const eng = engineWith([A, B], [], seen);
      return pruneSuperseded(eng, "tki-inspector:attest", "tki-inspector:attest-cccccccccccc", memoryRecorder(), grace).then((pruned) => ({ pruned, untagged: eng.untagged }));
    };

    it("keeps a tag whose image any container uses, in any state", async () => {
      expect(await prune({ users: { [A]: ["c0ffee"] } })).toEqual({ pruned: [B], untagged: [B] });
    });

    it("keeps a tag whose image a run took up within the grace period (its LastTagTime), prunes it after", async () => {
      const recent = JSON.stringify(new Date(NOW - HOUR + 1000).toISOString());
      const older = JSON.stringify(new Date(NOW - HOUR - 1000).toISOString());
      expect(await prune({ tagged: { [A]: recent, [B]: older } })).toEqual({ pruned: [B], untagged: [B] });
    });

    it("keeps a tag when the engine cannot say who uses it or when it was tagged (never a guess)", async () => {
      expect(await prune({ users: { [A]: null } })).toEqual({ pruned: [B], untagged: [B] });
      expect(await prune({ tagged: { [A]: null } })).toEqual({ pruned: [B], untagged: [B] });
      expect(await prune({ tagged: { [A]: "not json", [B]: '"no date"' } })).toEqual({ pruned: [], untagged: [] });
    });

    it("prunes an image never tagged since it was loaded (docker's year-1 LastTagTime)", async () => {
      expect(await prune({ tagged: { [A]: '"0001-01-01T00:00:00Z"' } })).toEqual({ pruned: [A, B], untagged: [A, B] });
    });
  });
});
