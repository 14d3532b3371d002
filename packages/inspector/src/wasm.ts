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
 * The longest run of lines copied into a module's memory (a run is at most 64 KiB of lines, or
 * one line of at most `maxLineBytes`): a memory stops at 4 GiB, and a longer line is rare
 * enough to be left to the JS side.
 */
export const LARGEST_RUN = 64 * 1024 * 1024;

/** Grows `memory` to at least `bytes`; true when it grew (views of the old buffer are then stale). */
export function grownTo(memory: WasmMemory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (have >= bytes) return false;
  memory.grow(Math.ceil((bytes - have) / 65536));
  return true;
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
