import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import { type RuleContext, createRule } from "../src/create-rule.js";
import {
  type FunctionNode,
  type Node,
  indentOf,
  isClass,
  isFunction,
  isValueWrapper,
  memberName,
  methodCall,
  outermostValue,
  unwrap,
  walk,
} from "../src/analysis/ast.js";
import { resolveMethod } from "../src/analysis/callees.js";
import { type GateModel, describeExpression, getGateModel } from "../src/analysis/gate.js";
import { methodListeners } from "../src/analysis/listeners.js";
import { type DurableObjectModel, getModel, STORAGE_READ_METHODS } from "../src/analysis/storage.js";

type MessageIds = "opensGate" | "suggestBlockConcurrency";

/** Storage reads whose result a constructor may want to keep. */
/** Promise methods a load can be chained through and still be the same load. */
const CHAIN = new Set(["then", "catch", "finally"]);
const PROMISE_COMBINATORS = new Set(["all", "allSettled"]);

/** One `.then(…)` / `.catch(…)` / `.finally(…)` step of a chain. */
interface Link {
  method: string;
  call: TSESTree.CallExpression;
}

/** Something a load waits on that opens the input gate. */
interface Opener {
  node: Node;
  text: string;
}

/** What an async method of the class loads into the instance. */
interface MethodLoad {
  targets: Node[];
  opener: Opener | undefined;
}

export default createRule<[], MessageIds>({
  name: "no-unguarded-constructor-init",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow loading Durable Object state from storage in the constructor without `blockConcurrencyWhile`",
      recommended: "error",
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      opensGate:
        "Requests can see {{target}} unset: the constructor does not wait for `{{call}}`, and that load sets {{target}} only after waiting on `{{awaited}}` (line {{line}}), which opens the input gate, so other requests run first. " +
        "Run it inside `blockConcurrencyWhile`, which holds every event until it settles and resets the object if it throws.",
      suggestBlockConcurrency: "Run it inside `{{state}}.blockConcurrencyWhile(…)`",
    },
  },
  create(context) {
    const model = getModel(context);
    if (!model.hasRegions) return {};
    return methodListeners(new ConstructorInitChecker(context, model), ["MethodDefinition"]);
  },
});

/** One file's state for `no-unguarded-constructor-init` (its listeners are methods: see `methodListeners`). */
class ConstructorInitChecker {
  private readonly sourceCode: Readonly<TSESLint.SourceCode>;
  private readonly gate: GateModel;
  private readonly loads = new Map<FunctionNode, MethodLoad | null>();

  constructor(
    private readonly context: RuleContext<MessageIds>,
    private readonly model: DurableObjectModel,
  ) {
    this.sourceCode = context.sourceCode;
    this.gate = getGateModel(model);
  }

  // One walk of each Durable Object constructor's body, instead of listeners on every function and call.
  MethodDefinition(node: TSESTree.MethodDefinition): void {
    if (node.kind !== "constructor" || node.value.type !== AST_NODE_TYPES.FunctionExpression) return;
    const fn = node.value;
    const cls = node.parent.parent;
    if (!fn.body || !isClass(cls) || !this.model.classOf(cls).isDurableObject) return;
    walk(fn.body, this.sourceCode.visitorKeys, (n) => {
      // Code in a nested function runs later; code in a nested class runs for that class.
      if (isFunction(n) || isClass(n)) return false;
      if (n.type === AST_NODE_TYPES.CallExpression) this.checkCall(fn, n);
      return true;
    });
  }

