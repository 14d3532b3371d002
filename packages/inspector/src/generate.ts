import { createHash, type Hash } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { once } from "node:events";
import path from "node:path";
import { PACKET_FORMAT, type PacketManifest, type PacketSchema } from "@macro/ssot";
import type { FindingCode } from "./findings.ts";

export type DefectKind = "sha" | "count" | "type" | "pk-dup" | "dangling" | "utf8" | "secret";

/** The finding each injected defect must produce, exactly once per injection. */
export const DEFECT_FINDING: Record<DefectKind, FindingCode> = {
  sha: "INTEGRITY_SHA256",
  count: "INTEGRITY_COUNT",
  type: "RECORD_TYPE",
  "pk-dup": "PK_DUPLICATE",
  dangling: "RELATION_DANGLING",
  utf8: "ENCODING_UTF8",
  secret: "SECRET_AWS_KEY",
};

export interface GenerateOptions {
  dir: string;
  seed: number;
  /** Approximate total size of the data files; generation stops at the first record past it. */
  targetBytes: number;
  /**
   * `rate` is a probability: per data file for "sha" and "count", per article record for the
   * others. Record-level rates are drawn from one uniform number, so they must sum to ≤ 1
   * and a record carries at most one defect (which keeps the expected findings exact).
   */
  defects?: { kind: DefectKind; rate: number }[];
  /** Approximate size of an article record in bytes (default 300): larger means fewer keys per byte. */
  recordBytes?: number;
}

export interface GenerateResult {
  manifest: PacketManifest;
  injected: Record<DefectKind, number>;
}

export const GENERATED_SCHEMA: PacketSchema = {
  collections: [
    {
      name: "authors",
      primaryKey: "id",
      fields: [
        { name: "id", type: "integer", required: true },
        { name: "name", type: "string", required: true, maxLength: 80 },
        { name: "email", type: "string", unique: true },
      ],
    },
    {
      name: "articles",
      primaryKey: "id",
      fields: [
        { name: "id", type: "uuid", required: true },
        { name: "title", type: "string", required: true, maxLength: 200 },
        { name: "body", type: "text" },
        { name: "author", type: "integer", required: true },
        { name: "status", type: "string", enum: ["draft", "published"] },
        { name: "views", type: "integer" },
        { name: "published_at", type: "datetime" },
      ],
      relations: [{ field: "author", collection: "authors", key: "id" }],
    },
  ],
};

/** mulberry32: tiny, fast, and the same sequence on every platform for a given seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Lower-case only, so random text can never look like a key or token by accident.
const WORDS = ("lorem ipsum dolor sit amet packet record schema field value index river stone cloud paper " +
  "garden window signal harbor lantern meadow copper violet orbit canyon thistle ember quartz willow " +
  "summit prairie falcon cedar glacier tundra island marble compass anchor beacon").split(" ");

class Sink {
  readonly hash: Hash = createHash("sha256");
  bytes = 0;
  records = 0;
  private buf: Buffer[] = [];
  private buffered = 0;
  constructor(private readonly ws: WriteStream) {}
  async line(b: Buffer): Promise<void> {
    this.buf.push(b, NL);
    this.buffered += b.length + 1;
    this.records += 1;
    if (this.buffered >= 256 * 1024) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.buffered === 0) return;
    const chunk = Buffer.concat(this.buf, this.buffered);
    this.buf = [];
    this.buffered = 0;
    this.hash.update(chunk);
    this.bytes += chunk.length;
    // Backpressure: never queue more than one chunk, so a 1 GiB packet stays small in memory.
    if (!this.ws.write(chunk)) await once(this.ws, "drain");
  }
  async close(): Promise<void> {
    await this.flush();
    this.ws.end();
    await once(this.ws, "finish");
  }
}
const NL = Buffer.from("\n");

/**
 * Writes a seeded `kb-packet/v1` packet into `dir`: the same options give the same bytes.
 * Data is streamed to disk in 256 KiB chunks, so any size can be generated.
 */
