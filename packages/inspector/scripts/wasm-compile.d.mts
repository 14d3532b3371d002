/** wasm/run-marks.wat compiled with wabt, as base64. */
export function compileRunMarks(): Promise<string>;
