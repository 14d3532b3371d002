#!/bin/sh
# Regenerates schema/macro.schema.json from the zod schema (the drift test then passes again).
set -eu
cd "$(dirname "$0")/.."
MACRO_WRITE_SCHEMA=1 pnpm exec vitest run src/json-schema.test.ts
