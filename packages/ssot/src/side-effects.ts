import * as z from "./zod.ts";

/**
 * What a run did to the world, recorded by the adapters as it happens. A packet's flags
 * are derived from this record, never typed in.
 */
export const SideEffectKind = z.enum([
  "file-written",
  "image-built",
  "image-removed",
  "container-created",
  "container-removed",
  "network-used",
  "install-or-system-mutation",
  "production-mutation",
  "evidence-used",
]);
export type SideEffectKind = z.infer<typeof SideEffectKind>;

export const SideEffect = z.object({
  kind: SideEffectKind,
  detail: z.string(),
  at: z.string(),
  /** For evidence-used: the venue the evidence came from. */
  venueId: z.string().nullable().optional(),
  macLocal: z.boolean().optional(),
});
export type SideEffect = z.infer<typeof SideEffect>;

export const PacketFlags = z.object({
  productionMutation: z.boolean(),
  containerCreatedByRun: z.boolean(),
  installOrSystemMutation: z.boolean(),
  macLocalEvidenceUsed: z.boolean(),
  networkUsed: z.boolean(),
});
export type PacketFlags = z.infer<typeof PacketFlags>;

export function flagsFrom(effects: readonly SideEffect[]): PacketFlags {
  const has = (kind: SideEffectKind) => effects.some((e) => e.kind === kind);
  return {
    productionMutation: has("production-mutation"),
    containerCreatedByRun: has("container-created"),
    installOrSystemMutation: has("install-or-system-mutation"),
    macLocalEvidenceUsed: effects.some((e) => e.kind === "evidence-used" && e.macLocal === true),
    networkUsed: has("network-used"),
  };
}
