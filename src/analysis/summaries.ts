/**
 * Function summaries: what a helper does with Durable Object storage, for the analyses that follow
 * stored values through the code people write (`const room = await this.loadRoom(); …;
 * await this.saveRoom(room)`).
 *
 * A summary is computed once per function, lazily (only for the helpers that a followed call
 * reaches), for the functions `callees.ts` resolves: methods and field arrows of the class (own,
 * `#private`, inherited from a local base class) and functions declared in the file. It says:
 *
 * - `returns`: the storage reads whose values the function's result may carry (`return await
 *   this.ctx.storage.get("room")`, `return { prefs, history }` of two reads, a row of a `SELECT`);
 * - `writes`: the keys or tables the function writes, with the parameters whose values reach the
 *   written value (`saveRoom(room)` writes `"room"` from parameter 0).
 *
 * Keys may be parameters of the helper (`get(key)` called with `"room"`, `` put(`room:${id}`, …) ``):
 * they are key parts (storage-access.ts) instantiated with the call's arguments. Summaries compose:
 * a helper that returns another helper's result, or passes its parameter on to another helper's
 * write, carries that helper's facts, to `MAX_DEPTH` calls.
 *
 * What it cannot see is "unknown", and unknown is nothing: a summary cut by the depth bound or by
 * recursion, a `this.m()` whose body cannot be pinned down, an argument whose key is not
 * comparable, all give no fact, so a rule that reports on facts stays silent there. Values are
 * followed through local variables, flow-insensitively (any assignment in the body counts), and
 * not through fields, closures or other objects.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import { type FunctionNode, type Node, isClass, isFunction, isReference, mentionsWithin, walkValues } from "./ast.js";
import { resolveCallee } from "./callees.js";
import { type KeyPart, keyParts, readAccess, substitute, writeAccesses } from "./storage-access.js";
import type { DurableObjectModel } from "./storage.js";

type Variable = TSESLint.Scope.Variable;

/** Helpers followed at most from the first call (a helper calling a helper calling …). */
export const MAX_DEPTH = 4;

/** A read whose value a function's result carries: by key (parts over the function's parameters) or by tables. */
export interface ReadFact {
  key?: readonly KeyPart[];
  tables?: readonly string[];
}

/** A write of a key or table, from the function's parameters `params` (indices). */
export interface WriteFact {
  key?: readonly KeyPart[];
  table?: string;
  params: ReadonlySet<number>;
}

/**
 * The two halves of a summary are computed apart, each when first asked: most helper calls only
 * ask what the result carries (is it a read?), and the writes, which compose through every call of
 * the body, are asked only where a read is being followed.
 */
type Half = "returns" | "writes";

class Summaries {
  private readonly done = { returns: new Map<FunctionNode, readonly ReadFact[]>(), writes: new Map<FunctionNode, readonly WriteFact[]>() };
  private readonly computing = { returns: new Set<FunctionNode>(), writes: new Set<FunctionNode>() };
  /** Set when a summary was cut by the depth bound or a cycle: what depends on it is not kept. */
  private truncated = false;

  constructor(private readonly model: DurableObjectModel) {}

  returns(fn: FunctionNode, depth = 0): readonly ReadFact[] {
    // A block body without a `return` gives nothing back: no need to read it (most handlers).
    if (returnsNothing(this.model, fn)) return [];
    return this.of("returns", fn, depth) as readonly ReadFact[];
  }

  writes(fn: FunctionNode, depth = 0): readonly WriteFact[] {
    return this.of("writes", fn, depth) as readonly WriteFact[];
  }

  private of(half: Half, fn: FunctionNode, depth: number): readonly (ReadFact | WriteFact)[] {
    const known = this.done[half].get(fn);
    if (known) return known;
    if (depth > MAX_DEPTH || this.computing[half].has(fn)) {
      this.truncated = true;
      return [];
    }
    const outer = this.truncated;
    this.truncated = false;
    this.computing[half].add(fn);
    let facts: readonly (ReadFact | WriteFact)[];
    try {
      facts = new FunctionSummary(this.model, this, fn, depth, half).compute();
    } finally {
      this.computing[half].delete(fn);
    }
    if (!this.truncated) (this.done[half] as Map<FunctionNode, readonly (ReadFact | WriteFact)[]>).set(fn, facts);
    this.truncated = this.truncated || outer;
    return facts;
  }
}

