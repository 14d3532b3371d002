#!/usr/bin/env node
// Committed so that pnpm can link the bin before dist/ exists; the sandbox image runs dist/tki-inspector.js directly.
await import("./dist/tki-inspector.js");
