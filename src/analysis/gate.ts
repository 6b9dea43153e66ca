/**
 * "Does this `await` open the input gate?"
 *
 * The runtime (measured, ../shared/runtime-facts.md): while a Durable Object awaits its own storage
 * — `get/put/delete/list/getAlarm/setAlarm/deleteAlarm/deleteAll/sync/transaction`, or
 * synchronous SQL — its input gate stays closed and no other event is delivered. Awaiting
 * anything else (`fetch`, service bindings, RPC to other objects, timers, `scheduler.wait`,
 * Workers KV, R2, D1, the Cache API, unknown functions) opens it: other requests run, and a value
 * read before the await may be stale after it.
 *
 * Unknown means "opens". A call to a method of the same class, or to a function declared in the
 * same file, is followed (to a bounded depth) and keeps the gate closed only when its body awaits
 * nothing but storage.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import { type FunctionNode, type Node, isClass, isFunction, methodCall, thisClass, unwrap, walk } from "./ast.js";
import type { DurableObjectModel } from "./storage.js";

const MAX_DEPTH = 4;
const PROMISE_COMBINATORS = new Set(["all", "allSettled", "race", "any"]);

export class GateModel {
  readonly model: DurableObjectModel;
  private readonly functionVerdicts = new Map<FunctionNode, boolean>();
  private readonly inProgress = new Set<FunctionNode>();
  /** Variables whose initialiser is being followed: `var a = b, b = a` or `const p = p` ends there. */
  private readonly following = new Set<TSESLint.Scope.Variable>();
  /** Set when a verdict was cut short by the depth bound (then it is not memoised). */
  private truncated = false;

  constructor(model: DurableObjectModel) {
    this.model = model;
  }

  /** Whether awaiting `awaitNode` can let other events into the object. */
  awaitOpensGate(awaitNode: TSESTree.AwaitExpression): boolean {
    return this.opens(awaitNode.argument, 0);
  }

  /** Whether calling `fn` (and awaiting its result) can open the input gate. */
  functionOpensGate(fn: FunctionNode): boolean {
    return this.functionOpens(fn, 0);
  }

  /** Whether awaiting the value of `expr` can open the gate. */
  opens(expr: Node, depth: number): boolean {
    const e = unwrap(expr);
    switch (e.type) {
      case AST_NODE_TYPES.Literal:
      case AST_NODE_TYPES.ObjectExpression:
      case AST_NODE_TYPES.ArrayExpression:
      case AST_NODE_TYPES.TemplateLiteral:
      case AST_NODE_TYPES.UnaryExpression:
      case AST_NODE_TYPES.BinaryExpression:
        return false; // not a promise: awaiting it only yields a microtask
      case AST_NODE_TYPES.Identifier:
        return e.name === "undefined" ? false : this.identifierOpens(e, depth);
      case AST_NODE_TYPES.AwaitExpression:
        return this.opens(e.argument, depth);
      case AST_NODE_TYPES.ConditionalExpression:
        return this.opens(e.consequent, depth) || this.opens(e.alternate, depth);
      case AST_NODE_TYPES.LogicalExpression:
        return this.opens(e.left, depth) || this.opens(e.right, depth);
      case AST_NODE_TYPES.SequenceExpression:
        return this.opens(e.expressions[e.expressions.length - 1], depth);
      case AST_NODE_TYPES.CallExpression:
        return this.callOpens(e, depth);
      default:
        return true;
    }
  }

  private identifierOpens(id: TSESTree.Identifier, depth: number): boolean {
    // `const p = storage.put(…); …; await p`
    const variable = findVariable(this.model.sourceCode.getScope(id), id.name);
    const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    if (def?.type !== "Variable" || variable!.references.some((r) => r.isWrite() && !r.init)) return true;
    const decl = def.node as TSESTree.VariableDeclarator;
    if (decl.id !== def.name || !decl.init) return true;
    if (this.following.has(variable!)) {
      this.truncated = true; // a cycle of initialisers: unknown
      return true;
    }
    this.following.add(variable!);
    try {
      return this.opens(decl.init, depth);
    } finally {
      this.following.delete(variable!);
    }
  }

  private callOpens(call: TSESTree.CallExpression, depth: number): boolean {
    const handle = this.model.handleCall(call);
    if (handle) {
      if (handle.method === "transaction" && (handle.kind === "storage" || handle.kind === "txn")) {
        const cb = call.arguments[0];
        return cb !== undefined && isFunction(cb) && this.functionOpens(cb, depth + 1);
      }
      return false; // storage, SQL, and state calls (blockConcurrencyWhile holds the gate for its callback)
    }
    const mc = methodCall(call);
    if (mc) {
      // A cursor or row read off synchronous SQL: `sql.exec(…).toArray()`.
      const inner = unwrap(mc.receiver);
      if (inner.type === AST_NODE_TYPES.CallExpression && this.model.handleCall(inner)?.kind === "sql") return false;
      // `Promise.all([storage.get(a), storage.get(b)])`, `Promise.resolve()`
      if (mc.receiver.type === AST_NODE_TYPES.Identifier && mc.receiver.name === "Promise" && this.isGlobal(mc.receiver)) {
        if (mc.method === "resolve") return call.arguments.length > 0 && this.opens(call.arguments[0], depth);
        if (PROMISE_COMBINATORS.has(mc.method)) {
          const arg = call.arguments[0];
          if (arg?.type !== AST_NODE_TYPES.ArrayExpression) return true;
          return arg.elements.some((el) => el === null || el.type === AST_NODE_TYPES.SpreadElement || this.opens(el, depth));
        }
        return true;
      }
      // `this.helper()` — a method of the same class.
      if (unwrap(mc.receiver).type === AST_NODE_TYPES.ThisExpression) {
        const cls = thisClass(mc.receiver);
        const method = cls ? this.model.classOf(cls).methods.get(mc.method) : undefined;
        return method ? this.functionOpens(method, depth + 1) : true;
      }
      return true;
    }
    // `helper()` — a function declared in this file.
    const callee = unwrap(call.callee);
    if (callee.type === AST_NODE_TYPES.Identifier) {
      const fn = this.localFunction(callee);
      return fn ? this.functionOpens(fn, depth + 1) : true;
    }
    return true;
  }

  private localFunction(id: TSESTree.Identifier): FunctionNode | undefined {
    const variable = findVariable(this.model.sourceCode.getScope(id), id.name);
    if (!variable || variable.defs.length !== 1) return undefined;
    const def = variable.defs[0];
    if (def.type === "FunctionName" && isFunction(def.node as Node)) return def.node as FunctionNode;
    if (def.type === "Variable" && !variable.references.some((r) => r.isWrite() && !r.init)) {
      const init = (def.node as TSESTree.VariableDeclarator).init;
      if (init && isFunction(init)) return init;
    }
    return undefined;
  }

  private isGlobal(id: TSESTree.Identifier): boolean {
    const variable = findVariable(this.model.sourceCode.getScope(id), id.name);
    return !variable || variable.defs.length === 0;
  }

  private functionOpens(fn: FunctionNode, depth: number): boolean {
    const memo = this.functionVerdicts.get(fn);
    if (memo !== undefined) return memo;
    if (depth > MAX_DEPTH || this.inProgress.has(fn)) {
      this.truncated = true;
      return true;
    }
    const outerTruncated = this.truncated;
    this.truncated = false;
    this.inProgress.add(fn);
    let opens = false;
    try {
      if (fn.body.type !== AST_NODE_TYPES.BlockStatement) {
        opens = this.opens(fn.body, depth);
      } else {
        walk(fn.body, this.model.sourceCode.visitorKeys, (n) => {
          if (opens) return false;
          if (n !== fn.body && (isFunction(n) || isClass(n))) return false;
          if (n.type === AST_NODE_TYPES.AwaitExpression && this.opens(n.argument, depth)) opens = true;
          else if (n.type === AST_NODE_TYPES.ForOfStatement && n.await) opens = true;
          else if (n.type === AST_NODE_TYPES.ReturnStatement && n.argument && this.opens(n.argument, depth)) opens = true;
          return !opens;
        });
      }
    } finally {
      this.inProgress.delete(fn);
    }
    if (!this.truncated) this.functionVerdicts.set(fn, opens);
    this.truncated = this.truncated || outerTruncated;
    return opens;
  }
}