export async function generatePacket(opts: GenerateOptions): Promise<GenerateResult> {
  const rand = mulberry32(opts.seed);
  const int = (n: number): number => Math.floor(rand() * n);
  const words = (min: number, max: number): string =>
    Array.from({ length: min + int(max - min + 1) }, () => WORDS[int(WORDS.length)] as string).join(" ");
  const hex = (n: number): string => Array.from({ length: n }, () => "0123456789abcdef"[int(16)]).join("");
  const injected: Record<DefectKind, number> = { sha: 0, count: 0, type: 0, "pk-dup": 0, dangling: 0, utf8: 0, secret: 0 };
  const rate = (k: DefectKind): number => opts.defects?.filter((d) => d.kind === k).reduce((s, d) => s + d.rate, 0) ?? 0;
  const recordKinds = (["type", "pk-dup", "dangling", "utf8", "secret"] as const).map((k) => ({ kind: k, rate: rate(k) }));
  if (recordKinds.reduce((s, k) => s + k.rate, 0) > 1) throw new RangeError("record-level defect rates must sum to at most 1");

  await mkdir(path.join(opts.dir, "data"), { recursive: true });
  const schemaBuf = Buffer.from(`${JSON.stringify(GENERATED_SCHEMA, null, 2)}\n`);
  await writeFile(path.join(opts.dir, "schema.json"), schemaBuf);

  const authorCount = Math.max(5, Math.min(100_000, Math.floor(opts.targetBytes / 4000)));
  const authors = new Sink(createWriteStream(path.join(opts.dir, "data", "authors.ndjson")));
  for (let id = 1; id <= authorCount; id += 1) {
    const name = words(2, 3);
    await authors.line(Buffer.from(JSON.stringify({ id, name, email: `author${id}@example.test` })));
  }
  await authors.close();

  const bodyWords = Math.max(4, Math.round(((opts.recordBytes ?? 300) - 200) / 7));
  const articles = new Sink(createWriteStream(path.join(opts.dir, "data", "articles.ndjson")));
  let firstId = "";
  const base = Date.UTC(2026, 0, 1);
  for (let i = 0; authors.bytes + articles.bytes < opts.targetBytes || i === 0; i += 1) {
    const id = `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${i.toString(16).padStart(12, "0")}`;
    const rec = {
      id,
      title: words(3, 7),
      body: words(Math.ceil(bodyWords / 2), bodyWords * 2),
      author: 1 + int(authorCount),
      status: rand() < 0.7 ? "published" : "draft",
      views: int(100_000) as number | string,
      published_at: new Date(base + int(365 * 86_400) * 1000).toISOString(),
    };
    let kind: DefectKind | null = null;
    if (i === 0) firstId = id;
    else {
      let u = rand();
      for (const k of recordKinds) {
        if (u < k.rate) {
          kind = k.kind;
          break;
        }
        u -= k.rate;
      }
    }
    if (kind === "type") rec.views = String(rec.views);
    if (kind === "pk-dup") rec.id = firstId;
    if (kind === "dangling") rec.author = authorCount + 1 + i;
    if (kind === "secret") rec.body += ` AKIA${Array.from({ length: 16 }, () => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[int(32)]).join("")}`;
    let line = Buffer.from(JSON.stringify(rec));
    if (kind === "utf8") {
      const at = line.indexOf('"body":"') + 8;
      line = Buffer.concat([line.subarray(0, at), Buffer.from([0xff]), line.subarray(at)]);
    }
    if (kind !== null) injected[kind] += 1;
    // Checkpoint the streamed size often enough to stop near the target.
    if (i % 64 === 0) await articles.flush();
    await articles.line(line);
  }
  await articles.close();

  const files = [
    { collection: "authors", sink: authors },
    { collection: "articles", sink: articles },
  ].map(({ collection, sink }) => {
    const entry = { collection, path: `data/${collection}.ndjson`, sha256: sink.hash.digest("hex"), bytes: sink.bytes, records: sink.records };
    if (rand() < rate("sha")) {
      entry.sha256 = createHash("sha256").update(`not ${entry.sha256}`).digest("hex");
      injected.sha += 1;
    }
    if (rand() < rate("count")) {
      entry.records += 1;
      injected.count += 1;
    }
    return entry;
  });
  const manifest: PacketManifest = {
    format: PACKET_FORMAT,
    packetId: `generated-${opts.seed >>> 0}`,
    source: { system: "macro-generator", version: "1" },
    exportedAt: "2026-01-01T00:00:00.000Z",
    schema: { path: "schema.json", sha256: createHash("sha256").update(schemaBuf).digest("hex") },
    files,
  };
  await writeFile(path.join(opts.dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, injected };
}
