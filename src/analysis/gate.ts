/**
 * "Does this `await` open the input gate?"
 *
 * The runtime (measured, ../shared/runtime-facts.md): while a Durable Object awaits its own storage
 * — `get/put/delete/list/getAlarm/setAlarm/deleteAlarm/deleteAll/sync/transaction`, or
 * synchronous SQL — its input gate stays closed and no other event is delivered. Awaiting
 * anything else (`fetch`, service bindings, RPC to other objects, timers, `scheduler.wait`,
 * Workers KV, R2, D1, the Cache API, the request body, functions of other modules) opens it: other
 * requests run, and a value read before the await may be stale after it. Web Crypto
 * (`crypto.subtle.digest`, `sign`, …) runs at once and keeps it closed.
 *
 * A call to a method of the same class (its own or a local base class's), or to a function
 * declared in the same file, is followed, to a bounded depth, and keeps the gate closed only when
 * its body awaits nothing but storage.
 *
 * The verdict has three values. `OPENS` and `CLOSED` are what the code shows. `UNKNOWN` is what the
 * analysis cannot see: a helper cut off by the depth bound or by recursion, an initialiser that
 * refers to itself, `this.m()` whose method is not in the class (a framework base, a mixin) or may
 * be replaced (`this.m = …`, a subclass's own `m`), a method of an object the class built from its
 * state or storage (`this.queue = new AlarmQueue(ctx)`: an app's storage wrapper, often in another
 * file) or of an app class built with nothing to do I/O with (`new RulesEngine()` from `./rules`),
 * and a dynamic `import()`. Each rule decides what unknown means for it:
 * `no-unsafe-read-modify-write` treats it as closed (it reports only what it can show, so an
 * unknown await never makes a report); the rules that guard with `awaitOpensGate` treat it as
 * open, as they always have.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import { type FunctionNode, type Node, isClass, isFunction, methodCall, unwrap, walk } from "./ast.js";
import { receiverWrapsHandle, resolveCallee } from "./callees.js";
import type { DurableObjectModel } from "./storage.js";

/** What awaiting something does to the input gate (see the module comment); ordered, so that the worse of two is the larger. */
export const Gate = { CLOSED: 0, UNKNOWN: 1, OPENS: 2 } as const;
export type Gate = (typeof Gate)[keyof typeof Gate];

/** Either may open: the worse of the two (OPENS over UNKNOWN over CLOSED). */
const either = (a: Gate, b: Gate): Gate => (a > b ? a : b);

const MAX_DEPTH = 4;
const PROMISE_COMBINATORS = new Set(["all", "allSettled", "race", "any"]);
/** Globals whose methods (and calls) return plain values, never a promise: `Object.fromEntries(…)`, `JSON.parse(…)`. */
const PLAIN_GLOBALS = new Set([
  "Object",
  "JSON",
  "Math",
  "Array",
  "Number",
  "String",
  "Boolean",
  "Date",
  "Reflect",
  "structuredClone",
  "encodeURIComponent",
  "decodeURIComponent",
  "parseInt",
  "parseFloat",
]);
/**
 * Methods of a Durable Object namespace binding that answer at once: ids, and the stub itself
 * (`env.ROOM.get(id)` makes a stub without any I/O; calling the stub is what opens the gate).
 */
/** The `crypto.subtle` methods measured to keep the gate closed on workerd (tests/runtime/gate-facts.test.ts). */
const SUBTLE_METHODS = new Set(["digest", "importKey", "exportKey", "generateKey", "sign", "verify", "encrypt", "decrypt", "deriveBits"]);
const NAMESPACE_SYNC_METHODS = new Set(["idFromName", "idFromString", "newUniqueId", "getByName", "jurisdiction"]);

export class GateModel {
  readonly model: DurableObjectModel;
  private readonly functionVerdicts = new Map<FunctionNode, Gate>();
  private readonly inProgress = new Set<FunctionNode>();
  /** Variables whose initialiser is being followed: `var a = b, b = a` or `const p = p` ends there. */
  private readonly following = new Set<TSESLint.Scope.Variable>();
  /** Set when a verdict was cut short by the depth bound or a cycle (then it is not memoised). */
  private truncated = false;

  constructor(model: DurableObjectModel) {
    this.model = model;
  }

  /** Whether awaiting `awaitNode` can let other events into the object (unknown counts as yes). */
  awaitOpensGate(awaitNode: TSESTree.AwaitExpression): boolean {
    return this.opens(awaitNode.argument, 0) !== Gate.CLOSED;
  }

  /** What awaiting `awaitNode` does to the gate, unknown kept apart. */
  awaitVerdict(awaitNode: TSESTree.AwaitExpression): Gate {
    return this.opens(awaitNode.argument, 0);
  }

