import { describe, expect, it } from "vitest";
import { INPUTS_LABEL, pruneSuperseded } from "./image.ts";
import { memoryRecorder } from "./recorder.ts";

/** An engine that holds `tags` (all labelled) and refuses to untag those in `held`. */
function engineWith(tags: string[], held: string[] = []) {
  const asked: string[] = [];
  const untagged: string[] = [];
  return {
    asked,
    untagged,
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
    const pruned = await pruneSuperseded(eng, "tki-inspector:attest", "tki-inspector:attest-0123456789ab", recorder);
    expect(eng.asked).toEqual([`tki-inspector ${INPUTS_LABEL}`]);
    expect(pruned).toEqual(["tki-inspector:attest-aaaaaaaaaaaa", "tki-inspector:attest-bbbbbbbbbbbb"]);
    expect(eng.untagged).toEqual(pruned);
    expect(recorder.effects.map((e) => [e.kind, e.detail])).toEqual(pruned.map((p) => ["image-removed", p]));
  });

  it("keeps, and does not record, a tag the engine refuses to remove (a container uses its image)", async () => {
    const eng = engineWith(["reg.example:5000/team/tki:attest-aaaaaaaaaaaa", "reg.example:5000/team/tki:attest-bbbbbbbbbbbb"], ["reg.example:5000/team/tki:attest-aaaaaaaaaaaa"]);
    const recorder = memoryRecorder();
    const pruned = await pruneSuperseded(eng, "reg.example:5000/team/tki:attest", "reg.example:5000/team/tki:attest-cccccccccccc", recorder);
    expect(eng.asked).toEqual([`reg.example:5000/team/tki ${INPUTS_LABEL}`]);
    expect(pruned).toEqual(["reg.example:5000/team/tki:attest-bbbbbbbbbbbb"]);
    expect(recorder.effects.map((e) => e.detail)).toEqual(pruned);
  });

  it("asks about the repository's latest family when the moving tag has no tag part", async () => {
    const eng = engineWith(["tki:latest-aaaaaaaaaaaa", "tki:latest"]);
    expect(await pruneSuperseded(eng, "tki", "tki:latest-bbbbbbbbbbbb", memoryRecorder())).toEqual(["tki:latest-aaaaaaaaaaaa"]);
  });
});
