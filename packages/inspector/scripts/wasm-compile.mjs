// wasm/run-marks.wat compiled (with wabt), as base64: shared by the build script and the test
// that checks the committed bytes are this build.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import wabtInit from "wabt";

export async function compileRunMarks() {
  const file = fileURLToPath(new URL("../wasm/run-marks.wat", import.meta.url));
  const wabt = await wabtInit();
  const mod = wabt.parseWat("run-marks.wat", readFileSync(file, "utf8"), { simd: true });
  try {
    mod.validate();
    return Buffer.from(mod.toBinary({}).buffer).toString("base64");
  } finally {
    mod.destroy();
  }
}
