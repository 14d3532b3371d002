import { describe, expect, it } from "vitest";
import { DirectusSnapshot, PacketManifest, PacketSchema } from "./packet.ts";

const manifest = {
  format: "kb-packet/v1",
  packetId: "p-1",
  source: { system: "directus", version: "11.2.0" },
  exportedAt: "2026-11-01T08:00:00.000Z",
  schema: { path: "schema.json", sha256: "a".repeat(64) },
  files: [{ collection: "authors", path: "data/authors.ndjson", sha256: "b".repeat(64), bytes: 10, records: 1 }],
};

const schema = {
  collections: [
    { name: "authors", primaryKey: "id", fields: [{ name: "id", type: "integer" }] },
    {
      name: "articles",
      primaryKey: "id",
      fields: [
        { name: "id", type: "uuid" },
        { name: "author", type: "integer" },
      ],
      relations: [{ field: "author", collection: "authors", key: "id" }],
    },
  ],
};

const firstPath = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): string =>
  r.error?.issues[0]?.path.map(String).join(".") ?? "";

describe("kb-packet/v1 contracts", () => {
  it("accepts a well-formed manifest and schema", () => {
    expect(PacketManifest.safeParse(manifest).success).toBe(true);
    expect(PacketSchema.safeParse(schema).success).toBe(true);
  });

  it("rejects manifests with another format, extra keys, bad digests or ids that could break paths", () => {
    expect(firstPath(PacketManifest.safeParse({ ...manifest, format: "kb-packet/v2" }))).toBe("format");
    expect(PacketManifest.safeParse({ ...manifest, extra: 1 }).success).toBe(false);
    expect(firstPath(PacketManifest.safeParse({ ...manifest, packetId: "../x" }))).toBe("packetId");
    const badSha = { ...manifest, files: [{ ...manifest.files[0], sha256: "XYZ" }] };
    expect(firstPath(PacketManifest.safeParse(badSha))).toBe("files.0.sha256");
    expect(firstPath(PacketManifest.safeParse({ ...manifest, exportedAt: "yesterday" }))).toBe("exportedAt");
  });

  it("cross-checks primary keys and relations against the fields and collections that exist", () => {
    const noPk = { collections: [{ name: "a", primaryKey: "nope", fields: [{ name: "id", type: "integer" }] }] };
    expect(firstPath(PacketSchema.safeParse(noPk))).toBe("collections.0.primaryKey");
    const c1 = schema.collections[1]!;
    const badTarget = { collections: [schema.collections[0], { ...c1, relations: [{ field: "author", collection: "ghosts", key: "id" }] }] };
    expect(firstPath(PacketSchema.safeParse(badTarget))).toBe("collections.1.relations.0.collection");
    const badKey = { collections: [schema.collections[0], { ...c1, relations: [{ field: "author", collection: "authors", key: "name" }] }] };
    expect(firstPath(PacketSchema.safeParse(badKey))).toBe("collections.1.relations.0.key");
    const dup = { collections: [schema.collections[0], schema.collections[0]] };
    expect(firstPath(PacketSchema.safeParse(dup))).toBe("collections.1.name");
    expect(firstPath(PacketSchema.safeParse({ collections: [{ ...schema.collections[0], fields: [{ name: "id", type: "varchar" }] }] }))).toBe(
      "collections.0.fields.0.type",
    );
  });

  it("reads the parts of a Directus snapshot it needs and tolerates the rest", () => {
    const snap = { version: 1, directus: "11.2.0", vendor: "postgres", collections: [{ collection: "a", meta: {}, schema: { name: "a" } }], fields: [], relations: [] };
    expect(DirectusSnapshot.safeParse(snap).success).toBe(true);
    expect(DirectusSnapshot.safeParse({ collections: [] }).success).toBe(false);
  });
});
