import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import type { RuleContext } from "../src/create-rule.js";
import { createRule } from "../src/rule-kit.js";
import { type FunctionNode, type Node, enclosingFunction, isFunction, memberName, unwrap } from "../src/analysis/ast.js";
import { resolveFunctionRef } from "../src/analysis/callees.js";
import { firstAwait } from "../src/analysis/class-model.js";
import type { DurableObjectModel } from "../src/analysis/storage.js";

const TRANSACTION_SYNC: ReadonlySet<string> = new Set(["transactionSync"]);

type MessageIds = "awaits" | "asyncNoAwait" | "refAwaits" | "refAsync" | "suggestDropAsync";

export default createRule<[], MessageIds, TransactionSyncChecker>({
  name: "no-async-transaction-sync",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow async callbacks in `transactionSync()`, which commits without waiting for them",
      recommended: "error",
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      awaits:
        "`transactionSync()` does not wait for an async callback: the transaction ends at its first `await` (line {{line}}). " +
        "Await outside it, or use `transaction()`.",
      asyncNoAwait:
        "`transactionSync()` does not wait for an async callback, so a throw in it no longer rolls back. It awaits nothing: remove `async`.",
      refAwaits:
        "`{{name}}` is async, so `transactionSync()` ends at its first `await` (line {{line}}). Pass a synchronous function, or use `transaction()`.",
      refAsync:
        "`{{name}}` is async, so a throw in it no longer rolls `transactionSync()` back. Make it synchronous (check its other callers).",
      suggestDropAsync: "Remove `async`{{returnType}}, so a throw in the callback rolls the transaction back",
    },
  },
  // Unless the method name is written in the file, there is nothing to report.
  mentions: ["transactionSync"],
  listen: ["CallExpression", "Program:exit"],
  create: (context, model) => new TransactionSyncChecker(context, model),
});

/** One file's state for `no-async-transaction-sync` (its listeners are methods: see `listen`). */
class TransactionSyncChecker {
  private readonly calls: TSESTree.CallExpression[] = [];
  private readonly sourceCode: Readonly<TSESLint.SourceCode>;

  constructor(
    private readonly context: RuleContext<MessageIds>,
    private readonly model: DurableObjectModel,
  ) {
    this.sourceCode = context.sourceCode;
  }

  CallExpression(node: TSESTree.CallExpression): void {
    const h = this.model.handleCall(node, TRANSACTION_SYNC);
    if (h?.kind === "storage" && h.method === "transactionSync") this.calls.push(node);
  }

  "Program:exit"(): void {
    for (const call of this.calls) this.report(call);
  }

  /** The function `expr` refers to, when it certainly is that function: a same-class method or a local function. */
  private resolveFunction(expr: Node): FunctionNode | undefined {
    let e = unwrap(expr);
    // `f.bind(this)` is as async as `f`.
    if (e.type === AST_NODE_TYPES.CallExpression && !e.optional) {
      const callee = unwrap(e.callee);
      if (callee.type === AST_NODE_TYPES.MemberExpression && !callee.optional && memberName(callee) === "bind") {
        e = unwrap(callee.object);
      }
    }
    const fn = resolveFunctionRef(this.model, e);
    return fn === "unknown" ? undefined : fn;
  }

  private report(call: TSESTree.CallExpression): void {
    const raw = call.arguments[0];
    if (!raw || raw.type === AST_NODE_TYPES.SpreadElement) return;
    const arg = unwrap(raw);
    if (isFunction(arg)) {
      if (arg.generator) return;
      if (arg.async) {
        this.reportInline(call, raw, arg);
        return;
      }
      // `transactionSync(() => this.apply())`: the callback hands back the Promise of an async function.
      const inner = singleCall(arg);
      if (inner) this.reportReference(inner, inner.callee);
      return;
    }
    this.reportReference(raw, raw);
  }

  private reportInline(call: TSESTree.CallExpression, raw: Node, fn: FunctionNode): void {
    const loc = this.headLoc(fn);
    const awaited = firstAwait(fn, this.sourceCode.visitorKeys);
    if (awaited) {
      this.context.report({ loc, messageId: "awaits", data: { line: String(awaited.loc.start.line) } });
      return;
    }
    const suggest: TSESLint.SuggestionReportDescriptor<MessageIds>[] = [];
    const fix = raw === fn && resultKeepsMeaning(call) ? this.dropAsync(fn) : undefined;
    if (fix) suggest.push({ messageId: "suggestDropAsync", data: { returnType: fix.returnType }, fix: fix.fix });
    this.context.report({ loc, messageId: "asyncNoAwait", suggest });
  }

  private reportReference(at: Node, ref: Node): void {
    const fn = this.resolveFunction(ref);
    if (!fn || !fn.async || fn.generator) return;
    const name = this.sourceCode.getText(refName(ref));
    const awaited = firstAwait(fn, this.sourceCode.visitorKeys);
    if (awaited) {
      this.context.report({ node: at, messageId: "refAwaits", data: { name, line: String(awaited.loc.start.line) } });
    } else {
      this.context.report({ node: at, messageId: "refAsync", data: { name } });
    }
  }

