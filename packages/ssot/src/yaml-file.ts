import { CORE_SCHEMA, YAMLException, load } from "js-yaml";
import { err, ok, type Result } from "./errors.ts";
import { readInput, type InputKind } from "./read-input.ts";

export interface YamlIssue {
  path: string;
  message: string;
}

export type YamlFileErrorKind = "NOT_FOUND" | "UNREADABLE" | "TOO_LARGE" | "YAML" | "ALIAS_BOMB";

export interface YamlFileError {
  kind: YamlFileErrorKind;
  message: string;
  issues: YamlIssue[];
}

export interface YamlLimits {
  /** The file as read, before parsing. */
  maxBytes: number;
  /**
   * What the document costs once every alias is expanded as a tree walk would: nodes, and bytes of
   * scalars and keys. Bombs are cheap to load as shared nodes and expensive to anything after.
   */
  maxNodes?: number;
  maxExpandedBytes?: number;
  /** Alias uses; an extra bound for files that have no use for anchors. */
  maxAliases?: number;
  /** Nesting; js-yaml parses recursively, so a bound here keeps a deep file off the stack. */
  maxDepth?: number;
}

export const YAML_DEFAULT_LIMITS = { maxNodes: 200_000, maxExpandedBytes: 8 * 1024 * 1024, maxAliases: 1000, maxDepth: 64 } as const;

/**
 * Reads a YAML file the way every user-supplied one is read: through the one bounded input
 * reader (regular files only, a size bound, no FIFO can block), UTF-8 or refused, duplicate keys
 * refused, YAML errors as `file:line:col`, and the document's cost after alias expansion bounded
 * while it is parsed (billion laughs, a big string aliased many times, self-referencing anchors,
 * aliases in keys). js-yaml rather than yaml: on the blocked path of `macro run` the SSOT and the
 * matrix are parsed on every start, and a cold js-yaml parse costs a tenth of what yaml's document
 * model does. `shown` is the path as the user typed it, so messages read the way they gave it.
 */
export async function readYamlFile(
  absolute: string,
  shown: string,
  limits: YamlLimits,
  kind: InputKind = "ssot",
): Promise<Result<{ data: unknown; raw: Uint8Array }, YamlFileError>> {
  const read = await readInput(absolute, { kind, shown, maxBytes: limits.maxBytes });
  if (!read.ok) {
    const k: YamlFileErrorKind = read.error.code === "INPUT_NOT_FOUND" ? "NOT_FOUND" : read.error.code === "INPUT_TOO_LARGE" ? "TOO_LARGE" : "UNREADABLE";
    return err({ kind: k, message: read.error.message, issues: [] });
  }
  const raw = read.value;

  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    return err({ kind: "YAML", message: `${shown}: not valid UTF-8`, issues: [] });
  }

  const budget = new ExpansionBudget({ ...YAML_DEFAULT_LIMITS, ...limits });
  let data: unknown;
  try {
    // The core schema (YAML 1.2): no timestamps turned into Dates, no merge keys, no custom tags.
    data = load(text, { schema: CORE_SCHEMA, filename: shown, listener: budget.listener });
  } catch (cause) {
    if (cause instanceof OverBudget) {
      return err({ kind: "ALIAS_BOMB", message: `${shown}: refused: ${cause.message}`, issues: [] });
    }
    if (!(cause instanceof YAMLException)) throw cause;
    const where = cause.mark === undefined ? shown : `${shown}:${cause.mark.line + 1}:${cause.mark.column + 1}`;
    return err({ kind: "YAML", message: `${shown}: YAML syntax error`, issues: [{ path: where, message: cause.reason }] });
  }
  return ok({ data, raw });
}

class OverBudget extends Error {}

interface Cost {
  nodes: number;
  bytes: number;
}

/**
 * Watches js-yaml build the document, node by node. A collection's cost is computed once, when it
 * closes, from its children's (a child object is always closed first, so its cost is known); an
 * alias adds nothing of its own, but its parent counts the target's whole cost each time it
 * appears, exactly as a walk of the tree would. A child object whose cost is unknown is still
 * open, so an alias to it made a cycle. The first node over a bound stops the parse, before the
 * next level of a bomb, and before js-yaml turns a key that is an alias into a string.
 */
class ExpansionBudget {
  private readonly closed = new WeakMap<object, Cost>();
  private depth = 0;
  private aliases = 0;
  constructor(private readonly limits: Required<Omit<YamlLimits, "maxBytes">>) {}

  readonly listener = (event: "open" | "close", state: { kind: string | null; result: unknown }): void => {
    if (event === "open") {
      this.depth += 1;
      if (this.depth > this.limits.maxDepth) throw new OverBudget(`nested deeper than ${this.limits.maxDepth} levels`);
      return;
    }
    this.depth -= 1;
    const { kind, result } = state;
    if (kind === null) {
      // An alias (an empty node closes with a null result and costs nothing).
      if (result === null) return;
      this.aliases += 1;
      if (this.aliases > this.limits.maxAliases) throw new OverBudget(`more than ${this.limits.maxAliases} alias uses`);
      return;
    }
    if (result === null || typeof result !== "object" || this.closed.has(result)) return;
    let nodes = 1;
    let bytes = 0;
    const add = (child: unknown) => {
      if (typeof child === "string") {
        nodes += 1;
        bytes += child.length;
      } else if (child !== null && typeof child === "object") {
        const cost = this.closed.get(child);
        if (cost === undefined) throw new OverBudget("an anchor refers to itself (a cycle)");
        nodes += cost.nodes;
        bytes += cost.bytes;
      } else nodes += 1;
    };
    if (Array.isArray(result)) for (const child of result) add(child);
    else {
      for (const [key, child] of Object.entries(result)) {
        bytes += key.length;
        add(child);
      }
    }
    if (nodes > this.limits.maxNodes) throw new OverBudget(`expands to more than ${this.limits.maxNodes} nodes once aliases are expanded`);
    if (bytes > this.limits.maxExpandedBytes) throw new OverBudget(`expands to more than ${this.limits.maxExpandedBytes} bytes once aliases are expanded`);
    this.closed.set(result, { nodes, bytes });
  };
}
