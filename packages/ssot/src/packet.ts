import * as z from "./zod.ts";
import { Sha256Hex } from "./evidence.ts";

/**
 * The `kb-packet/v1` format: an exported knowledge-base packet (a folder) that the
 * inspector reads offline. Names are constrained tightly because they end up in file
 * paths and in Markdown reports; paths themselves stay plain strings here so the
 * inspector can refuse escapes with its own precise codes instead of a generic parse error.
 */
export const PACKET_FORMAT = "kb-packet/v1";

const Name = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, "expected a name of letters, digits, _ or - (max 64)");

export const PacketFieldType = z.enum(["string", "text", "integer", "number", "boolean", "datetime", "uuid", "json"]);
export type PacketFieldType = z.infer<typeof PacketFieldType>;

export const PacketField = z.strictObject({
  name: Name,
  type: PacketFieldType,
  required: z.boolean().optional(),
  unique: z.boolean().optional(),
  maxLength: z.number().int().positive().optional(),
  enum: z.array(z.union([z.string(), z.number()])).min(1).optional(),
});
export type PacketField = z.infer<typeof PacketField>;

export const PacketRelation = z.strictObject({
  /** The field in this collection that holds the reference. */
  field: Name,
  /** The referenced collection and the field there that must hold the same value. */
  collection: Name,
  key: Name,
});
export type PacketRelation = z.infer<typeof PacketRelation>;

export const PacketCollection = z.strictObject({
  name: Name,
  primaryKey: Name,
  fields: z.array(PacketField).min(1),
  relations: z.array(PacketRelation).optional(),
});
export type PacketCollection = z.infer<typeof PacketCollection>;

/**
 * Cross-references are checked here so the inspector can build validators without
 * defensive lookups: every key, relation field and target must exist.
 */
export const PacketSchema = z
  .strictObject({ collections: z.array(PacketCollection).min(1) })
  .superRefine((schema, ctx) => {
    const byName = new Map<string, PacketCollection>();
    schema.collections.forEach((c, i) => {
      if (byName.has(c.name)) {
        ctx.addIssue({ code: "custom", path: ["collections", i, "name"], message: `duplicate collection "${c.name}"` });
      }
      byName.set(c.name, c);
      const seen = new Set<string>();
      c.fields.forEach((f, j) => {
        if (seen.has(f.name)) {
          ctx.addIssue({ code: "custom", path: ["collections", i, "fields", j, "name"], message: `duplicate field "${f.name}"` });
        }
        seen.add(f.name);
      });
      if (!seen.has(c.primaryKey)) {
        ctx.addIssue({ code: "custom", path: ["collections", i, "primaryKey"], message: `primary key "${c.primaryKey}" is not a field` });
      }
    });
    schema.collections.forEach((c, i) => {
      (c.relations ?? []).forEach((r, j) => {
        const at = ["collections", i, "relations", j];
        if (!c.fields.some((f) => f.name === r.field)) {
          ctx.addIssue({ code: "custom", path: [...at, "field"], message: `relation field "${r.field}" is not a field of "${c.name}"` });
        }
        const target = byName.get(r.collection);
        if (target === undefined) {
          ctx.addIssue({ code: "custom", path: [...at, "collection"], message: `unknown collection "${r.collection}"` });
        } else if (!target.fields.some((f) => f.name === r.key)) {
          ctx.addIssue({ code: "custom", path: [...at, "key"], message: `"${r.key}" is not a field of "${r.collection}"` });
        }
      });
    });
  });
export type PacketSchema = z.infer<typeof PacketSchema>;

export const PacketFileEntry = z.strictObject({
  collection: Name,
  /** Must be `data/<collection>.ndjson`; kept a string so escapes get their own refusal code. */
  path: z.string().min(1),
  sha256: Sha256Hex,
  bytes: z.number().int().nonnegative(),
  records: z.number().int().nonnegative(),
});
export type PacketFileEntry = z.infer<typeof PacketFileEntry>;

export const PacketManifest = z.strictObject({
  format: z.literal(PACKET_FORMAT),
  packetId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "expected an id of letters, digits, . _ - (max 128)"),
  source: z.strictObject({
    system: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._ -]{0,63}$/, "expected a short system name"),
    version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+ -]{0,63}$/, "expected a short version").optional(),
  }),
  exportedAt: z.iso.datetime({ offset: true }),
  schema: z.strictObject({ path: z.string().min(1), sha256: Sha256Hex }),
  files: z.array(PacketFileEntry),
});
export type PacketManifest = z.infer<typeof PacketManifest>;

/**
 * The subset of a Directus schema snapshot (`npx directus schema snapshot --format json`)
 * that maps onto a packet schema. Unknown keys are allowed: snapshots carry much more
 * (meta, interfaces, display options) that has no bearing on the data checks.
 */
export const DirectusSnapshot = z.looseObject({
  version: z.number().optional(),
  directus: z.string().optional(),
  collections: z.array(z.looseObject({ collection: z.string(), schema: z.unknown().optional() })),
  fields: z.array(
    z.looseObject({
      collection: z.string(),
      field: z.string(),
      type: z.string(),
      schema: z
        .looseObject({
          is_nullable: z.boolean().optional(),
          is_unique: z.boolean().optional(),
          is_primary_key: z.boolean().optional(),
          max_length: z.number().nullable().optional(),
        })
        .nullable()
        .optional(),
      meta: z
        .looseObject({
          special: z.array(z.string()).nullable().optional(),
          options: z.looseObject({ choices: z.array(z.looseObject({ value: z.union([z.string(), z.number()]) })).nullable().optional() }).nullable().optional(),
        })
        .nullable()
        .optional(),
    }),
  ),
  relations: z
    .array(
      z.looseObject({
        collection: z.string(),
        field: z.string(),
        related_collection: z.string().nullable(),
        schema: z.looseObject({ foreign_key_column: z.string().optional() }).nullable().optional(),
      }),
    )
    .optional(),
});
export type DirectusSnapshot = z.infer<typeof DirectusSnapshot>;
