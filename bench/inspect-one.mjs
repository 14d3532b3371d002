// Child of bench/inspect.mjs: imports `inspectPacket` from the module file given first, inspects
// the packet given second and prints its time and peak RSS as JSON, so each size's memory is
// measured in a fresh process. A third argument sets the number of check workers (default: the
// inspector's own choice).
import { pathToFileURL } from "node:url";

const [moduleFile, packetDir, threadArg] = process.argv.slice(2);
const { inspectPacket } = await import(pathToFileURL(moduleFile).href);
const threads = threadArg === undefined ? {} : { threads: Number(threadArg) };
const start = process.hrtime.bigint();
const r = await inspectPacket({ packetDir, ...threads });
const ms = Number(process.hrtime.bigint() - start) / 1e6;
if (!r.ok) throw new Error(r.error.message);
process.stdout.write(JSON.stringify({ ms, maxRssBytes: process.resourceUsage().maxRSS * 1024, findings: r.value.statistics.totals.findings }));
