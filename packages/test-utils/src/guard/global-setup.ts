// The suite's leak guard, the globalSetup of every project (vitest.shared.ts). Before the run it
// gives the test processes a private temp dir and an owner id; after it, anything left in that
// dir, or labelled with that id on the engine, fails the run, named. Other processes on the
// machine (another checkout's tests, an operator's run) share /tmp and the engine: what they make
// is neither in our dir nor under our label, so it never fails this run; project-named newcomers
// in the shared temp dir, which this run cannot tell from theirs, are reported, and fail it only
// with MACRO_LEAK_GUARD=strict (a machine to itself, as a CI runner is).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { OWNER_ENV } from "../owner.ts";
import "../provided.ts";
import { currentProductImages, describeObject, ownedObjects, projectNamed, removeObjects, type EngineObject } from "./engine.ts";
import { entries, projectEntries, RUN_DIR_PREFIX, sweepDeadRuns } from "./temp-dir.ts";

const SETTLE_MS = 10_000;
/** Other processes' leftovers can run to thousands: enough to see what they are. */
const NOTES_SHOWN = 20;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env["MACRO_LEAK_GUARD"] === "off") return async () => {};
  const strict = process.env["MACRO_LEAK_GUARD"] === "strict";
  const saved = { TMPDIR: process.env["TMPDIR"], [OWNER_ENV]: process.env[OWNER_ENV] };
  const shared = tmpdir();
  const swept = sweepDeadRuns(shared);
  const root = mkdtempSync(join(shared, `${RUN_DIR_PREFIX}${process.pid}-`));
  const owner = `${process.pid}-${randomBytes(6).toString("hex")}`;
  const sharedBefore = projectEntries(shared);
  const namedBefore = await projectNamed();

  // In the environment for every process forked from here on, and provided to workers that
  // already exist (setup.ts applies it).
  process.env["TMPDIR"] = root;
  process.env[OWNER_ENV] = owner;
  project.provide("macroTempRoot", root);
  project.provide("macroOwner", owner);

  return async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    const problems: string[] = [];
    const notes: string[] = swept.map((p) => `temp ${p} (the dir of a killed guarded run: removed)`);

    for (const name of entries(root)) problems.push(`temp ${join(root, name)}`);
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });

    const newShared = [...projectEntries(shared)].filter((n) => !sharedBefore.has(n));
    for (const name of newShared) (strict ? problems : notes).push(`temp ${join(shared, name)} (new in the shared temp dir)`);

    const leaked = await ownedLeftovers(owner);
    if (leaked === null) notes.push("engine: did not answer; its containers, images and networks were not checked");
    else {
      for (const o of leaked) problems.push(`engine ${describeObject(o)} (labelled macro.owner=${owner})`);
      await removeObjects(leaked);
    }
    const namedAfter = namedBefore === null ? null : await projectNamed();
    if (namedBefore !== null && namedAfter !== null) {
      const mine = new Set((leaked ?? []).flatMap((o) => o.names.map((n) => `${o.kind} ${n}`)));
      for (const n of namedAfter) if (!namedBefore.has(n) && !mine.has(n)) notes.push(`engine ${n} (new, without this run's label: another run's, or made here without one)`);
    }

    if (notes.length > 0) {
      const shown = notes.slice(0, NOTES_SHOWN).map((n) => `  ${n}`);
      if (notes.length > NOTES_SHOWN) shown.push(`  … and ${notes.length - NOTES_SHOWN} more`);
      process.stderr.write(`[leak guard] noticed, not failing:\n${shown.join("\n")}\n`);
    }
    if (problems.length > 0) {
      // vitest reports an error thrown here ("error during close") yet exits 0: set the code too.
      process.exitCode = 1;
      throw new Error(`[leak guard] this test run left ${problems.length} thing(s) behind (removed now):\n${problems.map((p) => `  ${p}`).join("\n")}`);
    }
  };
}

/** Objects labelled with `owner` that remain once `--rm` removals have settled, less the product's current image. */
async function ownedLeftovers(owner: string): Promise<EngineObject[] | null> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const owned = await ownedObjects(owner);
    if (owned === null) return null;
    const current = await currentProductImages();
    const left = owned.filter((o) => !(o.kind === "image" && current.has(o.id)));
    if (!left.some((o) => o.kind === "container") || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 500));
  }
}
