import type * as z from "zod";
import { err, ok, type PacketSchema, type Result } from "@macro/ssot";
import { PacketInputCode, PacketInputError } from "./errors.ts";
import { finding, type Finding } from "./findings.ts";
import { jsonErrorOffset, lineOf } from "./json-position.ts";
import { indexedFields } from "./key-recorder.ts";
import { walkJson } from "./json-walk.ts";
import { mayHoldSecret, safeLabel, secretsIn } from "./secrets.ts";

/**
 * What a packet's shape costs before its first record is read: each collection its checks, each
 * key index (primary key, unique or referenced field) a Wasm instance and a table, each key field
 * of a collection a column in every batch of its records, each field its checks. 10 000
 * collections ran a 256 MiB sandbox out of memory with no message; within these bounds the
 * worst shapes measured stay far below it (see inspect-limits.test.ts). Past them a packet is
 * refused, the count named.
 */
export const MAX_COLLECTIONS = 1000;
export const MAX_KEY_SETS = 2000;
/** Key fields (indexed and relation fields) of one collection. */
export const MAX_KEY_FIELDS = 64;
export const MAX_FIELDS = 50_000;

type Refusal = Result<never, PacketInputError>;
const refuse = (code: PacketInputCode, message: string, where: ConstructorParameters<typeof PacketInputError>[2]): Refusal =>
  err(new PacketInputError(code, message, where));

/** Refuses a schema past the bounds above, naming the count. */
export function withinMemory(schema: PacketSchema): Result<void, PacketInputError> {
  const where = { file: "schema.json", field: "collections" };
  const fields = schema.collections.reduce((n, c) => n + c.fields.length, 0);
  if (fields > MAX_FIELDS) return refuse(PacketInputCode.schema, `${fields} fields over all collections; at most ${MAX_FIELDS} are inspected`, where);
  const referenced = new Map<string, string[]>();
  for (const c of schema.collections) {
    for (const r of c.relations ?? []) {
      const list = referenced.get(r.collection) ?? [];
      list.push(r.key);
      referenced.set(r.collection, list);
    }
  }
  let keySets = 0;
  for (const [i, c] of schema.collections.entries()) {
    const indexed = indexedFields(c, referenced.get(c.name) ?? []).length;
    const keyFields = indexed + (c.relations ?? []).length;
    if (keyFields > MAX_KEY_FIELDS) {
      return refuse(PacketInputCode.schema, `${keyFields} key fields (primary key, unique, referenced and relation fields); at most ${MAX_KEY_FIELDS} a collection are inspected`, {
        file: "schema.json",
        field: `collections[${i}]`,
      });
    }
    keySets += indexed;
  }
  if (keySets <= MAX_KEY_SETS) return ok(undefined);
  return refuse(PacketInputCode.schema, `${keySets} key indexes (primary keys, unique and referenced fields of all collections); at most ${MAX_KEY_SETS} are inspected`, where);
}

/**
 * What the manifest or schema.json (`file`, valid JSON as `text`) hides from the parsed value
 * the checks use: a repeated key (JSON.parse keeps the last value; another reader may take the
 * first), and a secret in any string, at any depth. Packet-level findings, no collection.
 */
export function metaFindings(text: string, file: string): Finding[] {
  const found: Finding[] = [];
  const secrets = new Set<string>();
  walkJson(text, {
    string: (s) => {
      if (!mayHoldSecret(s)) return;
      for (const hit of secretsIn(s)) {
        if (secrets.has(hit.code)) continue;
        secrets.add(hit.code);
        found.push(finding(hit.code, { field: file }, `${hit.kind} in ${file} (value withheld)`));
      }
    },
    duplicate: (path, _top, nfc) => {
      const what = nfc ? "equals an earlier key once Unicode-normalised (NFC)" : "appears twice in one object (JSON.parse keeps only the last value)";
      found.push(finding("PACKET_DUPLICATE_KEY", { field: `${file} ${safeLabel(path)}` }, `key ${what}`));
    },
    number: () => undefined,
  });
  return found;
}

/** `raw` as JSON; what its parsed value does not show goes to `findings` (`metaFindings`). */
export function parseJson(raw: Buffer, file: string, code: PacketInputCode, findings: Finding[]): Result<unknown, PacketInputError> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch (cause) {
    return refuse(code, "is not valid UTF-8", { file, cause });
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (cause) {
    // The parser's message quotes the input (maybe a secret): the position is found anew.
    const offset = jsonErrorOffset(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return refuse(code, "is not valid JSON", { file, line: offset === null ? null : lineOf(text, offset), cause });
  }
  findings.push(...metaFindings(body, file));
  return ok(value);
}

export function zodRefusal(error: z.ZodError, file: string, code: PacketInputCode): Refusal {
  const issue = error.issues[0];
  const field = issue === undefined ? null : formatPath(issue.path) || "(root)";
  const more = error.issues.length > 1 ? ` (+${error.issues.length - 1} more)` : "";
  return refuse(code, `${issue?.message ?? "invalid"}${more}`, { file, field });
}

function formatPath(p: readonly PropertyKey[]): string {
  return p
    .map((k, i) => (typeof k === "number" ? `[${k}]` : `${i === 0 ? "" : "."}${String(k)}`))
    .join("");
}
