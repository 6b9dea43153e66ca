/**
 * SQL cursors: which calls are `sql.exec(…)` on Durable Object SQL storage, which expression holds
 * the cursor one returns, and which expressions are a cursor or what reading one gives (never a Promise).
 */
import { AST_NODE_TYPES, type TSESTree } from "@typescript-eslint/utils";
import { type Node, methodCall, unwrap } from "./ast.js";
import { unchangedInit } from "./scope.js";
import { CURSOR_READ_METHODS, type DurableObjectModel, EXEC_METHOD } from "./storage.js";

/** `sql.exec(…)` on a Durable Object SQL handle. */
export function isExecCall(model: DurableObjectModel, call: TSESTree.CallExpression): boolean {
  return model.handleCall(call, EXEC_METHOD)?.kind === "sql";
}

/** The `exec(…)` call whose cursor `expr` is: directly, or through a `const` (at most three deep). */
export function execBehind(model: DurableObjectModel, expr: Node, depth = 0): TSESTree.CallExpression | undefined {
  const e = unwrap(expr, true);
  if (e.type === AST_NODE_TYPES.CallExpression) return isExecCall(model, e) ? e : undefined;
  if (e.type !== AST_NODE_TYPES.Identifier || depth > 2) return undefined;
  const init = unchangedInit(e, model.sourceCode);
  return init !== undefined ? execBehind(model, init, depth + 1) : undefined;
}

/**
 * An expression that is a cursor or what a cursor gives: `sql.exec(…)`, then any of `.toArray()`,
 * `.one()`, `.next()`, `.raw()` and property reads (`.columnNames`, `[0]`, `.n`). None of these is
 * a promise, and none can be a thenable (row values are numbers, strings, `null` or `ArrayBuffer`s).
 */
export function isCursorValue(model: DurableObjectModel, expr: Node): boolean {
  let e = unwrap(expr, true);
  for (;;) {
    if (e.type === AST_NODE_TYPES.MemberExpression) {
      if (e.object.type === AST_NODE_TYPES.Super) return false;
      e = unwrap(e.object, true);
    } else if (e.type === AST_NODE_TYPES.CallExpression) {
      const mc = methodCall(e);
      if (mc?.method === "exec") return isExecCall(model, e);
      if (!mc || !CURSOR_READ_METHODS.has(mc.method) || e.arguments.length > 0) return false;
      e = unwrap(mc.receiver, true);
    } else {
      return false;
    }
  }
}