  /** What calling `fn` (and awaiting its result) does to the gate. */
  functionVerdict(fn: FunctionNode): Gate {
    return this.functionOpens(fn, 0);
  }

  /** What awaiting the value of `expr` does to the gate. */
  opens(expr: Node, depth: number): Gate {
    const e = unwrap(expr);
    switch (e.type) {
      case AST_NODE_TYPES.Literal:
      case AST_NODE_TYPES.ObjectExpression:
      case AST_NODE_TYPES.ArrayExpression:
      case AST_NODE_TYPES.TemplateLiteral:
      case AST_NODE_TYPES.UnaryExpression:
      case AST_NODE_TYPES.BinaryExpression:
        return Gate.CLOSED; // not a promise: awaiting it only yields a microtask
      case AST_NODE_TYPES.Identifier:
        return e.name === "undefined" ? Gate.CLOSED : this.identifierOpens(e, depth);
      case AST_NODE_TYPES.AwaitExpression:
        return this.opens(e.argument, depth);
      case AST_NODE_TYPES.ConditionalExpression:
        return either(this.opens(e.consequent, depth), this.opens(e.alternate, depth));
      case AST_NODE_TYPES.LogicalExpression:
        return either(this.opens(e.left, depth), this.opens(e.right, depth));
      case AST_NODE_TYPES.SequenceExpression:
        return this.opens(e.expressions[e.expressions.length - 1], depth);
      case AST_NODE_TYPES.CallExpression:
        return this.callOpens(e, depth);
      case AST_NODE_TYPES.ImportExpression:
        return Gate.UNKNOWN; // a Worker's modules are bundled with it: no network, but not measured
      case AST_NODE_TYPES.NewExpression: {
        // `new Promise(…)` may wait for a timer or I/O; any other new object is not a promise
        // (`return new Map(stored)` from an async helper).
        const callee = unwrap(e.callee);
        return callee.type === AST_NODE_TYPES.Identifier && callee.name === "Promise" ? Gate.OPENS : Gate.CLOSED;
      }
      case AST_NODE_TYPES.ArrowFunctionExpression:
      case AST_NODE_TYPES.FunctionExpression:
      case AST_NODE_TYPES.ClassExpression:
        return Gate.CLOSED;
      case AST_NODE_TYPES.MemberExpression:
        return Gate.UNKNOWN; // a property may hold a promise, or a plain value: the code does not say
      default:
        return Gate.OPENS;
    }
  }

  private identifierOpens(id: TSESTree.Identifier, depth: number): Gate {
    // `const p = storage.put(…); …; await p`
    const variable = findVariable(this.model.sourceCode.getScope(id), id.name);
    const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    if (def?.type !== "Variable" || variable!.references.some((r) => r.isWrite() && !r.init)) return Gate.OPENS;
    const decl = def.node as TSESTree.VariableDeclarator;
    if (decl.id !== def.name || !decl.init) return Gate.OPENS;
    if (this.following.has(variable!)) {
      this.truncated = true; // a cycle of initialisers
      return Gate.UNKNOWN;
    }
    this.following.add(variable!);
    try {
      return this.opens(decl.init, depth);
    } finally {
      this.following.delete(variable!);
    }
  }