/** One function's body, read once to make one half of its summary. */
class FunctionSummary {
  private readonly sourceCode: Readonly<TSESLint.SourceCode>;
  private readonly params = new Map<Variable, number>();
  /** Locals that may hold values of these parameters. */
  private readonly paramTaint = new Map<Variable, Set<number>>();
  private readonly returns: ReadFact[] = [];
  private readonly writes: WriteFact[] = [];
  /**
   * For the "returns" half, what the walk saw, in its order: the bindings (a value given to
   * variables) and the returned values. Only what a returned value may carry is resolved: a
   * variable's bindings when the variable is in a returned value, or in the value of such a binding
   * (most locals of a helper never reach its result, and each would cost a resolution per call).
   */
  private readonly bindings: { order: number; value: Node; reads: ReadFact[] | undefined }[] = [];
  private readonly bindingsOf = new Map<Variable, number[]>();
  private readonly returned: { order: number; value: Node }[] = [];
  private order = 0;

  constructor(
    private readonly model: DurableObjectModel,
    private readonly summaries: Summaries,
    private readonly fn: FunctionNode,
    private readonly depth: number,
    private readonly half: Half,
  ) {
    this.sourceCode = model.sourceCode;
    for (const v of this.sourceCode.getDeclaredVariables(fn)) {
      const def = v.defs[0];
      if (v.defs.length !== 1 || def.type !== "Parameter" || v.references.some((r) => r.isWrite() && !r.init)) continue;
      const index = fn.params.findIndex((p) => {
        const param = p.type === AST_NODE_TYPES.TSParameterProperty ? p.parameter : p;
        return (param.type === AST_NODE_TYPES.AssignmentPattern ? param.left : param) === def.name;
      });
      if (index >= 0) this.params.set(v, index);
    }
  }

  compute(): readonly (ReadFact | WriteFact)[] {
    const { fn } = this;
    // Writes are facts about parameters: a function with none (or only reassigned ones) has none to tell.
    if (this.half === "writes" && this.params.size === 0) return this.writes;
    this.visitAll(fn.body);
    if (this.half === "writes") return this.writes;
    for (const r of this.returned) this.returns.push(...this.readsIn(r.value, r.order));
    // An expression body is returned after all of it has run.
    if (fn.body.type !== AST_NODE_TYPES.BlockStatement) this.returns.push(...this.readsIn(fn.body, Infinity));
    return this.returns;
  }

  /** Every node of the body, in source order, outside nested functions and classes (which run elsewhere). */
  private visitAll(root: Node): void {
    walkValues(root, this.sourceCode.visitorKeys, (n) => {
      if (n !== root && (isFunction(n) || isClass(n))) return false;
      this.order++;
      switch (n.type) {
        case AST_NODE_TYPES.VariableDeclarator:
          if (n.init) this.bind(n, n.init);
          break;
        case AST_NODE_TYPES.AssignmentExpression:
          if (n.left.type === AST_NODE_TYPES.Identifier) this.bind(n.left, n.right);
          break;
        case AST_NODE_TYPES.ForOfStatement:
          // `for (const row of rows)`: each item carries what the iterable carries.
          this.bind(n.left, n.right);
          break;
        case AST_NODE_TYPES.ReturnStatement:
          if (n.argument && this.half === "returns") this.returned.push({ order: this.order, value: n.argument });
          break;
        case AST_NODE_TYPES.CallExpression:
          if (this.half === "writes") this.writesOf(n);
          break;
        default:
          break;
      }
      return true;
    });
  }

  /** The variables of `target` (a declarator, a declaration, or an identifier) may hold `value`'s values. */
  private bind(target: Node, value: Node): void {
    const variables =
      target.type === AST_NODE_TYPES.Identifier
        ? [findVariable(this.sourceCode.getScope(target), target.name)].filter((v): v is Variable => v !== null)
        : this.sourceCode.getDeclaredVariables(target);
    if (this.half === "returns") {
      // Resolved only if a returned value needs it (see `bindings`).
      const index = this.bindings.push({ order: this.order, value, reads: undefined }) - 1;
      for (const v of variables) {
        const list = this.bindingsOf.get(v);
        if (list) list.push(index);
        else this.bindingsOf.set(v, [index]);
      }
      return;
    }
    const params = this.paramsIn(value);
    for (const v of variables) {
      if (params.size > 0) this.paramTaint.set(v, new Set([...(this.paramTaint.get(v) ?? []), ...params]));
    }
  }

