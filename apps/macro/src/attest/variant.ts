import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { parse } from "yaml";
import { InputError, RunFlags, type Ssot } from "@macro/ssot";

/**
 * `macro attest --profile FILE`: run flags that replace the SSOT's (any subset of keys), so an
 * operator can see what a weaker sandbox gets. The bundle is named after the file.
 */
export async function loadVariant(file: string, ssot: Ssot): Promise<{ name: string; runFlags: RunFlags }> {
  let data: unknown;
  try {
    data = parse(await readFile(file, "utf8"), { maxAliasCount: 10 });
  } catch (error) {
    throw new InputError("PROFILE_UNREADABLE", `${file}: ${error instanceof Error ? error.message : String(error)}`, { file });
  }
  const overrides = typeof data === "object" && data !== null && "runFlags" in data ? data.runFlags : data;
  const parsed = RunFlags.safeParse({ ...ssot.sandbox.runFlags, ...(typeof overrides === "object" && overrides !== null ? overrides : {}) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError("PROFILE_INVALID", `${file}: runFlags.${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "invalid"}`, { file });
  }
  return { name: basename(file, extname(file)).replace(/[^A-Za-z0-9_-]/g, "-"), runFlags: parsed.data };
}
