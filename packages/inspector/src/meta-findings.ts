import { finding, type Finding } from "./findings.ts";
import { walkJson } from "./json-walk.ts";
import { mayHoldSecret, safeLabel, secretsIn } from "./secrets.ts";

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
