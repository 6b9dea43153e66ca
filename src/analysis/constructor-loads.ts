/**
 * What a Durable Object constructor starts loading into the instance without waiting for it, and
 * what the load waits on before the state is set: `storage.get(k).then((v) => { this.v = v; })`,
 * or `this.load()` of an async method (the body callees.ts pins down) that awaits a storage read
 * and then assigns `this.*` (class-model.ts: the writes directly in the function).
 */
import { AST_NODE_TYPES, type TSESTree } from "@typescript-eslint/utils";
import {
  type ClassNode,
  type FunctionNode,
  type Node,
  isClass,
  isFunction,
  memberName,
  methodCall,
  outermostValue,
  unwrap,
  walk,
} from "./ast.js";
import { resolveMethod } from "./callees.js";
import { thisWritesIn } from "./class-model.js";
import { type GateModel, describeExpression, getGateModel } from "./gate.js";
import { type DurableObjectModel, STORAGE_READ_METHODS } from "./storage.js";

/** Promise methods a load can be chained through and still be the same load. */
const CHAIN = new Set(["then", "catch", "finally"]);
const PROMISE_COMBINATORS = new Set(["all", "allSettled"]);

/** One `.then(…)` / `.catch(…)` / `.finally(…)` step of a chain. */
export interface Link {
  method: string;
  call: TSESTree.CallExpression;
}

/** Something a load waits on that opens the input gate. */
export interface Opener {
  node: Node;
  text: string;
}

export interface ConstructorLoad {
  /** `read`: a storage read with a `.then` that sets the state; `method`: `this.m()` of a method that loads. */
  kind: "read" | "method";
  /** The call the constructor makes. */
  call: TSESTree.CallExpression;
  /** The storage handle read, or the `this` of `this.m()`: what the `DurableObjectState` is found from. */
  receiver: Node;
  /** The `.then/.catch/.finally` steps chained onto the call, and the outermost expression of the chain. */
  chain: { links: Link[]; top: Node };
  /** The `this.*` the load writes once it has its value. */
  targets: Node[];
  /** The first wait before the last write that opens the input gate; undefined when the load waits only on storage. */
  opener: Opener | undefined;
}

/** What an async method of the class loads into the instance. */
interface MethodLoad {
  targets: Node[];
  opener: Opener | undefined;
}

/** One file's constructor loads (memoised per loading method). */
export class ConstructorLoads {
  private readonly gate: GateModel;
  private readonly loads = new Map<FunctionNode, MethodLoad | null>();

  constructor(private readonly model: DurableObjectModel) {
    this.gate = getGateModel(model);
  }

  /** The load that `call`, directly in the constructor of `cls` (not in a function nested in it), starts, if any. */
  of(call: TSESTree.CallExpression, cls: ClassNode): ConstructorLoad | undefined {
    const h = this.model.handleCall(call);
    if (h) return h.kind === "storage" && STORAGE_READ_METHODS.has(h.method) ? this.storageRead(call, h.receiver) : undefined;
    const callee = unwrap(call.callee);
    if (callee.type !== AST_NODE_TYPES.MemberExpression || unwrap(callee.object).type !== AST_NODE_TYPES.ThisExpression) return undefined;
    const name = memberName(callee);
    // The body `this.name()` runs: own or inherited, and only when nothing can replace it (callees.ts).
    const method = name === undefined ? undefined : resolveMethod(this.model, cls, name);
    const load = method && method !== "unknown" ? this.methodLoad(method) : undefined;
    return load && { kind: "method", call, receiver: callee.object, chain: chainOf(call), ...load };
  }

  /** `storage.get(k).then((v) => { this.v = v; })`. */
  private storageRead(call: TSESTree.CallExpression, receiver: Node): ConstructorLoad | undefined {
    const chain = chainOf(call);
    const { links } = chain;
    // The first `.then` with an arrow callback (whose `this` is the instance) that assigns `this.*`.
    let setter: TSESTree.ArrowFunctionExpression | undefined;
    let assignments: ThisAssignment[] = [];
    let index = 0;
    for (; index < links.length && !setter; index++) {
      const cb = links[index].method === "then" ? links[index].call.arguments[0] : undefined;
      if (cb?.type !== AST_NODE_TYPES.ArrowFunctionExpression) continue;
      assignments = assignmentsIn(this.model, cb);
      if (assignments.length > 0) setter = cb;
    }
    if (!setter) return undefined;
    const end = Math.max(...assignments.map((a) => a.write.range[1]));
    let opener: Opener | undefined;
    for (const link of links.slice(0, index)) {
      for (const arg of link.call.arguments) {
        // In the setter, only waits before its last assignment matter.
        if (!opener && isFunction(arg)) opener = this.firstOpener(arg, arg === setter ? end : Infinity);
      }
    }
    return { kind: "read", call, receiver, chain, targets: assignments.map((a) => a.target), opener };
  }

