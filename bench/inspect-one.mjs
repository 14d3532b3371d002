// Child of bench/inspect.mjs: inspects one packet and prints its time and peak RSS as JSON,
// so each size's memory is measured in a fresh process. A second argument sets the number of
// check workers (default: the inspector's own choice).
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "./lib.mjs";

const { inspectPacket } = await import(pathToFileURL(join(root, "packages/inspector/dist/index.js")).href);
const threads = process.argv[3] === undefined ? {} : { threads: Number(process.argv[3]) };
const start = process.hrtime.bigint();
const r = await inspectPacket({ packetDir: process.argv[2], ...threads });
const ms = Number(process.hrtime.bigint() - start) / 1e6;
if (!r.ok) throw new Error(r.error.message);
process.stdout.write(JSON.stringify({ ms, maxRssBytes: process.resourceUsage().maxRSS * 1024, findings: r.value.statistics.totals.findings }));
