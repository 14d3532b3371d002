import { config } from "zod";

// Every schema here parses a handful of small documents per process (a manifest, a schema, an
// SSOT, an attestation). Zod's JIT compiles a parser per object schema with `new Function` on
// its first use, which costs more than it saves at that volume (the inspector's manifest and
// schema: ~7 ms cold against ~3.5 ms jitless), and a sandboxed, locked-down process is better
// off without eval. The setting is zod's one global; importing zod from here applies it
// before any schema of this package parses (package.json names this module as the one with a
// side effect, so a bundler keeps it). Re-exported member by member, not as one namespace
// object, so a bundle still keeps only the parts of zod it uses.
config({ jitless: true });

export * from "zod";