  /** The reads variable `v` may hold where the walk is at `order`: those of its bindings before it, in order. */
  private readsOf(v: Variable, order: number): ReadFact[] | undefined {
    let out: ReadFact[] | undefined;
    for (const i of this.bindingsOf.get(v) ?? []) {
      const b = this.bindings[i];
      if (b.order >= order) break;
      b.reads ??= this.readsIn(b.value, b.order);
      if (b.reads.length > 0) (out ??= []).push(...b.reads);
    }
    return out;
  }

  /** The reads whose values `expr` (at `order` in the walk) may carry: read calls in it, helpers' results, tainted locals. */
  private readsIn(expr: Node, order: number): ReadFact[] {
    const out: ReadFact[] = [];
    walkValues(expr, this.sourceCode.visitorKeys, (n) => {
      if (isFunction(n) || isClass(n)) return false;
      if (n.type === AST_NODE_TYPES.CallExpression) {
        const read = readAccess(this.model, n);
        if (read?.tables) out.push({ tables: read.tables });
        else if (read?.keyNode) {
          const key = this.keyOf(read.keyNode);
          if (key) out.push({ key });
        } else {
          for (const r of this.helperReads(n)) out.push(r);
        }
      } else if (n.type === AST_NODE_TYPES.Identifier && isReference(n)) {
        const v = findVariable(this.sourceCode.getScope(n), n.name);
        const reads = v && this.readsOf(v, order);
        if (reads) out.push(...reads);
        return false;
      }
      return true;
    });
    return out;
  }

  /** The parameters whose values `expr` may carry. */
  private paramsIn(expr: Node): Set<number> {
    const out = new Set<number>();
    walkValues(expr, this.sourceCode.visitorKeys, (n) => {
      if (isFunction(n) || isClass(n)) return false;
      if (n.type !== AST_NODE_TYPES.Identifier || !isReference(n)) return true;
      const v = findVariable(this.sourceCode.getScope(n), n.name);
      if (!v) return false;
      const index = this.params.get(v);
      if (index !== undefined) out.add(index);
      for (const p of this.paramTaint.get(v) ?? []) out.add(p);
      return false;
    });
    return out;
  }

  /** The writes a call makes: a direct `put`/`UPDATE`, or a helper's writes with this function's parameters in them. */
  private writesOf(call: TSESTree.CallExpression): void {
    const direct = writeAccesses(this.model, call);
    if (direct) {
      for (const w of direct) {
        const params = this.paramsIn(w.value);
        if (params.size === 0) continue;
        if (w.table) this.writes.push({ table: w.table, params });
        else {
          const key = w.keyName !== undefined ? [{ text: JSON.stringify(w.keyName) }] : w.keyNode && this.keyOf(w.keyNode);
          if (key) this.writes.push({ key, params });
        }
      }
      return;
    }
    // A helper's writes count here only through the arguments that carry this function's parameters:
    // with none, its summary adds nothing (most calls of a body), so it is not computed.
    if (!call.arguments.some((a) => a.type !== AST_NODE_TYPES.SpreadElement && this.paramsIn(a).size > 0)) return;
    const callee = this.callee(call);
    if (!callee) return;
    for (const w of this.summaries.writes(callee, this.depth + 1)) {
      const params = new Set<number>();
      for (const j of w.params) {
        const arg = call.arguments[j];
        if (arg && arg.type !== AST_NODE_TYPES.SpreadElement) for (const p of this.paramsIn(arg)) params.add(p);
      }
      if (params.size === 0) continue;
      if (w.table) this.writes.push({ table: w.table, params });
      else {
        const key = w.key && substitute(w.key, (j) => this.argKey(call, j));
        if (key) this.writes.push({ key, params });
      }
    }
  }

