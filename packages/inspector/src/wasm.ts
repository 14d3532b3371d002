// The few members of the WebAssembly global used here (this package compiles without the DOM library).
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const { Module, Instance } = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

/** The memory every module of wasm/ exports. */
export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

/**
 * An instance of a module of wasm/ (its bytes as base64, see scripts/build-wasm.mjs), compiled
 * synchronously: one per thread, made when the module that needs it loads. `T` is what the
 * .wat exports; the tests run each export against the JS it stands for.
 */
export function instantiate<T>(base64: string): T {
  return instances<T>(base64)();
}

/** Makes instances of a module of wasm/ (see `instantiate`), compiled once, when the first is made. */
export function instances<T>(base64: string): () => T {
  let module: object | null = null;
  return () => {
    module ??= new Module(Buffer.from(base64, "base64"));
    return new Instance(module).exports as T;
  };
}