  /**
   * The first `await` (or `for await`) in `fn`, before source offset `before`, that opens the input
   * gate. Only explicit waits: a promise a callback returns (`.then((c) => fetch(c.url))`) is not
   * judged, since a returned call may as well be a plain value.
   */
  private firstOpener(fn: FunctionNode, before: number): Opener | undefined {
    const { sourceCode, gate } = this;
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
      const assignments: Node[] = [];
      walk(fn.body, this.sourceCode.visitorKeys, (n) => {
        if (n !== fn.body && (isFunction(n) || isClass(n))) return false;
        if (n.type === AST_NODE_TYPES.AwaitExpression && !read && awaitsStorageRead(model, n.argument)) read = n;
        const target = thisTarget(n);
        if (target) assignments.push(n);
        return true;
      });
      const after = read ? assignments.filter((a) => a.range[1] >= read!.range[1]) : [];
      if (after.length > 0) {
        const last = Math.max(...after.map((a) => a.range[1]));
        result = { targets: after.map((a) => thisTarget(a)!), opener: this.firstOpener(fn, last) };
      }
    }
    this.loads.set(fn, result ?? null);
    return result;
  }

  /** The text of the `DurableObjectState` the constructor can call `blockConcurrencyWhile` on at `stmt`. */
  private stateText(ctor: FunctionNode, stmt: Node, receiver: Node): string | undefined {
    const cls = (ctor.parent as TSESTree.MethodDefinition).parent.parent;
    const first = ctor.params[0];
    if (this.model.classOf(cls).ctorParams[0] === "state" && first?.type === AST_NODE_TYPES.Identifier) {
      const variable = findVariable(this.sourceCode.getScope(stmt), first.name);
      if (
        variable?.defs.length === 1 &&
        variable.defs[0].type === "Parameter" &&
        variable.defs[0].node === ctor &&
        !variable.references.some((r) => r.isWrite() && !r.init)
      ) {
        return first.name;
      }
    }
    return this.model.stateTextFor(receiver, stmt);
  }

  private report(
    ctor: FunctionNode,
    node: TSESTree.CallExpression,
    receiver: Node,
    chain: { links: Link[]; top: Node },
    targets: Node[],
    opener: Opener | undefined,
    callback: (stmt: TSESTree.ExpressionStatement) => string | undefined,
  ): void {
    // Measured on workerd: a constructor load that waits only on this object's storage finishes
    // before the first request is delivered (the input gate holds it). Only a load that waits on
    // something else lets requests see the state unset.
    if (!opener) return;
    const stmt = discardedStatement(chain.top);
    if (!stmt) return;
    const sourceCode = this.sourceCode;
    const data = {
      call: describeChain(sourceCode.text, node, chain.links),
      target: describeTargets(sourceCode, targets),
      awaited: opener.text,
      line: String(opener.node.loc.start.line),
    };
    const suggest: TSESLint.SuggestionReportDescriptor<MessageIds>[] = [];
    const state = this.stateText(ctor, stmt, receiver);
    if (state) {
      const cb = callback(stmt) ?? `() => ${sourceCode.getText(chain.top)}`;
      suggest.push({
        messageId: "suggestBlockConcurrency",
        data: { state },
        fix: (fixer) => fixer.replaceText(stmt, `${state}.blockConcurrencyWhile(${cb});`),
      });
    }
    this.context.report({ node, messageId: "opensGate", data, suggest });
  }

  /** `storage.get(k).then((v) => { this.v = v; })` directly in a Durable Object constructor. */
  private checkStorageRead(ctor: FunctionNode, node: TSESTree.CallExpression, receiver: Node): void {
    const sourceCode = this.sourceCode;
    const chain = chainOf(node);
    const { links } = chain;
    let setter: TSESTree.ArrowFunctionExpression | undefined;
    let index = 0;
    for (; index < links.length && !setter; index++) if (links[index].method === "then") setter = thenSetter(sourceCode, links[index].call);
    if (!setter) return;
    const { targets, end } = thisTargets(sourceCode, setter);
    let opener: Opener | undefined;
    for (const link of links.slice(0, index)) {
      for (const arg of link.call.arguments) {
        // In the setter, only waits before its last assignment matter.
        if (!opener && isFunction(arg)) opener = this.firstOpener(arg, arg === setter ? end : Infinity);
      }
    }
    const exact = links.length === 1;
    this.report(ctor, node, receiver, chain, targets, opener, (stmt) =>
      exact ? awaitForm(sourceCode, stmt, node, links[0].call) : undefined,
    );
  }

  /** `this.load();` / `void this.load();` / `this.load().catch(…)` directly in a Durable Object constructor. */
  private checkMethodCall(ctor: FunctionNode, node: TSESTree.CallExpression, callee: TSESTree.MemberExpression): void {
    const name = memberName(callee);
    if (name === undefined) return;
    const cls = (ctor.parent as TSESTree.MethodDefinition).parent.parent;
    // The body `this.name()` runs: own or inherited, and only when nothing can replace it (callees.ts).
    const method = resolveMethod(this.model, cls, name);
    const load = method && method !== "unknown" ? this.methodLoad(method) : undefined;
    if (!load) return;
    const chain = chainOf(node);
    const plain = chain.links.length === 0;
    const sourceCode = this.sourceCode;
    this.report(ctor, node, callee.object, chain, load.targets, load.opener, () =>
      plain ? `async () => { await ${sourceCode.getText(node)}; }` : undefined,
    );
  }

  /** A call directly in the Durable Object constructor `fn` (not in a function or class nested in it). */
  private checkCall(fn: FunctionNode, node: TSESTree.CallExpression): void {
    const h = this.model.handleCall(node);
    if (h) {
      if (h.kind === "storage" && STORAGE_READ_METHODS.has(h.method)) this.checkStorageRead(fn, node, h.receiver);
      return;
    }
    const callee = unwrap(node.callee);
    if (callee.type === AST_NODE_TYPES.MemberExpression && unwrap(callee.object).type === AST_NODE_TYPES.ThisExpression) {
      this.checkMethodCall(fn, node, callee);
    }
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

/** The statement that evaluates `top` and throws its value away: `top;` or `void top;`. */
function discardedStatement(top: Node): TSESTree.ExpressionStatement | undefined {
  let p = top.parent;
  if (p?.type === AST_NODE_TYPES.UnaryExpression && p.operator === "void") p = p.parent;
  return p?.type === AST_NODE_TYPES.ExpressionStatement ? p : undefined;
}

/** A `.then` callback that is an arrow function assigning `this.*` (so `this` is the instance). */
function thenSetter(
  sourceCode: Readonly<TSESLint.SourceCode>,
  call: TSESTree.CallExpression,
): TSESTree.ArrowFunctionExpression | undefined {
  const cb = call.arguments[0];
  if (cb?.type !== AST_NODE_TYPES.ArrowFunctionExpression) return undefined;
  let assigns = false;
  walk(cb.body, sourceCode.visitorKeys, (n) => {
    if (assigns || isFunction(n) || isClass(n)) return false;
    if (thisTarget(n)) assigns = true;
    return !assigns;
  });
  return assigns ? cb : undefined;
}

/** The `this.*` targets an arrow callback assigns, outside nested functions, and where the last assignment ends. */
function thisTargets(sourceCode: Readonly<TSESLint.SourceCode>, fn: TSESTree.ArrowFunctionExpression): { targets: Node[]; end: number } {
  const targets: Node[] = [];
  let end = 0;
  walk(fn.body, sourceCode.visitorKeys, (n) => {
    if (isFunction(n) || isClass(n)) return false;
    const t = thisTarget(n);
    if (t) {
      targets.push(t);
      end = Math.max(end, n.range[1]);
    }
    return true;
  });
  return { targets, end };
}

/** For `this.x = …`, `this.a.b += …`, `this.n++`, `[this.a] = …`: the first `this.*` written. */
function thisTarget(n: Node): Node | undefined {
  if (n.type === AST_NODE_TYPES.AssignmentExpression) return patternTarget(n.left);
  if (n.type === AST_NODE_TYPES.UpdateExpression) return rootedAtThis(n.argument) ? n.argument : undefined;
  return undefined;
}

function patternTarget(p: Node): Node | undefined {
  switch (p.type) {
    case AST_NODE_TYPES.MemberExpression:
      return rootedAtThis(p) ? p : undefined;
    case AST_NODE_TYPES.AssignmentPattern:
      return patternTarget(p.left);
    case AST_NODE_TYPES.RestElement:
      return patternTarget(p.argument);
    case AST_NODE_TYPES.ArrayPattern:
      for (const el of p.elements) {
        const t = el && patternTarget(el);
        if (t) return t;
      }
      return undefined;
    case AST_NODE_TYPES.ObjectPattern:
      for (const prop of p.properties) {
        const t = patternTarget(prop.type === AST_NODE_TYPES.Property ? prop.value : prop);
        if (t) return t;
      }
      return undefined;
    default:
      return isValueWrapper(p) ? patternTarget(p.expression) : undefined;
  }
}

function rootedAtThis(n: Node): boolean {
  let e = unwrap(n);
  while (e.type === AST_NODE_TYPES.MemberExpression) e = unwrap(e.object);
  return e.type === AST_NODE_TYPES.ThisExpression;
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

/**
 * The callback text for the exact rewrite of `read.then((v) => { … });`:
 * `async () => { const v = await read; … }`. Only for a single untyped identifier parameter, a
 * parameter name the read does not use, and no comments outside the read and the callback body.
 */
function awaitForm(
  sourceCode: Readonly<TSESLint.SourceCode>,
  stmt: TSESTree.ExpressionStatement,
  read: TSESTree.CallExpression,
  then: TSESTree.CallExpression,
): string | undefined {
  const cb = then.arguments[0];
  if (then.arguments.length !== 1 || then.typeArguments || cb?.type !== AST_NODE_TYPES.ArrowFunctionExpression) return undefined;
  if (cb.params.length !== 1 || cb.params[0].type !== AST_NODE_TYPES.Identifier || cb.params[0].typeAnnotation) return undefined;
  const param = cb.params[0];
  const variable = findVariable(sourceCode.getScope(cb), param);
  if (!variable || variable.defs.length !== 1) return undefined;
  let usesName = false;
  walk(read, sourceCode.visitorKeys, (n) => {
    if (n.type === AST_NODE_TYPES.Identifier && n.name === param.name) usesName = true;
    return !usesName;
  });
  if (usesName) return undefined;
  const body = cb.body;
  const outside = sourceCode.getCommentsInside(stmt).some((c) => !within(c.range, read.range) && !within(c.range, body.range));
  if (outside) return undefined;
  let statements: string;
  if (body.type === AST_NODE_TYPES.BlockStatement) {
    statements = sourceCode.text.slice(body.range[0] + 1, body.range[1] - 1).trim();
  } else {
    if (sourceCode.getFirstToken(body)?.value !== "this") return undefined; // `this.v = v` only: a safe statement start
    statements = `${sourceCode.getText(body)};`;
  }
  const decl = `const ${param.name} = await ${sourceCode.getText(read)};`;
  const indent = indentOf(sourceCode.text, stmt);
  if (!statements.includes("\n") && !decl.includes("\n")) {
    return `async () => { ${decl}${statements ? ` ${statements}` : ""} }`;
  }
  return `async () => {\n${indent}  ${decl}${statements ? `\n${indent}  ${statements}` : ""}\n${indent}}`;
}

function within(inner: readonly [number, number] | TSESTree.Range, outer: TSESTree.Range): boolean {
  return inner[0] >= outer[0] && inner[1] <= outer[1];
}

/** `this.ctx.storage.get(…).then(…)`, `this.load()`. */
function describeChain(text: string, call: TSESTree.CallExpression, links: Link[]): string {
  const out = describeExpression(text, call) + links.map((l) => `.${l.method}(${l.call.arguments.length ? "…" : ""})`).join("");
  return out.length > 80 ? `${out.slice(0, 77)}…` : out;
}

/** "`this.a`", "`this.a` and `this.b`", "`this.a`, `this.b` and other fields". */
function describeTargets(sourceCode: Readonly<TSESLint.SourceCode>, targets: Node[]): string {
  const names = [...new Set(targets.map((t) => sourceCode.getText(t).replace(/\s+/g, "")))];
  const shown = names.slice(0, 2).map((n) => `\`${n}\``);
  if (names.length === 1) return shown[0];
  if (names.length === 2) return `${shown[0]} and ${shown[1]}`;
  return `${shown.join(", ")} and other fields`;
}
