import { basename, extname } from "node:path";
import { InputError, RunFlags, readYamlFile, type Ssot } from "@macro/ssot";

const PROFILE_MAX_BYTES = 64 * 1024;

/**
 * `macro attest --profile FILE`: run flags that replace the SSOT's (any subset of keys), so an
 * operator can see what a weaker sandbox gets. The bundle is named after the file.
 */
export async function loadVariant(file: string, ssot: Ssot): Promise<{ name: string; runFlags: RunFlags }> {
  const read = await readYamlFile(file, file, { maxBytes: PROFILE_MAX_BYTES, maxAliases: 10 });
  if (!read.ok) {
    const detail = read.error.issues.map((i) => `${i.path}: ${i.message}`).join("; ");
    throw new InputError("PROFILE_UNREADABLE", detail === "" ? read.error.message : `${read.error.message}: ${detail}`, { file });
  }
  const data = read.value.data;
  const overrides = typeof data === "object" && data !== null && "runFlags" in data ? data.runFlags : data;
  const parsed = RunFlags.safeParse({ ...ssot.sandbox.runFlags, ...(typeof overrides === "object" && overrides !== null ? overrides : {}) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError("PROFILE_INVALID", `${file}: runFlags.${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "invalid"}`, { file });
  }
  return { name: basename(file, extname(file)).replace(/[^A-Za-z0-9_-]/g, "-"), runFlags: parsed.data };
}
