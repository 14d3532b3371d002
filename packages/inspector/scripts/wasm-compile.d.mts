/** The modules: the .wat in wasm/, and the constant of src/<name>-wasm.ts that holds it. */
export const WASM_MODULES: { "record-scan": "RECORD_SCAN_WASM"; "digest-set": "DIGEST_SET_WASM" };
/** wasm/<name>.wat compiled and optimized with binaryen, as base64. */
export function compileWat(name: keyof typeof WASM_MODULES): Promise<string>;
