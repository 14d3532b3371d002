import { link, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PacketInputError } from "./errors.ts";
import { inspectPacket } from "./inspect.ts";
import { atimeWitness, copyFixture, editManifest, fixture, inspectOk } from "./test-support.ts";

async function refusal(packetDir: string): Promise<PacketInputError> {
  const r = await inspectPacket({ packetDir });
  if (r.ok) throw new Error("expected a refusal, got a report");
  expect(r.error).toBeInstanceOf(PacketInputError);
  expect(r.error.exitCode).toBe(2);
  return r.error;
}

/** The first data file's atime shows whether it was read before the refusal. */
async function firstDataWitness(dir: string) {
  return atimeWitness(path.join(dir, "data", "authors.ndjson"));
}

describe("refusals before any data is read", () => {
  it("[#11] an absolute data path is refused (PACKET_PATH_ESCAPE) naming file and field", async () => {
    const e = await refusal(fixture("HOSTILE-abs-path"));
    expect(e.code).toBe("PACKET_PATH_ESCAPE");
    expect(e.packetFile).toBe("manifest.json");
    expect(e.field).toBe("files[1].path");
    expect(e.message).toContain("manifest.json: files[1].path");
  });

  it("[#11] the absolute path is refused before any data file is read", async () => {
    const dir = await copyFixture("HOSTILE-abs-path");
    const witness = await firstDataWitness(dir);
    expect((await refusal(dir)).code).toBe("PACKET_PATH_ESCAPE");
    expect(await witness.untouched()).toBe(true);
    // Control: a packet that is inspected does read that file (when the filesystem records reads).
    await editManifest(dir, (m) => {
      (m["files"] as Record<string, unknown>[])[1]!["path"] = "data/articles.ndjson";
      return m;
    });
    await inspectOk(dir);
    if (witness.works) expect(await witness.untouched()).toBe(false);
  });

  it("[#12] a path with .. is refused (PACKET_PATH_ESCAPE)", async () => {
    const e = await refusal(fixture("HOSTILE-dotdot"));
    expect(e.code).toBe("PACKET_PATH_ESCAPE");
    expect(e.field).toBe("files[1].path");
  });

  it("[#12] a symlinked data directory is refused as an escape route", async () => {
    const dir = await copyFixture("FIX1");
    await rm(path.join(dir, "data"), { recursive: true });
    await symlink(path.join(fixture("FIX1"), "data"), path.join(dir, "data"));
    const e = await refusal(dir);
    expect(e.code).toBe("PACKET_LINK");
  });

  it("[#13] a symlinked data file is refused (PACKET_LINK) naming the file", async () => {
    const e = await refusal(fixture("HOSTILE-symlink"));
    expect(e.code).toBe("PACKET_LINK");
    expect(e.packetFile).toBe("data/articles.ndjson");
  });

  it("[#13] a hard-linked data file is refused (PACKET_LINK)", async () => {
    const dir = await copyFixture("FIX1");
    await link(path.join(dir, "data", "comments.ndjson"), path.join(dir, "comments-alias"));
    const e = await refusal(dir);
    expect(e.code).toBe("PACKET_LINK");
    expect(e.message).toContain("nlink 2");
  });

  it("[#13] a symlinked data file is refused before the other data files are read", async () => {
    const dir = await copyFixture("HOSTILE-symlink");
    const witness = await firstDataWitness(dir);
    expect((await refusal(dir)).code).toBe("PACKET_LINK");
    expect(await witness.untouched()).toBe(true);
  });

  it("[#14] a schema-invalid manifest is refused (PACKET_MANIFEST) naming the field", async () => {
    const e = await refusal(fixture("HOSTILE-bad-manifest"));
    expect(e.code).toBe("PACKET_MANIFEST");
    expect(e.field).toBe("files[0].sha256");
    expect(e.message).toContain("manifest.json: files[0].sha256");
  });

  it("[#14] manifest missing, not JSON, or of another format is refused naming the file (and line)", async () => {
    const dir = await copyFixture("FIX1");
    await editManifest(dir, (m) => ({ ...m, format: "kb-packet/v0" }));
    expect((await refusal(dir)).field).toBe("format");

    const witness = await firstDataWitness(dir);
    await writeFile(path.join(dir, "manifest.json"), '{\n  "format": "kb-packet/v1",\n  "packetId": }');
    const e = await refusal(dir);
    expect(e.code).toBe("PACKET_MANIFEST");
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/^manifest\.json: line 3: /);
    expect(await witness.untouched()).toBe(true);

    await rm(path.join(dir, "manifest.json"));
    expect((await refusal(dir)).code).toBe("PACKET_MANIFEST");
  });

  it("[#14] a data file for an unknown collection or a missing data file is refused", async () => {
    const dir = await copyFixture("FIX1");
    await editManifest(dir, (m) => {
      const files = m["files"] as Record<string, unknown>[];
      files.push({ collection: "ghosts", path: "data/ghosts.ndjson", sha256: "0".repeat(64), bytes: 0, records: 0 });
      return m;
    });
    await writeFile(path.join(dir, "data", "ghosts.ndjson"), "");
    const unknown = await refusal(dir);
    expect(unknown.code).toBe("PACKET_UNKNOWN_COLLECTION");
    expect(unknown.field).toBe("files[3].collection");

    const dir2 = await copyFixture("FIX1");
    await rm(path.join(dir2, "data", "comments.ndjson"));
    const missing = await refusal(dir2);
    expect(missing.code).toBe("PACKET_MISSING_FILE");
    expect(missing.packetFile).toBe("data/comments.ndjson");
  });

  it("[#15] a schema.json with an invalid field type is refused (PACKET_SCHEMA) naming the field", async () => {
    const e = await refusal(fixture("HOSTILE-bad-schema"));
    expect(e.code).toBe("PACKET_SCHEMA");
    expect(e.packetFile).toBe("schema.json");
    expect(e.field).toBe("collections[0].fields[0].type");
  });

  it("[#15] a schema.json that is not JSON, or whose relation points nowhere, is refused", async () => {
    const dir = await copyFixture("FIX1");
    await writeFile(path.join(dir, "schema.json"), "{ nope");
    expect((await refusal(dir)).code).toBe("PACKET_SCHEMA");

    const dir2 = await copyFixture("FIX1");
    await mkdir(path.join(dir2, "x"));
    await writeFile(
      path.join(dir2, "schema.json"),
      JSON.stringify({
        collections: [
          { name: "authors", primaryKey: "id", fields: [{ name: "id", type: "integer" }] },
          { name: "articles", primaryKey: "id", fields: [{ name: "id", type: "uuid" }], relations: [{ field: "author", collection: "authors", key: "id" }] },
          { name: "comments", primaryKey: "id", fields: [{ name: "id", type: "integer" }] },
        ],
      }),
    );
    const e = await refusal(dir2);
    expect(e.code).toBe("PACKET_SCHEMA");
    expect(e.field).toBe("collections[1].relations[0].field");
  });
});