  /** The head of a function, from `async` to `=>` (arrows) or to the end of the parameters / return type. */
  private headLoc(fn: FunctionNode): TSESTree.SourceLocation {
    const sourceCode = this.sourceCode;
    const end =
      fn.type === AST_NODE_TYPES.ArrowFunctionExpression
        ? sourceCode.getTokenBefore(fn.body, { filter: (t) => t.type === "Punctuator" && t.value === "=>" })
        : sourceCode.getTokenBefore(fn.body);
    return { start: fn.loc.start, end: (end ?? sourceCode.getFirstToken(fn)!).loc.end };
  }

  /** Removing `async`: the keyword (comments after it stay), and `Promise<T>` → `T` in a return type. */
  private dropAsync(fn: FunctionNode): { fix: TSESLint.ReportFixFunction; returnType: string } | undefined {
    if (fn.typeParameters) return undefined; // `async <T,>() =>` in .tsx: leave generic callbacks alone
    const sourceCode = this.sourceCode;
    const asyncToken = sourceCode.getFirstToken(fn);
    if (!asyncToken || asyncToken.value !== "async") return undefined;
    const next = sourceCode.getTokenAfter(asyncToken, { includeComments: true });
    if (!next) return undefined;
    let typeRange: [number, number] | undefined;
    let typeText = "";
    if (fn.returnType) {
      const t = fn.returnType.typeAnnotation;
      const inner = promiseArgument(t);
      if (!inner) return undefined;
      typeRange = t.range;
      typeText = sourceCode.getText(inner);
    }
    const removeRange: [number, number] = [asyncToken.range[0], next.range[0]];
    return {
      returnType: typeRange ? ` and change the return type to \`${typeText}\`` : "",
      fix: (fixer) => {
        const fixes = [fixer.removeRange(removeRange)];
        if (typeRange) fixes.push(fixer.replaceTextRange(typeRange, typeText));
        return fixes;
      },
    };
  }
}

/** `() => f()`, `() => { return f(); }`, `() => { f(); }`: the one call a synchronous wrapper makes. */
function singleCall(fn: FunctionNode): TSESTree.CallExpression | undefined {
  let expr: Node | null | undefined;
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) {
    expr = fn.body;
  } else if (fn.body.body.length === 1) {
    const stmt = fn.body.body[0];
    if (stmt.type === AST_NODE_TYPES.ReturnStatement) expr = stmt.argument;
    else if (stmt.type === AST_NODE_TYPES.ExpressionStatement) expr = stmt.expression;
  }
  if (!expr) return undefined;
  const e = unwrap(expr);
  return e.type === AST_NODE_TYPES.CallExpression ? e : undefined;
}

/** What to name in the message: `this.apply` for `this.apply.bind(this)`. */
function refName(ref: Node): Node {
  const e = unwrap(ref);
  if (e.type === AST_NODE_TYPES.CallExpression) {
    const callee = unwrap(e.callee);
    if (callee.type === AST_NODE_TYPES.MemberExpression) return callee.object;
  }
  return ref;
}

/** `T` of a return type written `Promise<T>` (T not itself a `Promise<…>`). */
function promiseArgument(t: TSESTree.TypeNode): TSESTree.TypeNode | undefined {
  if (
    t.type !== AST_NODE_TYPES.TSTypeReference ||
    t.typeName.type !== AST_NODE_TYPES.Identifier ||
    t.typeName.name !== "Promise" ||
    t.typeArguments?.params.length !== 1
  ) {
    return undefined;
  }
  const inner = t.typeArguments.params[0];
  if (
    inner.type === AST_NODE_TYPES.TSTypeReference &&
    inner.typeName.type === AST_NODE_TYPES.Identifier &&
    (inner.typeName.name === "Promise" || inner.typeName.name === "PromiseLike")
  ) {
    return undefined;
  }
  return inner;
}

/**
 * Whether `transactionSync()` returning the callback's value instead of a Promise of it changes
 * nothing for the code around the call: the result is discarded (`x;`, `void x`), awaited, or
 * returned from an async function (which wraps it in a Promise either way).
 */
function resultKeepsMeaning(call: TSESTree.CallExpression): boolean {
  let top: Node = call;
  while (top.parent?.type === AST_NODE_TYPES.ChainExpression) top = top.parent;
  const p = top.parent;
  if (!p) return false;
  switch (p.type) {
    case AST_NODE_TYPES.ExpressionStatement:
    case AST_NODE_TYPES.AwaitExpression:
      return true;
    case AST_NODE_TYPES.UnaryExpression:
      return p.operator === "void";
    case AST_NODE_TYPES.ReturnStatement:
      return enclosingFunction(p)?.async === true;
    case AST_NODE_TYPES.ArrowFunctionExpression:
      return p.body === top && p.async;
    default:
      return false;
  }
}
