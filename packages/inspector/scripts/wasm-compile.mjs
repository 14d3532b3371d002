// A module of wasm/ compiled and optimized with binaryen, as base64: shared by the build script
// and the tests that check the committed bytes are this build.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import binaryen from "binaryen";

/** The modules: the .wat in wasm/, and the constant of src/<name>-wasm.ts that holds it. */
export const WASM_MODULES = { "record-scan": "RECORD_SCAN_WASM", "digest-set": "DIGEST_SET_WASM" };

// What the modules may use: what Node 20's V8 runs (the .wat uses SIMD, bulk memory and a
// mutable global; the optimizer may use the others).
const FEATURES =
  binaryen.Features.SIMD128 |
  binaryen.Features.BulkMemory |
  binaryen.Features.BulkMemoryOpt |
  binaryen.Features.MutableGlobals |
  binaryen.Features.SignExt |
  binaryen.Features.NontrappingFPToInt;

/**
 * wasm/<name>.wat compiled, as base64. Optimized at -O3 with generous inlining: V8 does not
 * inline Wasm calls, and the scan's helpers are called per field of every record (inlined, a
 * scan over 32 MiB of records took ~39 ms instead of ~53).
 */
export async function compileWat(name) {
  const file = fileURLToPath(new URL(`../wasm/${name}.wat`, import.meta.url));
  const mod = binaryen.parseText(readFileSync(file, "utf8"));
  try {
    mod.setFeatures(FEATURES);
    if (!mod.validate()) throw new Error(`wasm/${name}.wat does not validate`);
    binaryen.setOptimizeLevel(3);
    binaryen.setShrinkLevel(0);
    binaryen.setFlexibleInlineMaxSize(200);
    binaryen.setOneCallerInlineMaxSize(10000);
    binaryen.setAlwaysInlineMaxSize(20);
    mod.optimize();
    if (!mod.validate()) throw new Error(`wasm/${name}.wat does not validate once optimized`);
    return Buffer.from(mod.emitBinary()).toString("base64");
  } finally {
    mod.dispose();
  }
}
