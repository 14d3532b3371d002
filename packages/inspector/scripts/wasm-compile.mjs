// A module of wasm/ compiled (with wabt), as base64: shared by the build script and the tests
// that check the committed bytes are this build.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import wabtInit from "wabt";

/** The modules: the .wat in wasm/, and the constant of src/<name>-wasm.ts that holds it. */
export const WASM_MODULES = { "record-scan": "RECORD_SCAN_WASM", "digest-set": "DIGEST_SET_WASM" };

/** wasm/<name>.wat compiled, as base64. */
export async function compileWat(name) {
  const file = fileURLToPath(new URL(`../wasm/${name}.wat`, import.meta.url));
  const wabt = await wabtInit();
  const mod = wabt.parseWat(`${name}.wat`, readFileSync(file, "utf8"), { simd: true, bulk_memory: true });
  try {
    mod.validate();
    return Buffer.from(mod.toBinary({}).buffer).toString("base64");
  } finally {
    mod.destroy();
  }
}
