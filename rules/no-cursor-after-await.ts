import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import type { RuleContext } from "../src/create-rule.js";
import { createRule } from "../src/rule-kit.js";
import { type Node, isClass, isFunction, memberName, methodCall, unwrap, walk } from "../src/analysis/ast.js";
import { type GateModel, describeAwait, getGateModel } from "../src/analysis/gate.js";
import { GateFlow, type Opener } from "../src/analysis/gate-flow.js";
import { resolveCallee } from "../src/analysis/callees.js";
import { returnedExpression } from "../src/analysis/summaries.js";
import { isExecCall } from "../src/analysis/cursor.js";
import { CURSOR_READ_METHODS, type DurableObjectModel } from "../src/analysis/storage.js";

type MessageIds = "afterAwait" | "loopAwaits" | "suggestToArray";

interface CursorSite {
  id: number;
  variable: TSESLint.Scope.Variable;
  exec: TSESTree.CallExpression;
}

export default createRule<[], MessageIds, CursorChecker>({
  name: "no-cursor-after-await",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow reading a SQL cursor after an `await` that lets other requests in",
      recommended: "error",
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      afterAwait:
        "This cursor is read after `{{awaited}}` (line {{awaitLine}}) lets other requests change its rows: a cursor has no snapshot. " +
        "Call `.toArray()` where it is created.",
      loopAwaits:
        "This loop reads the cursor while its body runs `{{awaited}}` (line {{awaitLine}}), which lets other requests change the rows to come. " +
        "Call `.toArray()` before the loop.",
      suggestToArray: "Materialise the rows with `.toArray()` where the query runs",
    },
  },
  // A cursor comes from `exec()` (directly or from a helper of this file that returns it): without the word, there is none.
  mentions: ["exec"],
  listen: ["VariableDeclarator:exit", "CallExpression", "SpreadElement", "ForOfStatement"],
  create: (context, model) => new CursorChecker(context, model),
});

/** One file's cursors and what was reported (its listeners are methods: see `listen`). */
class CursorChecker {
  readonly flow: GateFlow;
  private readonly sourceCode: Readonly<TSESLint.SourceCode>;
  private readonly gate: GateModel;
  private readonly sites = new Map<TSESLint.Scope.Variable, CursorSite>();
  private readonly reported = new Set<number>();

  constructor(
    private readonly context: RuleContext<MessageIds>,
    private readonly model: DurableObjectModel,
  ) {
    this.sourceCode = context.sourceCode;
    this.gate = getGateModel(model);
    this.flow = new GateFlow(this.gate);
  }

  "VariableDeclarator:exit"(node: TSESTree.VariableDeclarator): void {
    const exec = this.cursorOf(node.init);
    if (!exec || node.id.type !== AST_NODE_TYPES.Identifier) return;
    const variable = findVariable(this.sourceCode.getScope(node.id), node.id.name);
    if (!variable || variable.references.some((r) => r.isWrite() && !r.init)) return;
    const site = { id: this.sites.size, variable, exec };
    this.sites.set(variable, site);
    this.flow.addSite(site.id);
  }

  CallExpression(node: TSESTree.CallExpression): void {
    if (!this.flow.active) return;
    const mc = methodCall(node);
    if (mc && CURSOR_READ_METHODS.has(mc.method)) {
      const site = this.siteOf(mc.receiver);
      if (site) this.checkRead(site, node);
    }
    // `Array.from(cursor)`
    const callee = unwrap(node.callee);
    if (
      callee.type === AST_NODE_TYPES.MemberExpression &&
      callee.object.type === AST_NODE_TYPES.Identifier &&
      callee.object.name === "Array" &&
      memberName(callee) === "from" &&
      node.arguments[0]
    ) {
      const site = this.siteOf(node.arguments[0]);
      if (site) this.checkRead(site, node);
    }
  }

  SpreadElement(node: TSESTree.SpreadElement): void {
    const site = this.flow.active ? this.siteOf(node.argument) : undefined;
    if (site) this.checkRead(site, node);
  }

  ForOfStatement(node: TSESTree.ForOfStatement): void {
    const site = this.flow.active ? this.siteOf(node.right) : undefined;
    if (site) this.checkRead(site, node.right);
    const exec = site?.exec ?? this.cursorOf(node.right);
    if (!exec || (site && this.reported.has(site.id))) return;
    const opener = firstOpeningAwait(node.body, this.gate, this.sourceCode);
    if (!opener) return;
    if (site) this.reported.add(site.id);
    const fix = site ? materialise(site.exec, site.variable) : (fixer: TSESLint.RuleFixer) => fixer.insertTextAfter(exec, ".toArray()");
    this.context.report({
      node: node.right,
      messageId: "loopAwaits",
      data: this.data(opener),
      suggest: fix ? [{ messageId: "suggestToArray", fix }] : [],
    });
  }

