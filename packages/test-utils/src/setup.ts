// A setupFile of every project (vitest.shared.ts): runs in each test file's worker before the file.
import { afterAll, inject } from "vitest";
import { runFileCleanups } from "./cleanup.ts";
import { OWNER_ENV } from "./owner.ts";
import "./provided.ts";

// The global setup chose a private temp dir and an owner id for this run; a worker started
// before it set them in the environment still gets them here.
const root = inject("macroTempRoot");
const owner = inject("macroOwner");
if (typeof root === "string" && root !== "") process.env["TMPDIR"] = root;
if (typeof owner === "string" && owner !== "") process.env[OWNER_ENV] = owner;

afterAll(runFileCleanups);
