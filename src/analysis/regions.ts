/**
 * Callbacks the runtime runs atomically or alone: `storage.transaction(cb)`,
 * `storage.transactionSync(cb)`, `state.blockConcurrencyWhile(cb)`.
 */
import { AST_NODE_TYPES } from "@typescript-eslint/utils";
import { type Node, isFunction } from "./ast.js";
import { ATOMIC_METHODS, type DurableObjectModel } from "./storage.js";

export type AtomicRegion = "transaction" | "transactionSync" | "blockConcurrencyWhile";

/** The nearest such callback that `node` runs inside (stopping at any other function). */
export function atomicRegionOf(model: DurableObjectModel, node: Node): AtomicRegion | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (!isFunction(n)) continue;
    const region = regionOfCallback(model, n);
    if (region) return region;
    // An arrow inside the callback still runs inside it only when called there; stay conservative and
    // look through arrows, but not through other function kinds.
    if (n.type !== AST_NODE_TYPES.ArrowFunctionExpression) return undefined;
  }
  return undefined;
}

/** Whether function `fn` is the callback of one of the atomic APIs. */
export function regionOfCallback(model: DurableObjectModel, fn: Node): AtomicRegion | undefined {
  const call = fn.parent;
  if (call?.type !== AST_NODE_TYPES.CallExpression || call.arguments[0] !== fn) return undefined;
  const h = model.handleCall(call, ATOMIC_METHODS);
  if (!h) return undefined;
  if ((h.kind === "storage" || h.kind === "txn") && (h.method === "transaction" || h.method === "transactionSync")) {
    // An async callback to transactionSync is not a transaction past its first await (measured).
    if (h.method === "transactionSync" && isFunction(fn) && fn.async) return undefined;
    return h.method;
  }
  if (h.kind === "state" && h.method === "blockConcurrencyWhile") return "blockConcurrencyWhile";
  return undefined;
}
