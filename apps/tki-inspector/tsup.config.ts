import { defineConfig } from "tsup";
import { bundleOptions } from "../../tsup.shared.ts";

// ONE file: the sandbox image has Node.js and nothing else.
export default defineConfig({ ...bundleOptions, entry: { "tki-inspector": "src/main.ts" }, clean: true });