  /**
   * The first `await` (or `for await`) in `fn`, before source offset `before`, that opens the input
   * gate. Only explicit waits: a promise a callback returns (`.then((c) => fetch(c.url))`) is not
   * judged, since a returned call may as well be a plain value.
   */
  private firstOpener(fn: FunctionNode, before: number): Opener | undefined {
    const { gate } = this;
    const { sourceCode } = this.model;
    let found: Opener | undefined;
    walk(fn.body, sourceCode.visitorKeys, (n) => {
      if (found || n.range[0] >= before || (n !== fn.body && (isFunction(n) || isClass(n)))) return false;
      if (n.type === AST_NODE_TYPES.AwaitExpression && gate.awaitOpensGate(n)) {
        found = { node: n, text: describeExpression(sourceCode.text, n.argument) };
      } else if (n.type === AST_NODE_TYPES.ForOfStatement && n.await) {
        found = { node: n, text: "for await (…)" };
      }
      return !found;
    });
    return found;
  }

  /** What a same-class async method loads: it awaits a storage read, then assigns `this.*`. */
  private methodLoad(fn: FunctionNode): MethodLoad | undefined {
    const memo = this.loads.get(fn);
    if (memo !== undefined) return memo ?? undefined;
    const model = this.model;
    let result: MethodLoad | undefined;
    if (fn.async && !fn.generator && fn.body.type === AST_NODE_TYPES.BlockStatement) {
      let read: Node | undefined;
      walk(fn.body, model.sourceCode.visitorKeys, (n) => {
        if (read || (n !== fn.body && (isFunction(n) || isClass(n)))) return false;
        if (n.type === AST_NODE_TYPES.AwaitExpression && awaitsStorageRead(model, n.argument)) read = n;
        return !read;
      });
      const after = read ? assignmentsIn(model, fn).filter((a) => a.write.range[1] >= read!.range[1]) : [];
      if (after.length > 0) {
        const last = Math.max(...after.map((a) => a.write.range[1]));
        result = { targets: after.map((a) => a.target), opener: this.firstOpener(fn, last) };
      }
    }
    this.loads.set(fn, result ?? null);
    return result;
  }
}

/** Skips wrappers that do not change a value: `x!`, `x?.y` chains, `x as T`, `<T>x`. */
const outerOf = (node: Node): Node => outermostValue(node, true);

/** The `.then/.catch/.finally` steps chained onto `call`, and the outermost expression of the chain. */
function chainOf(call: TSESTree.CallExpression): { links: Link[]; top: Node } {
  const links: Link[] = [];
  let top = outerOf(call);
  for (;;) {
    const member = top.parent;
    if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== top) break;
    const name = memberName(member);
    const next = member.parent;
    if (name === undefined || !CHAIN.has(name) || next?.type !== AST_NODE_TYPES.CallExpression || next.callee !== member) break;
    links.push({ method: name, call: next });
    top = outerOf(next);
  }
  return { links, top };
}

/** One `this.*` assignment or update (`this.x = …`, `this.a.b += …`, `this.n++`, `[this.a] = …`) and the first field it writes. */
interface ThisAssignment {
  write: Node;
  target: Node;
}

/** The `this.*` assignments and updates directly in `fn`, not in functions nested in it (class-model.ts), one per write. */
function assignmentsIn(model: DurableObjectModel, fn: FunctionNode): ThisAssignment[] {
  const seen = new Set<Node>();
  const out: ThisAssignment[] = [];
  for (const { write, target } of thisWritesIn(model, fn)) {
    if ((write.type === AST_NODE_TYPES.AssignmentExpression || write.type === AST_NODE_TYPES.UpdateExpression) && !seen.has(write)) {
      seen.add(write);
      out.push({ write, target });
    }
  }
  return out;
}

/** `await storage.get(…)`, or `await Promise.all([storage.get(a), …])`. */
function awaitsStorageRead(model: DurableObjectModel, arg: Node): boolean {
  const e = unwrap(arg);
  if (e.type !== AST_NODE_TYPES.CallExpression) return false;
  const h = model.handleCall(e);
  if (h) return (h.kind === "storage" || h.kind === "txn") && STORAGE_READ_METHODS.has(h.method);
  const mc = methodCall(e);
  const list = e.arguments[0];
  if (
    mc?.receiver.type === AST_NODE_TYPES.Identifier &&
    mc.receiver.name === "Promise" &&
    PROMISE_COMBINATORS.has(mc.method) &&
    list?.type === AST_NODE_TYPES.ArrayExpression
  ) {
    return list.elements.some((el) => el !== null && el.type !== AST_NODE_TYPES.SpreadElement && awaitsStorageRead(model, el));
  }
  return false;
}
