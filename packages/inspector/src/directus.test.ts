import { describe, expect, it } from "vitest";
import { fromDirectusSnapshot } from "./directus.ts";

const col = (collection: string, schema: object | null = { name: collection }) => ({ collection, meta: { icon: "box" }, schema });
const fld = (collection: string, field: string, type: string, schema: object | null, meta: object | null = null) => ({ collection, field, type, meta, schema });
const column = (o: object) => ({ name: "x", table: "t", data_type: "x", default_value: null, max_length: null, is_nullable: true, is_unique: false, is_primary_key: false, has_auto_increment: false, foreign_key_table: null, foreign_key_column: null, ...o });

/** Shaped like `directus schema snapshot --format json` output (Directus 10/11). */
const SNAPSHOT = {
  version: 1,
  directus: "11.2.0",
  vendor: "postgres",
  collections: [col("authors"), col("articles"), col("blog", null)],
  fields: [
    fld("authors", "id", "integer", column({ is_nullable: false, is_primary_key: true, has_auto_increment: true })),
    fld("authors", "name", "string", column({ is_nullable: false, max_length: 40 })),
    fld("authors", "email", "string", column({ is_unique: true, max_length: 255 })),
    fld("authors", "articles", "alias", null, { special: ["o2m"] }),
    fld("articles", "id", "uuid", column({ is_nullable: false, is_primary_key: true, is_unique: true }), { special: ["uuid"] }),
    fld("articles", "title", "string", column({ is_nullable: false, max_length: 80 })),
    fld("articles", "body", "text", column({})),
    fld("articles", "price", "decimal", column({})),
    fld("articles", "published_at", "timestamp", column({})),
    fld("articles", "author", "integer", column({ foreign_key_table: "authors", foreign_key_column: "id" }), { special: ["m2o"] }),
    fld("articles", "user_created", "uuid", column({ foreign_key_table: "directus_users", foreign_key_column: "id" })),
  ],
  relations: [
    { collection: "articles", field: "author", related_collection: "authors", meta: { one_field: "articles" }, schema: { table: "articles", column: "author", foreign_key_table: "authors", foreign_key_column: "id", on_delete: "SET NULL" } },
    { collection: "articles", field: "user_created", related_collection: "directus_users", meta: null, schema: { foreign_key_column: "id" } },
  ],
};

describe("fromDirectusSnapshot", () => {
  it("[#23] maps collections, column fields, constraints and m2o relations of a Directus snapshot", () => {
    const r = fromDirectusSnapshot(SNAPSHOT);
    if (!r.ok) throw r.error;
    expect(r.value.schema).toEqual({
      collections: [
        {
          name: "authors",
          primaryKey: "id",
          fields: [
            { name: "id", type: "integer", required: true },
            { name: "name", type: "string", required: true, maxLength: 40 },
            { name: "email", type: "string", unique: true, maxLength: 255 },
          ],
        },
        {
          name: "articles",
          primaryKey: "id",
          fields: [
            { name: "id", type: "uuid", required: true },
            { name: "title", type: "string", required: true, maxLength: 80 },
            { name: "body", type: "text" },
            { name: "price", type: "string" },
            { name: "published_at", type: "datetime" },
            { name: "author", type: "integer" },
            { name: "user_created", type: "uuid" },
          ],
          relations: [{ field: "author", collection: "authors", key: "id" }],
        },
      ],
    });
    expect(r.value.skipped).toEqual([
      "collection blog: a folder without a table",
      "field authors.articles: alias field without a column",
      "relation articles.user_created: target directus_users is not in the snapshot",
    ]);
  });

  it("[#23] refuses an unknown field type, a missing primary key and a non-snapshot, naming where", () => {
    const badType = fromDirectusSnapshot({ ...SNAPSHOT, fields: [...SNAPSHOT.fields, fld("authors", "x", "vector", column({}))] });
    expect(badType.ok ? null : [badType.error.code, badType.error.field]).toEqual(["DIRECTUS_TYPE", "fields[authors.x]"]);
    const noPk = fromDirectusSnapshot({ ...SNAPSHOT, fields: SNAPSHOT.fields.filter((f) => f.field !== "id" || f.collection !== "authors") });
    expect(noPk.ok ? null : noPk.error.code).toBe("DIRECTUS_PRIMARY_KEY");
    const junk = fromDirectusSnapshot({ collections: "nope" });
    expect(junk.ok ? null : [junk.error.code, junk.error.exitCode]).toEqual(["DIRECTUS_SNAPSHOT", 2]);
  });
});