  private callOpens(call: TSESTree.CallExpression, depth: number): Gate {
    const handle = this.model.handleCall(call);
    if (handle) {
      if (handle.method === "transaction" && (handle.kind === "storage" || handle.kind === "txn")) {
        const cb = call.arguments[0];
        return cb !== undefined && isFunction(cb) ? this.functionOpens(cb, depth + 1) : Gate.OPENS;
      }
      return Gate.CLOSED; // storage, SQL, and state calls (blockConcurrencyWhile holds the gate for its callback)
    }
    const callee = unwrap(call.callee);
    if (callee.type === AST_NODE_TYPES.Identifier && PLAIN_GLOBALS.has(callee.name) && this.isGlobal(callee)) return Gate.CLOSED;
    const mc = methodCall(call);
    if (mc) {
      const receiver = unwrap(mc.receiver);
      if (receiver.type === AST_NODE_TYPES.Identifier && PLAIN_GLOBALS.has(receiver.name) && this.isGlobal(receiver)) return Gate.CLOSED;
      // `env.ROOM.idFromName(n)`, `env.ROOM.get(id)`: a stub, made without I/O.
      if (NAMESPACE_SYNC_METHODS.has(mc.method) || (mc.method === "get" && this.isDurableObjectId(call.arguments[0]))) return Gate.CLOSED;
      // Web Crypto runs at once on workerd (tests/runtime/gate-facts.test.ts): `crypto.subtle.digest(…)`.
      if (SUBTLE_METHODS.has(mc.method) && this.isGlobalSubtle(mc.receiver)) return Gate.CLOSED;
      // A cursor or row read off synchronous SQL: `sql.exec(…).toArray()`.
      const inner = unwrap(mc.receiver);
      if (inner.type === AST_NODE_TYPES.CallExpression && this.model.handleCall(inner)?.kind === "sql") return Gate.CLOSED;
      // `Promise.all([storage.get(a), storage.get(b)])`, `Promise.resolve()`
      if (mc.receiver.type === AST_NODE_TYPES.Identifier && mc.receiver.name === "Promise" && this.isGlobal(mc.receiver)) {
        if (mc.method === "resolve") return call.arguments.length > 0 ? this.opens(call.arguments[0], depth) : Gate.CLOSED;
        if (PROMISE_COMBINATORS.has(mc.method)) {
          const arg = call.arguments[0];
          if (arg?.type !== AST_NODE_TYPES.ArrayExpression) return Gate.OPENS;
          let verdict: Gate = Gate.CLOSED;
          for (const el of arg.elements) {
            verdict = either(verdict, el === null || el.type === AST_NODE_TYPES.SpreadElement ? Gate.OPENS : this.opens(el, depth));
          }
          return verdict;
        }
        return Gate.OPENS;
      }
      // `this.queue.schedule()`, where the class built `this.queue` from its state or storage.
      if (receiverWrapsHandle(this.model, mc.receiver)) return Gate.UNKNOWN;
    }
    // `this.helper()`, `this.#helper()`, `helper()`: a function of this class or this file.
    const fn = resolveCallee(this.model, call);
    if (fn === "unknown") return Gate.UNKNOWN;
    return fn ? this.functionOpens(fn, depth + 1) : Gate.OPENS;
  }

  /** `crypto.subtle` of the global `crypto`. */
  private isGlobalSubtle(receiver: Node): boolean {
    const r = unwrap(receiver);
    if (r.type !== AST_NODE_TYPES.MemberExpression || r.computed || r.property.type !== AST_NODE_TYPES.Identifier) return false;
    const obj = unwrap(r.object);
    return r.property.name === "subtle" && obj.type === AST_NODE_TYPES.Identifier && obj.name === "crypto" && this.isGlobal(obj);
  }

  /** `id` of `ns.get(id)` is a Durable Object id: made by `idFromName`, `idFromString` or `newUniqueId`, here or in a `const`. */
  private isDurableObjectId(arg: Node | undefined): boolean {
    let e = arg && unwrap(arg);
    if (e?.type === AST_NODE_TYPES.Identifier) {
      const variable = findVariable(this.model.sourceCode.getScope(e), e.name);
      const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
      const decl = def?.type === "Variable" ? (def.node as TSESTree.VariableDeclarator) : undefined;
      e =
        decl && decl.id === def!.name && decl.init && !variable!.references.some((r) => r.isWrite() && !r.init)
          ? unwrap(decl.init)
          : undefined;
    }
    if (e?.type !== AST_NODE_TYPES.CallExpression) return false;
    const m = methodCall(e)?.method;
    return m === "idFromName" || m === "idFromString" || m === "newUniqueId";
  }

  private isGlobal(id: TSESTree.Identifier): boolean {
    const variable = findVariable(this.model.sourceCode.getScope(id), id.name);
    return !variable || variable.defs.length === 0;
  }

  private functionOpens(fn: FunctionNode, depth: number): Gate {
    const memo = this.functionVerdicts.get(fn);
    if (memo !== undefined) return memo;
    if (depth > MAX_DEPTH || this.inProgress.has(fn)) {
      this.truncated = true;
      return Gate.UNKNOWN;
    }
    const outerTruncated = this.truncated;
    this.truncated = false;
    this.inProgress.add(fn);
    let verdict: Gate = Gate.CLOSED;
    try {
      if (fn.body.type !== AST_NODE_TYPES.BlockStatement) {
        verdict = this.opens(fn.body, depth);
      } else {
        walk(fn.body, this.model.sourceCode.visitorKeys, (n) => {
          if (verdict === Gate.OPENS) return false;
          if (n !== fn.body && (isFunction(n) || isClass(n))) return false;
          if (n.type === AST_NODE_TYPES.AwaitExpression) verdict = either(verdict, this.opens(n.argument, depth));
          else if (n.type === AST_NODE_TYPES.ForOfStatement && n.await) verdict = Gate.OPENS;
          else if (n.type === AST_NODE_TYPES.ReturnStatement && n.argument) verdict = either(verdict, this.opens(n.argument, depth));
          return verdict !== Gate.OPENS;
        });
      }
    } finally {
      this.inProgress.delete(fn);
    }
    if (!this.truncated) this.functionVerdicts.set(fn, verdict);
    this.truncated = this.truncated || outerTruncated;
    return verdict;
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