  /** A helper's returned reads, with its key parameters replaced by this call's arguments. */
  private helperReads(call: TSESTree.CallExpression): ReadFact[] {
    const callee = this.callee(call);
    if (!callee) return [];
    const out: ReadFact[] = [];
    for (const r of this.summaries.returns(callee, this.depth + 1)) {
      if (r.tables) out.push(r);
      else {
        const key = r.key && substitute(r.key, (j) => this.argKey(call, j));
        if (key) out.push({ key });
      }
    }
    return out;
  }

  private callee(call: TSESTree.CallExpression): FunctionNode | undefined {
    const c = resolveCallee(this.model, call);
    return c === "unknown" ? undefined : c;
  }

  private argKey(call: TSESTree.CallExpression, j: number): KeyPart[] | undefined {
    const arg = call.arguments[j];
    return arg && arg.type !== AST_NODE_TYPES.SpreadElement ? this.keyOf(arg) : undefined;
  }

  /** A key expression of this body as parts over its parameters; locals of the body are not comparable outside it. */
  private keyOf(expr: Node): KeyPart[] | undefined {
    const parts = keyParts(expr, this.sourceCode, (v) => this.params.get(v));
    if (!parts) return undefined;
    for (const p of parts) if ("variable" in p && this.declaredInside(p.variable)) return undefined;
    return parts;
  }

  private declaredInside(v: Variable): boolean {
    const def = v.defs[0]?.name;
    return def !== undefined && def.range[0] >= this.fn.range[0] && def.range[1] <= this.fn.range[1];
  }
}

const all = new WeakMap<DurableObjectModel, Summaries>();

function summariesOf(model: DurableObjectModel): Summaries {
  let s = all.get(model);
  if (!s) all.set(model, (s = new Summaries(model)));
  return s;
}

/** Whether `fn` has a block body with no `return` in its text: its result carries nothing (a substring test). */
export function returnsNothing(model: DurableObjectModel, fn: FunctionNode): boolean {
  const body = fn.body;
  return body.type === AST_NODE_TYPES.BlockStatement && !mentionsWithin(model.sourceCode.text, "return", body.range[0], body.range[1]);
}

/** The reads whose values `fn`'s result may carry (see the module comment). */
export function returnedReads(model: DurableObjectModel, fn: FunctionNode): readonly ReadFact[] {
  return summariesOf(model).returns(fn);
}

/** The keys and tables `fn` writes, with the parameters the written values come from (see the module comment). */
export function writtenFromParams(model: DurableObjectModel, fn: FunctionNode): readonly WriteFact[] {
  return summariesOf(model).writes(fn);
}

/** What a function returns when its body is just that: an arrow's expression body, or a block whose only statement is `return x`. */
export function returnedExpression(fn: FunctionNode): Node | undefined {
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return fn.body;
  const only = fn.body.body.length === 1 ? fn.body.body[0] : undefined;
  return only?.type === AST_NODE_TYPES.ReturnStatement ? (only.argument ?? undefined) : undefined;
}

/**
 * The one expression a function's body is: what `returnedExpression` gives, or the only statement
 * of its block as an expression statement, with an `await` around it looked through.
 */
export function soleExpression(fn: FunctionNode): Node | undefined {
  let expr = returnedExpression(fn);
  if (!expr && fn.body.type === AST_NODE_TYPES.BlockStatement && fn.body.body.length === 1) {
    const only = fn.body.body[0];
    if (only.type === AST_NODE_TYPES.ExpressionStatement) expr = only.expression;
  }
  return expr?.type === AST_NODE_TYPES.AwaitExpression ? expr.argument : expr;
}

/**
 * The one storage write a helper makes, when that is all it does: its body is that `put(k, v)` /
 * `delete(k)` call, awaited, returned or as an expression (`async save(v) { await
 * this.ctx.storage.put("v", v); }`, `save = (v) => this.ctx.storage.put("v", v)`). Calling such a
 * helper issues the write at once, before the helper's first `await`, as a direct call would.
 */
export function soleWrite(model: DurableObjectModel, fn: FunctionNode, methods: ReadonlySet<string>): TSESTree.CallExpression | undefined {
  const expr = soleExpression(fn);
  if (expr?.type !== AST_NODE_TYPES.CallExpression) return undefined;
  return model.handleCall(expr, methods)?.kind === "storage" ? expr : undefined;
}
