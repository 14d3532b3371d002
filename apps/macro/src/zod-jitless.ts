import * as z from "zod";

// Imported first by cli.ts, before anything that builds a schema: zod decides per object schema,
// when it is constructed, whether to compile a fast path with new Function. A command parses
// each schema a handful of times, so compiling cost more than it ever saved.
z.config({ jitless: true });
