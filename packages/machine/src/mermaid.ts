import type { AnyStateMachine, AnyStateNode } from "xstate";
import { macroMachine } from "./machine.ts";

/**
 * The machine as a Mermaid `stateDiagram-v2`, walked from `machine.root` because
 * `xstate/graph`'s directed graph drops `always` transitions. Guards render by name,
 * composites as `!a && b`, parameterized ones as `name(params)`.
 */
export function renderMermaid(machine: AnyStateMachine = macroMachine): string {
  const lines = ["stateDiagram-v2"];
  walk(machine.root, "  ", lines);
  return `${lines.join("\n")}\n`;
}

function walk(node: AnyStateNode, pad: string, lines: string[]): void {
  const children: AnyStateNode[] = Object.values(node.states);
  if (node.initial != null) {
    for (const target of node.initial.target) lines.push(`${pad}[*] --> ${target.key}`);
  }
  for (const child of children) {
    for (const inv of child.invoke) lines.push(`${pad}${child.key} : invoke ${String(inv.src)} as ${inv.id}`);
    const transitions = [...child.transitions.values()].flat().concat(child.always ?? []);
    for (const t of transitions) {
      const guard = t.guard == null ? "" : ` [${renderGuard(t.guard)}]`;
      for (const target of t.target ?? []) lines.push(`${pad}${child.key} --> ${target.key} : ${eventLabel(t.eventType)}${guard}`);
    }
    if (child.type === "final") lines.push(`${pad}${child.key} --> [*]`);
    if (Object.keys(child.states).length > 0) {
      lines.push(`${pad}state ${child.key} {`);
      walk(child, `${pad}  `, lines);
      lines.push(`${pad}}`);
    }
  }
}

function eventLabel(type: string): string {
  if (type === "") return "always";
  if (type.startsWith("xstate.done.actor.")) return "onDone";
  if (type.startsWith("xstate.error.actor.")) return "onError";
  return type;
}

function renderGuard(guard: unknown): string {
  if (typeof guard === "string") return guard;
  if (typeof guard === "function") {
    const inner = "guards" in guard && Array.isArray(guard.guards) ? guard.guards.map(renderGuard) : [];
    if (guard.name === "not" && inner.length === 1) return `!${inner[0]}`;
    if (guard.name === "and") return inner.join(" && ");
    if (guard.name === "or") return `(${inner.join(" || ")})`;
    return guard.name || "guard";
  }
  if (typeof guard === "object" && guard != null && "type" in guard && typeof guard.type === "string") {
    const params = "params" in guard && typeof guard.params === "object" && guard.params != null ? Object.values(guard.params) : [];
    return params.length > 0 ? `${guard.type}(${params.map(String).join(", ")})` : guard.type;
  }
  return "guard";
}
