import type { FindingCode } from "./findings.ts";

/**
 * Patterns for values that look like credentials. Findings name the kind and the place,
 * never the value: a report is shared more widely than the packet it describes.
 */
const PATTERNS: readonly { code: FindingCode; kind: string; hints: readonly string[]; re: RegExp }[] = [
  { code: "SECRET_PRIVATE_KEY", kind: "a PEM private key block", hints: ["PRIVATE KEY-----"], re: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/ },
  { code: "SECRET_AWS_KEY", kind: "an AWS access key id", hints: ["AKIA"], re: /(?<![A-Z0-9])AKIA[0-9A-Z]{16}(?![A-Z0-9])/ },
  {
    code: "SECRET_TOKEN",
    kind: "an API token (GitHub, GitLab, Slack or JWT shaped)",
    hints: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xox", "eyJ"],
    re: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})/,
  },
  { code: "SECRET_URL_PASSWORD", kind: "a URL with an embedded password", hints: ["://"], re: /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:@/]+:[^\s@/]+@/ },
];

export interface SecretHit {
  code: FindingCode;
  kind: string;
}

// A literal every match must contain. One scan for all of them spares the full patterns
// on almost all text; this runs on every string of every record.
const ANY_HINT = new RegExp(PATTERNS.flatMap((p) => p.hints).map((h) => h.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"));
const mayMatch = (p: (typeof PATTERNS)[number], text: string): boolean => p.hints.some((h) => text.includes(h));

/** False when no secret pattern can match: the cheap test before `secretsIn`. */
export const mayHoldSecret = (text: string): boolean => ANY_HINT.test(text);

// Every hint contains one of these needles, which are rare in ordinary text and found by a
// memchr-backed search, far faster than the hint regex runs ("://" is found by its "/", and
// "github_pat_" and "glpat-" both by "pat": one search less over every byte).
export const NEEDLES = ["K", "J", "/", "xox", "gh", "pat"] as const;
for (const h of PATTERNS.flatMap((p) => p.hints)) {
  if (!NEEDLES.some((n) => h.includes(n))) throw new Error(`secret hint ${h} has no needle`);
}

/**
 * False when no string inside this JSON text can hold a secret hint, so none can match a
 * pattern: then the record's strings need not be looked at one by one. Without a backslash a
 * JSON string's characters appear in the text as they are, so a hint in any key or value
 * would put its needle in the text. A text with a backslash (escapes) is always "maybe".
 */
export function jsonMayHoldSecret(json: string): boolean {
  if (json.includes("\\")) return true;
  for (const n of NEEDLES) if (json.includes(n)) return true;
  return false;
}

/** The kinds of secret found in one string, each at most once. */
export function secretsIn(text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  if (!ANY_HINT.test(text)) return hits;
  for (const p of PATTERNS) if (mayMatch(p, text) && p.re.test(text)) hits.push({ code: p.code, kind: p.kind });
  return hits;
}

export const looksSecret = (text: string): boolean => ANY_HINT.test(text) && PATTERNS.some((p) => mayMatch(p, text) && p.re.test(text));

const UNSHOWABLE = /[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/;
const UNSHOWABLE_ALL = new RegExp(UNSHOWABLE.source, "g");

/** A data-derived label (record key, unknown field name) made safe to print: short, never a secret. */
export function safeLabel(text: string): string {
  return looksSecret(text) ? "[redacted: secret-like]" : shortLabel(text);
}

/** `safeLabel` for text already known to hold no secret hint: only shortened. */
export function shortLabel(text: string): string {
  // Control and bidi-override characters would let a label rewrite what a report shows.
  if (UNSHOWABLE.test(text)) text = text.replace(UNSHOWABLE_ALL, "?");
  if (text.length <= 64) return text;
  const chars = Array.from(text.length > 256 ? text.slice(0, 256) : text);
  return chars.length > 64 ? `${chars.slice(0, 63).join("")}…` : text;
}
