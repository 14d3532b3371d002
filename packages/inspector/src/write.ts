import { randomBytes } from "node:crypto";
import { mkdir, realpath, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { PacketInputCode, PacketInputError } from "./errors.ts";
import { renderReportJson, renderReportMarkdown } from "./render.ts";
import type { InspectionReport } from "./report.ts";

/** The packet each report came from, so `writeReport` can refuse to write into it. */
const packetDirs = new WeakMap<InspectionReport, string>();

export function rememberPacketDir(report: InspectionReport, dir: string): void {
  packetDirs.set(report, dir);
}

/** Real path of `p`, even when its tail does not exist yet (resolved through the deepest existing ancestor). */
async function realish(p: string): Promise<string> {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(await realpath(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

const inside = (child: string, parent: string): boolean => child === parent || child.startsWith(parent + path.sep);

/**
 * Writes `report.json` and `report.md` into `outDir` and nothing else. Both are rendered
 * before anything touches the disk and land by rename, so a failure leaves no partial
 * report. Throws `PacketInputError` (REPORT_OUT_DIR) when outDir is inside the packet.
 */
export async function writeReport(
  report: InspectionReport,
  outDir: string,
  options?: { packetDir?: string },
): Promise<{ jsonPath: string; markdownPath: string }> {
  const json = renderReportJson(report);
  const markdown = renderReportMarkdown(report);
  const packetDir = options?.packetDir ?? packetDirs.get(report);
  const refuseIfInside = async (): Promise<void> => {
    if (packetDir === undefined) return;
    const [out, pkt] = await Promise.all([realish(outDir), realish(packetDir)]);
    if (inside(out, pkt)) {
      throw new PacketInputError(PacketInputCode.outDir, "output directory is inside the packet; the packet is read-only", {
        file: outDir,
      });
    }
  };
  await refuseIfInside();
  await mkdir(outDir, { recursive: true });
  await refuseIfInside(); // again, now that every component exists and links are resolved
  const dir = await realpath(outDir);
  const jsonPath = path.join(dir, "report.json");
  const markdownPath = path.join(dir, "report.md");
  const tag = `${process.pid}.${randomBytes(6).toString("hex")}`;
  const tmpJson = path.join(dir, `.report.json.${tag}.tmp`);
  const tmpMd = path.join(dir, `.report.md.${tag}.tmp`);
  try {
    await writeFile(tmpJson, json, { flag: "wx", mode: 0o644 });
    await writeFile(tmpMd, markdown, { flag: "wx", mode: 0o644 });
    await rename(tmpJson, jsonPath);
    try {
      await rename(tmpMd, markdownPath);
    } catch (e) {
      // A JSON without its Markdown is a partial report: take it back out.
      await rm(jsonPath, { force: true });
      throw e;
    }
  } finally {
    await Promise.all([rm(tmpJson, { force: true }), rm(tmpMd, { force: true })]);
  }
  return { jsonPath, markdownPath };
}
