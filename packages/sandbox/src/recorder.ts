import type { SideEffect } from "@macro/ssot";

/** Where adapters report what they did to the world, as it happens (DESIGN §3). */
export interface SideEffectRecorder {
  record(effect: SideEffect): void;
}

export interface MemoryRecorder extends SideEffectRecorder {
  readonly effects: readonly SideEffect[];
}

/** A recorder that keeps effects in memory; for tests and for callers that persist later. */
export function memoryRecorder(): MemoryRecorder {
  const effects: SideEffect[] = [];
  return {
    effects,
    record(effect) {
      effects.push(effect);
    },
  };
}

export function effect(kind: SideEffect["kind"], detail: string): SideEffect {
  return { kind, detail, at: new Date().toISOString() };
}
