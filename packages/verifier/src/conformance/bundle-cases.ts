import type { SandboxAttestationStatement, Ssot } from "@macro/ssot";
import type { BundleContext } from "../bundle.ts";
import type { BundleOrigin } from "../bundle-binding.ts";
import { signEnvelope, signEnvelopeWith } from "../dsse.ts";
import { EVIDENCE_LIMITS } from "../evidence-json.ts";
import { sha256Hex } from "../hash.ts";
import type { ConformanceCase } from "./kit.ts";
import { goodStatement, KIT_FILES, KIT_IMAGE_ID, KIT_NOW, KIT_RUN, KIT_RUN_ID, KIT_STRANGER, KIT_TRUSTED } from "./material.ts";

/** A bundle case's bytes, kept so the kit can also be written out as fixture files. */
export interface BundleCase extends ConformanceCase {
  file: string;
  bytes: Buffer;
  origin: BundleOrigin | undefined;
}

const text = (value: unknown): Buffer => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
const signed = (statement: object, key = KIT_TRUSTED.privateKeyPem): Buffer => text(signEnvelope(statement, key));
const RUN_ORIGIN: BundleOrigin = { kind: "run", runId: KIT_RUN_ID, runPublicKeyPem: KIT_RUN.publicKeyPem, imageId: KIT_IMAGE_ID };

