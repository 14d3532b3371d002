import { DirectusSnapshot, err, InputError, ok, PacketSchema, type PacketField, type Result } from "@macro/ssot";

export type DirectusMappingCode = "DIRECTUS_SNAPSHOT" | "DIRECTUS_TYPE" | "DIRECTUS_PRIMARY_KEY";

export class DirectusMappingError extends InputError {
  override readonly code: DirectusMappingCode;
  readonly field: string | null;
  constructor(code: DirectusMappingCode, message: string, field: string | null) {
    super(code, field === null ? message : `${field}: ${message}`, { file: "schema snapshot" });
    this.name = "DirectusMappingError";
    this.code = code;
    this.field = field;
  }
}

/**
 * Directus field types → packet types. Decimals stay strings because Directus serialises
 * them as strings to keep precision; `time` has no date part, so it is not a datetime.
 * Alias fields (o2m, m2m, presentation) have no column and no value in an export.
 */
const TYPES: Record<string, PacketField["type"] | "skip"> = {
  string: "string",
  text: "text",
  hash: "string",
  uuid: "uuid",
  integer: "integer",
  bigInteger: "integer",
  float: "number",
  decimal: "string",
  boolean: "boolean",
  dateTime: "datetime",
  timestamp: "datetime",
  date: "datetime",
  time: "string",
  json: "json",
  csv: "json",
  geometry: "json",
  "geometry.Point": "json",
  "geometry.LineString": "json",
  "geometry.Polygon": "json",
  "geometry.MultiPoint": "json",
  "geometry.MultiLineString": "json",
  "geometry.MultiPolygon": "json",
  binary: "string",
  alias: "skip",
};

export interface DirectusMapping {
  schema: PacketSchema;
  /** What was left out and why (folders, alias fields, polymorphic or external relations): never silently. */
  skipped: string[];
}

/**
 * Maps a Directus schema snapshot (`directus schema snapshot --format json`) onto a packet
 * schema: collections with a table, their column fields (type, `schema.is_nullable` →
 * required, `is_unique` → unique, `max_length` → maxLength, `is_primary_key` → primaryKey)
 * and many-to-one relations (`field` → `related_collection`.`foreign_key_column`).
 */
export function fromDirectusSnapshot(snapshot: unknown): Result<DirectusMapping, DirectusMappingError> {
  const parsed = DirectusSnapshot.safeParse(snapshot);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err(new DirectusMappingError("DIRECTUS_SNAPSHOT", issue?.message ?? "invalid snapshot", issue?.path.join(".") ?? null));
  }
  const snap = parsed.data;
  const skipped: string[] = [];
  const tables = snap.collections.filter((c) => {
    if (c.schema == null) skipped.push(`collection ${c.collection}: a folder without a table`);
    return c.schema != null;
  });
  const names = new Set(tables.map((c) => c.collection));
  const collections: PacketSchema["collections"] = [];
  for (const c of tables) {
    const fields: PacketField[] = [];
    let primaryKey: string | null = null;
    for (const f of snap.fields.filter((x) => x.collection === c.collection)) {
      const at = `fields[${c.collection}.${f.field}]`;
      const type = TYPES[f.type];
      if (type === undefined) return err(new DirectusMappingError("DIRECTUS_TYPE", `unsupported Directus type "${f.type}"`, at));
      if (type === "skip" || f.schema == null) {
        skipped.push(`field ${c.collection}.${f.field}: ${f.type} field without a column`);
        continue;
      }
      const s = f.schema;
      if (s.is_primary_key === true) primaryKey = f.field;
      const field: PacketField = { name: f.field, type };
      if (s.is_nullable === false) field.required = true;
      if (s.is_unique === true && s.is_primary_key !== true) field.unique = true;
      if (typeof s.max_length === "number" && (type === "string" || type === "text")) field.maxLength = s.max_length;
      fields.push(field);
    }
    if (primaryKey === null) {
      return err(new DirectusMappingError("DIRECTUS_PRIMARY_KEY", "no field has schema.is_primary_key", `collections[${c.collection}]`));
    }
    const relations: NonNullable<PacketSchema["collections"][number]["relations"]> = [];
    for (const r of (snap.relations ?? []).filter((x) => x.collection === c.collection)) {
      if (r.related_collection === null) {
        skipped.push(`relation ${c.collection}.${r.field}: many-to-any, target not fixed`);
      } else if (!names.has(r.related_collection)) {
        skipped.push(`relation ${c.collection}.${r.field}: target ${r.related_collection} is not in the snapshot`);
      } else if (!fields.some((f) => f.name === r.field)) {
        skipped.push(`relation ${c.collection}.${r.field}: field has no column`);
      } else {
        const key = r.schema?.foreign_key_column ?? primaryKeyOf(snap, r.related_collection);
        if (key === null) return err(new DirectusMappingError("DIRECTUS_PRIMARY_KEY", "related collection has no primary key", `relations[${c.collection}.${r.field}]`));
        relations.push({ field: r.field, collection: r.related_collection, key });
      }
    }
    collections.push({ name: c.collection, primaryKey, fields, ...(relations.length > 0 ? { relations } : {}) });
  }
  const schema = PacketSchema.safeParse({ collections });
  if (!schema.success) {
    const issue = schema.error.issues[0];
    return err(new DirectusMappingError("DIRECTUS_SNAPSHOT", `maps to an invalid packet schema: ${issue?.message ?? ""}`, issue?.path.join(".") ?? null));
  }
  return ok({ schema: schema.data, skipped });
}

function primaryKeyOf(snap: DirectusSnapshot, collection: string): string | null {
  return snap.fields.find((f) => f.collection === collection && f.schema?.is_primary_key === true)?.field ?? null;
}