  /** The `exec(...)` call if `expr` evaluates to its cursor, or undefined. */
  private cursorOf(expr: Node | null | undefined): TSESTree.CallExpression | undefined {
    if (!expr) return undefined;
    const e = unwrap(expr);
    if (e.type !== AST_NODE_TYPES.CallExpression) return undefined;
    if (isExecCall(this.model, e)) return e;
    // `this.query(q)`, where `query` is a synchronous helper whose body returns `sql.exec(…)`: the call is the cursor.
    const fn = this.model.mayHoldHandles(e) ? resolveCallee(this.model, e) : undefined;
    if (!fn || fn === "unknown" || fn.async || fn.generator) return undefined;
    const returned = returnedExpression(fn);
    const inner = returned && unwrap(returned);
    return inner?.type === AST_NODE_TYPES.CallExpression && isExecCall(this.model, inner) ? e : undefined;
  }

  /** The tracked cursor a reference (an identifier) names. */
  private siteOf(expr: Node): CursorSite | undefined {
    const e = unwrap(expr);
    if (e.type !== AST_NODE_TYPES.Identifier || this.sites.size === 0) return undefined;
    const v = findVariable(this.sourceCode.getScope(e), e.name);
    return v ? this.sites.get(v) : undefined;
  }

  private data(opener: Opener): { awaited: string; awaitLine: string } {
    return {
      awaited: opener.type === AST_NODE_TYPES.AwaitExpression ? `await ${describeAwait(this.sourceCode.text, opener)}` : "for await (…)",
      awaitLine: String(opener.loc.start.line),
    };
  }

  private checkRead(site: CursorSite, at: Node): void {
    if (this.reported.has(site.id)) return;
    const opener = this.flow.openerSince(site.id);
    if (!opener) return;
    this.reported.add(site.id);
    const fix = materialise(site.exec, site.variable);
    this.context.report({
      node: at,
      messageId: "afterAwait",
      data: this.data(opener),
      suggest: fix ? [{ messageId: "suggestToArray", fix }] : [],
    });
  }
}

/** The first `await` in a loop body (not in nested functions) that opens the gate. */
function firstOpeningAwait(
  body: Node,
  gate: ReturnType<typeof getGateModel>,
  sourceCode: Readonly<TSESLint.SourceCode>,
): Opener | undefined {
  let found: Opener | undefined;
  walk(body, sourceCode.visitorKeys, (n) => {
    if (found || isFunction(n) || isClass(n)) return false;
    if (n.type === AST_NODE_TYPES.AwaitExpression && gate.awaitOpensGate(n)) found = n;
    else if (n.type === AST_NODE_TYPES.ForOfStatement && n.await) found = n;
    return !found;
  });
  return found;
}

/**
 * `const rows = sql.exec(q)` → `const rows = sql.exec(q).toArray()`, when every use of `rows` works
 * the same on an array: `for…of`, spread, `Array.from(rows)`, and `rows.toArray()` (which becomes `rows`).
 */
function materialise(exec: TSESTree.CallExpression, variable: TSESLint.Scope.Variable): TSESLint.ReportFixFunction | undefined {
  const toArrayCalls: TSESTree.CallExpression[] = [];
  for (const ref of variable.references) {
    if (ref.init) continue;
    const id = ref.identifier as TSESTree.Node;
    const p = id.parent;
    if (p?.type === AST_NODE_TYPES.ForOfStatement && p.right === id) continue;
    if (p?.type === AST_NODE_TYPES.SpreadElement) continue;
    if (p?.type === AST_NODE_TYPES.CallExpression && p.arguments[0] === id) {
      const c = unwrap(p.callee);
      if (c.type === AST_NODE_TYPES.MemberExpression && memberName(c) === "from") continue;
    }
    if (
      p?.type === AST_NODE_TYPES.MemberExpression &&
      p.object === id &&
      memberName(p) === "toArray" &&
      p.parent?.type === AST_NODE_TYPES.CallExpression &&
      p.parent.callee === p &&
      p.parent.arguments.length === 0
    ) {
      toArrayCalls.push(p.parent);
      continue;
    }
    return undefined;
  }
  return (fixer) => [
    fixer.insertTextAfter(exec, ".toArray()"),
    ...toArrayCalls.map((call) => fixer.replaceTextRange([(call.callee as TSESTree.MemberExpression).object.range[1], call.range[1]], "")),
  ];
}