const gates = new WeakMap<DurableObjectModel, GateModel>();

/** The gate model that goes with a file's Durable Object model. */
export function getGateModel(model: DurableObjectModel): GateModel {
  let gate = gates.get(model);
  if (!gate) {
    gate = new GateModel(model);
    gates.set(model, gate);
  }
  return gate;
}

/** Describes an awaited expression for a message, without the `await`: `fetch(…)`, `this.env.KV.get(…)`. */
export function describeAwait(sourceText: string, awaitNode: TSESTree.AwaitExpression): string {
  return describeExpression(sourceText, awaitNode.argument);
}

/** Short text for an expression in a message: `this.ctx.storage.get(…)`, `new Promise(…)`; an `await` is looked through. */
export function describeExpression(sourceText: string, node: Node): string {
  const arg = unwrap(node);
  if (arg.type === AST_NODE_TYPES.AwaitExpression) return describeExpression(sourceText, arg.argument);
  let text: string;
  if (arg.type === AST_NODE_TYPES.CallExpression) {
    text = `${sourceText.slice(arg.callee.range[0], arg.callee.range[1])}(${arg.arguments.length ? "…" : ""})`;
  } else if (arg.type === AST_NODE_TYPES.NewExpression) {
    text = `new ${sourceText.slice(arg.callee.range[0], arg.callee.range[1])}(…)`;
  } else {
    text = sourceText.slice(arg.range[0], arg.range[1]);
  }
  text = text.replace(/\s+/g, " ");
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
