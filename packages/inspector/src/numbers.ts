/**
 * JSON numbers as the exact decimals they are written as, for what a double cannot say: 1e400
 * is Infinity to JSON.parse, 1e-400 is 0, and every integer past 2^53 shares its double with
 * others (2^64 and 2^64 + 1 are one double).
 */

/** A number of at most this many characters, without an exponent, is what its double says. */
const SHORT = 15;

/** Is the JSON number `text` exactly its double, as far as any check here cares? The cheap test first. */
export const isShortNumber = (text: string): boolean => text.length <= SHORT && !/[eE]/.test(text);

/** `text` (a JSON number) as sign, significant digits (no leading or trailing zeros; "" for zero) and power of ten. */
export interface Decimal {
  negative: boolean;
  digits: string;
  /** The value is digits × 10^exponent (a bigint: `1e99999999999999999999` is a JSON number too). */
  exponent: bigint;
}

const NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

export function decimalOf(text: string): Decimal {
  const m = NUMBER.exec(text);
  if (m === null) throw new Error("decimalOf: not a JSON number");
  const whole = m[2] ?? "0";
  const frac = m[3] ?? "";
  let digits = (whole + frac).replace(/^0+/, "");
  let exponent = BigInt(m[4] ?? "0") - BigInt(frac.length);
  const kept = digits.replace(/0+$/, "");
  exponent += BigInt(digits.length - kept.length);
  digits = kept;
  return { negative: m[1] === "-" && digits !== "", digits, exponent: digits === "" ? 0n : exponent };
}

/**
 * The decimals a double holds exactly enough to tell apart: up to 15 significant digits in the
 * range of normal doubles (two such decimals never round to one double). Keys among them are
 * compared by their double, as the record fast path does; any other by its exact decimal.
 */
export function fitsDouble(d: Decimal): boolean {
  if (d.digits === "") return true;
  if (d.digits.length > SHORT) return false;
  const lead = d.exponent + BigInt(d.digits.length - 1);
  return lead >= -300n && lead <= 305n;
}

/** The exact decimal as text, one per value: equal texts exactly when the values are equal. */
export const decimalText = (d: Decimal): string => `${d.negative ? "-" : ""}${d.digits === "" ? "0" : d.digits}e${d.exponent}`;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * What is wrong with the JSON number `text` where it stands, or null: a value no double holds
 * (overflow to ±Infinity, a non-zero value that underflows to 0) anywhere; in a field of type
 * integer (`integer`), a value outside the 64-bit range databases store integers in, or one that
 * is not an integer though its double is.
 */
export function numberProblem(text: string, integer: boolean): string | null {
  if (isShortNumber(text)) return null;
  const v = Number(text);
  if (!Number.isFinite(v)) return "number is outside the range of a double (it would read as Infinity)";
  // A digit other than 0 before the exponent: the number is not zero.
  if (v === 0 && /^[^eE]*[1-9]/.test(text)) return "non-zero number too small for a double (it would read as 0)";
  if (!integer) return null;
  const d = decimalOf(text);
  if (d.exponent < 0n) return Number.isInteger(v) ? "number is not an integer, though it rounds to one as a double" : null;
  if (d.exponent + BigInt(d.digits.length) > 19n) return "integer outside the signed 64-bit range";
  const x = BigInt(d.digits) * 10n ** d.exponent * (d.negative ? -1n : 1n);
  return x < INT64_MIN || x > INT64_MAX ? "integer outside the signed 64-bit range" : null;
}
