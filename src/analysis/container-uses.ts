/**
 * What a `this.f` does to the container the field holds (an array, a `Set`, a `Map`, an object
 * used as a record): fills it with items, empties or replaces it without reading, probes it for one
 * item, or reads its contents.
 */
import { AST_NODE_TYPES, type TSESTree } from "@typescript-eslint/utils";
import { type Node, memberName, methodCall, outermostValue, unwrap } from "./ast.js";

export interface ContainerUse {
  /**
   * `fill`: adds items (`push`, `unshift`, `add`, `set`, `splice` with items, `this.f[k] = v`, a
   * self-append `this.f = [...this.f, x]`); `reset`: replaces or empties it without reading
   * (`this.f = []`, `clear()`, `length = 0`); `probe`: a membership check or a removal by key (`has`,
   * `includes`, `indexOf`, `delete`), which reads no batch out of it; `read`: anything else.
   */
  kind: "fill" | "read" | "probe" | "reset";
  /** The values a fill adds. */
  items: Node[];
}

/** Methods that add their arguments to an array, `Set` or `Map`. */
const FILLERS = new Set(["push", "unshift", "add", "set"]);
/** Methods that empty a container without reading it. */
const CLEARERS = new Set(["clear"]);
/** Methods that only ask whether a known item is in the field, or remove it by key: a marker set, not a batch being drained. */
const PROBES = new Set(["has", "includes", "indexOf", "delete"]);

/** What a `this.f` does to the field. */
export function classifyUse(node: TSESTree.MemberExpression, name: string): ContainerUse {
  const read = { kind: "read" as const, items: [] };
  const reset = { kind: "reset" as const, items: [] };
  const base = outermostValue(node);
  const p = base.parent;
  if (!p) return read;
  if (p.type === AST_NODE_TYPES.MemberExpression && p.object === base) {
    const method = memberName(p);
    const gp = p.parent;
    if (gp?.type === AST_NODE_TYPES.CallExpression && gp.callee === p && method !== undefined) {
      const args = gp.arguments;
      if (FILLERS.has(method) && args.length > 0) return { kind: "fill", items: args };
      if (method === "splice" && args.length > 2) return { kind: "fill", items: args.slice(2) };
      if (CLEARERS.has(method)) return reset;
      if (PROBES.has(method)) return { kind: "probe", items: [] };
    }
    if (gp?.type === AST_NODE_TYPES.AssignmentExpression && gp.left === p) {
      if (method === "length") return reset;
      if (p.computed && gp.operator === "=") return { kind: "fill", items: [gp.right] };
    }
    return read;
  }
  if (p.type === AST_NODE_TYPES.AssignmentExpression && p.left === base) {
    if (p.operator !== "=") return read;
    const items = selfAppend(p.right, name);
    return items ? { kind: "fill", items } : reset;
  }
  // The `this.f` inside `this.f = [...this.f, x]` / `this.f = this.f.concat(x)`: part of that fill.
  if (isSelfAppendOperand(base, name)) return reset;
  return read;
}

function isThisMember(node: Node, name: string): boolean {
  const e = unwrap(node);
  return e.type === AST_NODE_TYPES.MemberExpression && e.object.type === AST_NODE_TYPES.ThisExpression && memberName(e) === name;
}

/** For `[...this.f, a, b]` / `this.f.concat(a, b)`: [a, b]. */
function selfAppend(right: Node, name: string): Node[] | undefined {
  const r = unwrap(right);
  if (r.type === AST_NODE_TYPES.ArrayExpression) {
    const self = r.elements.findIndex((e) => e?.type === AST_NODE_TYPES.SpreadElement && isThisMember(e.argument, name));
    if (self < 0) return undefined;
    const items = r.elements.filter((e, i): e is TSESTree.Expression | TSESTree.SpreadElement => i !== self && e !== null);
    return items.length > 0 ? items : undefined;
  }
  if (r.type === AST_NODE_TYPES.CallExpression && r.arguments.length > 0) {
    const mc = methodCall(r);
    if (mc?.method === "concat" && isThisMember(mc.receiver, name)) return r.arguments;
  }
  return undefined;
}

function isSelfAppendOperand(base: Node, name: string): boolean {
  const p = base.parent;
  let value: Node | undefined;
  if (p?.type === AST_NODE_TYPES.SpreadElement && p.parent?.type === AST_NODE_TYPES.ArrayExpression) value = p.parent;
  else if (
    p?.type === AST_NODE_TYPES.MemberExpression &&
    p.object === base &&
    p.parent?.type === AST_NODE_TYPES.CallExpression &&
    p.parent.callee === p
  )
    value = p.parent;
  if (!value) return false;
  const top = outermostValue(value);
  const a = top.parent;
  return (
    a?.type === AST_NODE_TYPES.AssignmentExpression &&
    a.operator === "=" &&
    a.right === top &&
    isThisMember(a.left, name) &&
    selfAppend(value, name) !== undefined
  );
}