/** Every tampering of an attestation bundle the verifier must refuse, and the two controls it must accept. */
export function bundleCases(ssot: Ssot): BundleCase[] {
  const ctx = (origin: BundleOrigin | undefined): BundleContext => ({ ssot, files: KIT_FILES, trustedKeys: [KIT_TRUSTED.publicKeyPem], now: KIT_NOW, ...(origin === undefined ? {} : { origin }) });
  const good = goodStatement(ssot);
  const edit = (change: (s: SandboxAttestationStatement) => void, runId: string | null = null): SandboxAttestationStatement => {
    const s = structuredClone(good);
    s.predicate.runId = runId;
    change(s);
    return s;
  };
  const probe = (s: SandboxAttestationStatement) => {
    const first = s.predicate.probes[0];
    if (first === undefined) throw new Error("the SSOT has no probes");
    return first;
  };
  const wrongActual = (s: SandboxAttestationStatement) => {
    const p = probe(s);
    p.actual = Object.fromEntries(Object.keys(p.expected).map((key) => [key, "EDITED"]));
  };
  const payloadText = JSON.stringify(good);
  const envelopeOf = (payload: string, key = KIT_TRUSTED.privateKeyPem) => signEnvelope(Buffer.from(payload), key);
  const day = 86_400_000;
  const rejected = ssot.venues.rejected[0]?.id;

  const cases: BundleCase[] = [];
  const add = (file: string, classes: string[], title: string, bytes: Buffer, origin: BundleOrigin | undefined = { kind: "operator" }, expected: "accepted" | "rejected" = "rejected"): void => {
    cases.push({
      id: file.replace(/\.json$/, ""),
      file,
      classes,
      title,
      bytes,
      origin,
      expected,
      run: (t) => {
        const verdict = t.verifyAttestationBundle(bytes, ctx(origin));
        return { accepted: verdict.accepted, codes: verdict.reasons.map((r) => r.code) };
      },
    });
  };

  add("good-operator-signed.json", ["control"], "control: an operator's bundle signed by a trusted key", signed(good), { kind: "operator" }, "accepted");
  add("good-in-run-signed.json", ["control"], "control: this run's bundle signed by its run key", text(signEnvelopeWith(edit(() => undefined, KIT_RUN_ID), [KIT_RUN.privateKeyPem])), RUN_ORIGIN, "accepted");

  add("bad-unsigned-bare.json", ["§6#23", "I14:unauthenticated"], "a complete, correct bare statement: nobody signed it", text(good));
  add("bad-unsigned-envelope.json", ["§6#23", "I14:unauthenticated"], "a DSSE envelope with an empty signature list", text({ ...signEnvelope(good, KIT_TRUSTED.privateKeyPem), signatures: [] }));
  add("bad-signature-bytes.json", ["§6#9"], "the signature bytes replaced", text({ ...signEnvelope(good, KIT_TRUSTED.privateKeyPem), signatures: [{ sig: Buffer.alloc(64, 7).toString("base64") }] }));
  add("bad-untrusted-key.json", ["§6#9", "I14:unauthenticated"], "signed by a key the SSOT does not trust", signed(good, KIT_STRANGER.privateKeyPem));
  const swapped = signEnvelope(good, KIT_TRUSTED.privateKeyPem);
  swapped.payload = Buffer.from(JSON.stringify(edit(wrongActual))).toString("base64");
  add("bad-payload-swapped.json", ["§6#20"], "the payload replaced after signing", text(swapped));
  add("bad-second-statement.json", ["§6#20", "I14:ambiguous-bytes"], "a signed envelope with a different bare statement beside it", text({ ...signEnvelope(edit(wrongActual), KIT_TRUSTED.privateKeyPem), ...good }));
  add("bad-payload-type.json", ["I14:ambiguous-bytes"], "a payloadType that is not in-toto's", text({ ...signEnvelope(good, KIT_TRUSTED.privateKeyPem), payloadType: "application/json" }));
  add("bad-duplicate-key.json", ["§6#5", "I14:ambiguous-bytes"], "a duplicate key in the signed payload: a failing verdict first, a passing one last", text(envelopeOf(payloadText.replace('"verdict":"ATTESTED"', '"verdict":"NOT_ATTESTED","verdict":"ATTESTED"'))));
  add("bad-bom.json", ["I14:ambiguous-bytes"], "a byte-order mark before the envelope", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), signed(good)]));
  add("bad-trailing-bytes.json", ["I14:ambiguous-bytes"], "a second JSON value after the envelope", Buffer.concat([signed(good), Buffer.from(text(good))]));
  add("bad-deep-nesting.json", ["I14:crash"], "nesting far past the depth bound", Buffer.from(`${"[".repeat(100_000)}${"]".repeat(100_000)}`));
  add("bad-oversize.json", ["I14:crash"], "a bundle past the size limit", Buffer.from(new Uint8Array(EVIDENCE_LIMITS.documentBytes + 1).buffer));
  add("bad-not-json.json", ["I14:crash"], "not JSON at all", Buffer.from("{ this is not json\n"));

  add("bad-extra-subject.json", ["I14:extra-subjects"], "an extra subject nobody checks", signed(edit((s) => s.subject.push({ name: "payload.tar", digest: { sha256: "c".repeat(64) } }))));
  add("bad-extra-digest-algorithm.json", ["I14:extra-subjects"], "an md5 beside a subject's sha256", signed(edit((s) => {
    const first = s.subject[0];
    if (first !== undefined) first.digest = { ...first.digest, md5: "d".repeat(32) };
  })));
  add("bad-subject-digest.json", ["§6#11", "§6#8"], "the seccomp profile subject is not the local file", signed(edit((s) => {
    const subject = s.subject.find((x) => x.name === "seccomp-deny-by-default.json");
    if (subject !== undefined) subject.digest.sha256 = "0".repeat(64);
  })));
  add("bad-empty-subject.json", ["§6#21"], "no subject at all", signed({ ...good, subject: [] }));
  add("bad-image-not-built-here.json", ["I14:image-claim"], "an in-run bundle naming an image this run did not build (subject derived from its own claim)", text(signEnvelopeWith(edit((s) => {
    s.predicate.image.id = `sha256:${"e".repeat(64)}`;
    const image = s.subject.find((x) => x.name === "image");
    if (image !== undefined) image.digest.sha256 = "e".repeat(64);
  }, KIT_RUN_ID), [KIT_RUN.privateKeyPem])), RUN_ORIGIN);
  add("bad-statement-type.json", ["§6#21"], "_type is the legacy v0.1", signed({ ...good, _type: "https://in-toto.io/Statement/v0.1" }));
  add("bad-predicate-type.json", ["§6#21"], "the predicate of another kind", signed({ ...good, predicateType: "https://slsa.dev/provenance/v1" }));

  add("bad-venue-facts.json", ["I14:venue-facts"], "venue facts that name another venue than the bundle's", signed(edit((s) => {
    s.predicate.venue.facts = s.predicate.venue.facts.map((f) => (f.id === "venue.id" ? { ...f, value: "SOMEWHERE_ELSE" } : f));
  })));
  if (rejected !== undefined) add("bad-venue-rejected.json", ["I14:venue"], "valid, signed evidence from a rejected venue (Mac-local)", signed(edit((s) => {
    s.predicate.venue.id = rejected;
    s.predicate.venue.facts = s.predicate.venue.facts.filter((f) => f.id !== "venue.id");
  })));
  add("bad-venue-unknown.json", ["I14:venue"], "a venue the SSOT does not know", signed(edit((s) => {
    s.predicate.venue.id = "V9";
    s.predicate.venue.facts = s.predicate.venue.facts.filter((f) => f.id !== "venue.id");
  })));
  add("bad-stale.json", ["§6#22"], "attested before the freshness window", signed(edit((s) => {
    s.predicate.attestedAt = new Date(KIT_NOW.getTime() - (ssot.sandbox.freshnessDays + 1) * day).toISOString();
  })));
  add("bad-future.json", ["§6#22"], "attested in the future", signed(edit((s) => {
    s.predicate.attestedAt = new Date(KIT_NOW.getTime() + day).toISOString();
  })));
  add("bad-probe-removed.json", ["§6#1"], "one probe removed (not run is not a pass)", signed(edit((s) => s.predicate.probes.shift())));
  add("bad-probe-duplicated.json", ["§6#5", "§6#7"], "one probe listed twice", signed(edit((s) => s.predicate.probes.push(structuredClone(probe(s))))));
  add("bad-probe-renamed.json", ["§6#6"], "a probe id with a suffix (no prefix match)", signed(edit((s) => {
    probe(s).id = `${probe(s).id}-X`;
  })));
  add("bad-verdict-forged.json", ["§6#10", "§6#12"], "a failing probe stored as PASS, the verdict ATTESTED", signed(edit(wrongActual)));
  add("bad-expected-lowered.json", ["§6#16", "§6#13"], "a probe whose embedded expectation was lowered to what it measured", signed(edit((s) => {
    wrongActual(s);
    probe(s).expected = probe(s).actual;
  })));
  add("bad-claim-missing.json", ["§6#17", "§6#14"], "a probe whose actual lacks a claim (no allow-if-no-claim)", signed(edit((s) => {
    probe(s).actual = {};
  })));
  add("bad-run-flags.json", ["§6#15"], "weaker run flags than the SSOT's profile", signed(edit((s) => {
    s.predicate.runFlags = { ...s.predicate.runFlags, network: "host", capDrop: [] };
  })));
  add("bad-replayed-run.json", ["§6#19", "I14:binding"], "another run's bundle, signed by this run's key, replayed into this run", text(signEnvelopeWith(edit(() => undefined, "20261101T000000Z-0ld0"), [KIT_RUN.privateKeyPem])), RUN_ORIGIN);
  add("bad-run-bundle-as-operator.json", ["§6#19", "I14:binding"], "a run's bundle offered as an operator's", signed(edit(() => undefined, KIT_RUN_ID)));
  add("bad-run-key-outside-run.json", ["I14:unauthenticated"], "a bundle signed only by a run key, offered without its run", text(signEnvelopeWith(good, [KIT_RUN.privateKeyPem])), undefined);
  add("bad-macro.json", ["I14:binding"], "a bundle made for another macro", signed(edit((s) => {
    s.predicate.macroId = "SOME_OTHER_MACRO";
  })));

  // The file name's claims against the content (venue, day, digest).
  const goodBytes = signed(good);
  const venue = good.predicate.venue.id;
  const nameCase = (id: string, title: string, name: string): void => {
    cases.push({
      id,
      file: "",
      bytes: goodBytes,
      origin: undefined,
      classes: ["I14:name-vs-content"],
      title,
      expected: "rejected",
      run: (t) => {
        const reasons = t.checkBundleName(name, { venueId: venue, attestedAt: good.predicate.attestedAt, sha256: sha256Hex(goodBytes) });
        return { accepted: reasons.length === 0, codes: reasons.map((r) => r.code) };
      },
    });
  };
  nameCase("bad-name-venue", "a file name naming another venue than the content", `sandbox-attestation-evidence-V9-2026-11-28-${sha256Hex(goodBytes).slice(0, 16)}.json`);
  nameCase("bad-name-digest", "a file name whose digest is not the content's", `sandbox-attestation-evidence-${venue}-2026-11-28-${"0".repeat(16)}.json`);
  nameCase("bad-name-day", "a file name dated another day than the attestation", `sandbox-attestation-evidence-${venue}-2026-11-01-${sha256Hex(goodBytes).slice(0, 16)}.json`);
  return cases;
}
