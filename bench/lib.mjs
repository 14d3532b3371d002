import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 0 ? (sorted[mid - 1] + sorted[mid]) / 2 : sorted[mid];
}

/** Prints one benchmark's figures; a ratio is always against a baseline measured in the same run. */
export function report(title, rows) {
  process.stdout.write(`\n## ${title}\n`);
  for (const row of rows) {
    const figure = row.ms !== undefined ? `${row.ms.toFixed(1)} ms` : row.value;
    const ratio = row.ratio !== undefined ? `  ratio ${row.ratio.toFixed(2)}×` : "";
    const target = row.target !== undefined ? `  (target ${row.target})` : "";
    process.stdout.write(`  ${row.name.padEnd(48)} ${figure}${ratio}${target}\n`);
  }
}
