import { describe, expect, it } from "vitest";
import { CHECK_NAMES } from "./checks.ts";
import { renderMermaid } from "./mermaid.ts";

describe("renderMermaid", () => {
  // machine.mmd is committed so the diagram changes visibly with the machine; `vitest -u` rewrites it.
  it("matches the committed machine.mmd", async () => {
    await expect(renderMermaid()).toMatchFileSnapshot("../machine.mmd");
  });

  it("shows every named check as a guard into blocked", () => {
    const text = renderMermaid();
    for (const check of CHECK_NAMES) expect(text).toContain(`--> blocked : onDone [!${check}]`);
    expect(text.startsWith("stateDiagram-v2\n  [*] --> ssot\n")).toBe(true);
  });
});
