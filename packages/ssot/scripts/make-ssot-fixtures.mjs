#!/usr/bin/env node
// Regenerates fixtures/ssot/*.yaml from the repo's macro.yaml, so the bad SSOTs differ from
// the good one in exactly the one place each test is about. Run after editing macro.yaml:
//   node packages/ssot/scripts/make-ssot-fixtures.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const source = readFileSync(`${root}macro.yaml`, "utf8");
// The editor hint points at a path relative to the repo root; it would be wrong in fixtures/.
// The floor reads the seccomp profile at load, so its paths must resolve from fixtures/ssot/.
const body = source
  .slice(source.indexOf("\n") + 1)
  .replace("  seccompProfile: packages/", "  seccompProfile: ../../packages/")
  .replace("    seccomp: packages/", "    seccomp: ../../packages/");

function variant(find, replace) {
  if (!body.includes(find)) throw new Error(`macro.yaml no longer contains:\n${find}`);
  return body.replace(find, replace);
}

const fixtures = {
  "valid.yaml": ["A valid SSOT (copy of the repo macro.yaml): the loader must accept it.", body],
  "bad-venue-match.yaml": [
    "Invalid: venues.approved[1].match is a string, not an object.",
    variant("      match:\n        platform: [linux]\n        ci: true\n", "      match: linux\n"),
  ],
  "empty-policy.yaml": [
    "Invalid: an empty policy would forbid nothing.",
    variant(
      "  forbiddenSideEffects:\n    - production-mutation\n    - install-or-system-mutation\n    - network-used\n",
      "  forbiddenSideEffects: []\n",
    ),
  ],
  "unknown-key.yaml": [
    "Invalid: a misspelt key (sandbox.freshnesDays) must be rejected, not ignored.",
    variant("  freshnessDays: 7\n", "  freshnessDays: 7\n  freshnesDays: 30\n"),
  ],
  "duplicate-probe.yaml": [
    "Invalid: two probes with the same id (the second would shadow the first).",
    variant("    - id: P16-CGROUP-LIMITS", "    - id: P15-KEYRING-EMPTY"),
  ],
};

for (const [name, [note, text]] of Object.entries(fixtures)) {
  writeFileSync(`${root}fixtures/ssot/${name}`, `# ${note}\n${text}`);
}
