import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import * as z from "zod";
import { describe, expect, it } from "vitest";
import { Ssot } from "@macro/ssot";
import { bundleCases, FIXTURE_FILES, manifest, RUN_KEY, TRUSTED } from "./_bundle-cases.ts";
import { verifyAttestationBundle } from "./bundle.ts";

const DIR = fileURLToPath(new URL("../../../fixtures/bundles/", import.meta.url));
const ssot = Ssot.parse(parse(readFileSync(`${DIR}ssot.yaml`, "utf8")));
const cases = bundleCases(ssot);

describe("fixtures/bundles are generated, not hand-edited", () => {
  it.each(cases.map((c) => [c.file, c] as const))("%s matches its generator", async (file, c) => {
    await expect(c.bytes.toString("utf8")).toMatchFileSnapshot(`${DIR}${file}`);
  });

  it("manifest, trusted key and local files match their generator", async () => {
    await expect(manifest(cases)).toMatchFileSnapshot(`${DIR}manifest.json`);
    await expect(TRUSTED.publicKeyPem).toMatchFileSnapshot(`${DIR}trusted.pub.pem`);
    await expect(RUN_KEY.publicKeyPem).toMatchFileSnapshot(`${DIR}run.pub.pem`);
    for (const { path, bytes } of Object.values(FIXTURE_FILES)) {
      await expect(bytes.toString("utf8")).toMatchFileSnapshot(`${DIR}${path}`);
    }
  });
});

const Manifest = z.object({
  now: z.iso.datetime(),
  ssot: z.string(),
  trustedKeys: z.array(z.string()),
  files: z.object({ dockerfile: z.string(), seccompProfile: z.string(), probeBundle: z.string(), syscallHelper: z.string() }),
  cases: z.array(
    z.object({
      file: z.string(),
      title: z.string(),
      classes: z.array(z.string()),
      origin: z.union([z.null(), z.object({ kind: z.literal("operator") }), z.object({ kind: z.literal("run"), runId: z.string(), runPublicKeyPem: z.string(), imageId: z.string().nullable() })]),
      accepted: z.boolean(),
      codes: z.array(z.string()),
    }),
  ),
});

describe("the verifier run against the committed fixtures, read from disk", () => {
  // Read lazily: on a first generation run (vitest -u) the files do not exist at collection time.
  const read = (path: string) => readFileSync(`${DIR}${path}`);
  const load = () => {
    const m = Manifest.parse(JSON.parse(read("manifest.json").toString("utf8")));
    const files = {
      dockerfile: read(m.files.dockerfile),
      seccompProfile: read(m.files.seccompProfile),
      probeBundle: read(m.files.probeBundle),
      syscallHelper: read(m.files.syscallHelper),
    };
    return { m, files, ssot: Ssot.parse(parse(read(m.ssot).toString("utf8"))) };
  };

  it("covers every case of the catalogue, good and bad", () => {
    const { m } = load();
    expect(m.cases.map((c) => c.file).sort()).toEqual(cases.map((c) => c.file).sort());
    expect(m.cases.filter((c) => c.accepted).map((c) => c.file).sort()).toEqual(["good-in-run-signed.json", "good-operator-signed.json"]);
  });

  it.each(cases.map((c) => c.file))("%s gets the outcome the manifest states", (file) => {
    const { m, files, ssot: fixtureSsot } = load();
    const c = m.cases.find((x) => x.file === file);
    if (c === undefined) throw new Error(`${file} is not in manifest.json`);
    const origin = c.origin === null ? undefined : c.origin.kind === "operator" ? c.origin : { ...c.origin, runPublicKeyPem: read(c.origin.runPublicKeyPem).toString("utf8") };
    const verdict = verifyAttestationBundle(read(file), {
      ssot: fixtureSsot,
      files,
      trustedKeys: m.trustedKeys.map((k) => read(k).toString("utf8")),
      now: new Date(m.now),
      ...(origin === undefined ? {} : { origin }),
    });
    expect(verdict.reasons.map((r) => r.code).sort()).toEqual(c.codes);
    expect(verdict.accepted).toBe(c.accepted);
  });
});
