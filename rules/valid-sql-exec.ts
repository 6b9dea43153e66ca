import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { type RuleContext, createRule } from "../src/create-rule.js";
import { awaitRemoval } from "../src/analysis/await-fix.js";
import { mergeListeners, methodListeners } from "../src/analysis/listeners.js";
import { type Node, calledMethod, isConditionOf, methodCall, outermostAwaitedValue } from "../src/analysis/ast.js";
import { execBehind, isCursorValue, isExecCall } from "../src/analysis/cursor.js";
import { isNullishValue, unchangedBinding } from "../src/analysis/scope.js";
import { DYNAMIC, alwaysOneRow, bindParameterCount, splitsLikeWorkerd } from "../src/analysis/sql.js";
import { sourceRange, staticSql } from "../src/analysis/sql-text.js";
import { type CallIndexClaim, type DurableObjectModel, getModel } from "../src/analysis/storage.js";

type MessageIds = "bindingCount" | "paramsBeforeLast" | "oneNeverUndefined" | "awaitCursor" | "suggestToArray" | "suggestRemoveAwait";

const EQUALITY = new Set(["==", "!=", "===", "!=="]);

export default createRule<[], MessageIds>({
  name: "valid-sql-exec",
  meta: {
    type: "problem",
    docs: {
      description:
        "Disallow Durable Object `sql.exec()` misuse: wrong binding counts, parameters before the last statement, fallbacks on `.one()`, `await` on a cursor",
      recommended: "error",
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      bindingCount:
        "{{subject}} takes {{params}} but {{values}} bound: `exec()` throws `Wrong number of parameter bindings`. Pass one value per parameter.",
      paramsBeforeLast:
        "Only the last statement of a multi-statement `exec()` may have parameters: this one makes it throw after running those before. " +
        "Run it in its own `exec()`.",
      oneNeverUndefined:
        "`.one()` throws when no row (or more than one) matches, so {{check}} never takes effect. Use `.toArray()[0]` to get `undefined` when there is no row.",
      awaitCursor: "`exec()` is synchronous and returns a `Cursor`, not a Promise: this `await` waits for nothing. Remove it.",
      suggestToArray: "Use `.toArray()[0]`, which gives `undefined` when there is no row (and the first row when there are several)",
      suggestRemoveAwait: "Remove the `await`",
    },
  },
  create(context) {
    const model = getModel(context);
    if (!model.hasRegions) return {};
    const calls = model.calls(["exec", "one"]);
    const checker = new ExecChecker(context, model, calls);
    return mergeListeners(calls.listeners, methodListeners(checker, ["Program:exit", "AwaitExpression"]));
  },
});

/** One file's `exec()` and `.one()` checks (its listeners are methods: see `methodListeners`). */
class ExecChecker {
  private readonly sourceCode: Readonly<TSESLint.SourceCode>;

  constructor(
    private readonly context: RuleContext<MessageIds>,
    private readonly model: DurableObjectModel,
    private readonly calls: CallIndexClaim,
  ) {
    this.sourceCode = context.sourceCode;
  }

  "Program:exit"(): void {
    for (const node of this.calls.of("exec")) if (isExecCall(this.model, node)) this.checkExec(node);
    for (const node of this.calls.of("one")) this.checkOne(node);
  }

  AwaitExpression(node: TSESTree.AwaitExpression): void {
    if (!isCursorValue(this.model, node.argument)) return;
    const removal = awaitRemoval(this.sourceCode, node);
    this.context.report({
      node,
      messageId: "awaitCursor",
      suggest: removal ? [{ messageId: "suggestRemoveAwait", fix: (fixer) => removal.map((r) => fixer.removeRange(r)) }] : [],
    });
  }

  private checkExec(node: TSESTree.CallExpression): void {
    const [query, ...bindings] = node.arguments;
    if (!query || query.type === AST_NODE_TYPES.SpreadElement) return;
    const sql = staticSql(query, this.sourceCode);
    if (!sql || sql.statements.length === 0 || !splitsLikeWorkerd(sql.text, sql.statements)) return;
    const statements = sql.statements;
    const last = statements[statements.length - 1];

    // 2. A parameter before the last statement: workerd throws when it reaches that statement.
    for (let i = 0; i + 1 < statements.length; i++) {
      const stmt = statements[i];
      // A statement that is only `${…}` may be empty at run time: a real statement must follow.
      const followed = statements.slice(i + 1).some((s) => s.tokens.some((t) => t.type !== "dynamic"));
      if (followed && stmt.tokens.some((t) => t.type === "param")) {
        const range = sourceRange(sql, stmt.start, stmt.end);
        this.context.report({
          loc: range ? { start: this.sourceCode.getLocFromIndex(range[0]), end: this.sourceCode.getLocFromIndex(range[1]) } : query.loc,
          messageId: "paramsBeforeLast",
        });
        return;
      }
    }

    // 1. The last statement's parameter slots against the bound values.
    if (bindings.some((b) => b.type === AST_NODE_TYPES.SpreadElement)) return;
    const slots = bindParameterCount(last);
    if (slots === undefined) return;
    // A `${…}` can add parameters (and statements), never remove them: with one, only "too few" is certain.
    const exact = !sql.text.includes(DYNAMIC);
    const count = bindings.length;
    if (exact ? slots === count : count >= slots) return;
    this.context.report({
      node: query,
      messageId: "bindingCount",
      data: {
        subject: statements.length > 1 ? "The last statement" : "This SQL",
        params: `${exact ? "" : "at least "}${slots} parameter${slots === 1 ? "" : "s"}`,
        values: `${count} value${count === 1 ? " is" : "s are"}`,
      },
    });
  }

  private checkOne(node: TSESTree.CallExpression): void {
    if (calledMethod(node) !== "one" || node.arguments.length > 0) return;
    const mc = methodCall(node)!;
    const exec = execBehind(this.model, mc.receiver);
    if (!exec) return;
    // A query that always yields exactly one row (`SELECT COUNT(*) …`, `INSERT … RETURNING`) cannot make
    // `.one()` throw: a fallback after it is dead code, not a bug.
    const sql = exec.arguments[0] && staticSql(exec.arguments[0], this.sourceCode);
    const last = sql?.statements[sql.statements.length - 1];
    if (last && alwaysOneRow(last)) return;
    const value = outermostAwaitedValue(node);
    let finding = checkOn(value, this.sourceCode);
    let where = "";
    if (!finding) {
      // `const row = sql.exec(…).one()`: a check on `row` later.
      const decl = value.parent;
      const variable =
        decl?.type === AST_NODE_TYPES.VariableDeclarator && decl.init === value ? unchangedBinding(decl, this.sourceCode) : undefined;
      if (!variable) return;
      for (const ref of variable.references) {
        if (ref.init) continue;
        finding = checkOn(ref.identifier, this.sourceCode);
        if (finding) {
          where = ` on line ${finding.node.loc.start.line}`;
          break;
        }
      }
      if (!finding) return;
    }
    const callee = mc.callee;
    const canFix =
      !callee.computed &&
      !node.typeArguments &&
      this.sourceCode.getCommentsInside(node).every((c) => c.range[1] <= callee.property.range[0]);
    this.context.report({
      loc: { start: callee.property.loc.start, end: node.loc.end },
      messageId: "oneNeverUndefined",
      data: { check: finding.text + where },
      suggest: canFix
        ? [
            {
              messageId: "suggestToArray",
              fix: (fixer) => fixer.replaceTextRange([callee.property.range[0], node.range[1]], "toArray()[0]"),
            },
          ]
        : [],
    });
  }
}

interface Check {
  /** The node that holds the check (for its line). */
  node: Node;
  /** How the message names it. */
  text: string;
}

/** A check of `v` (a row from `.one()`) that expects it may be missing: `?.`, `??`, `||`, `!`, `== null`, a test… */
function checkOn(node: Node, sourceCode: Readonly<TSESLint.SourceCode>): Check | undefined {
  const v = outermostAwaitedValue(node);
  const p = v.parent;
  if (!p) return undefined;
  const quoted = (n: Node, fallback: string): string => {
    const text = sourceCode.getText(n);
    return text.length <= 40 && !text.includes("\n") ? `the check \`${text}\`` : fallback;
  };
  switch (p.type) {
    case AST_NODE_TYPES.MemberExpression:
      return p.object === v && p.optional ? { node: p, text: "the `?.` after it" } : undefined;
    case AST_NODE_TYPES.LogicalExpression:
      if (p.left !== v) return undefined;
      if (p.operator === "??") return { node: p, text: "the `??` fallback" };
      if (p.operator === "||") return { node: p, text: "the `||` fallback" };
      return { node: p, text: "the `&&` guard" };
    case AST_NODE_TYPES.UnaryExpression:
      if (p.operator === "!") return { node: p, text: quoted(p, "the `!` check") };
      if (p.operator === "typeof") {
        const cmp = p.parent;
        if (cmp?.type !== AST_NODE_TYPES.BinaryExpression || !EQUALITY.has(cmp.operator)) return undefined;
        const other = cmp.left === p ? cmp.right : cmp.left;
        return other.type === AST_NODE_TYPES.Literal && other.value === "undefined"
          ? { node: cmp, text: quoted(cmp, "the `typeof` check") }
          : undefined;
      }
      return undefined;
    case AST_NODE_TYPES.BinaryExpression: {
      if (!EQUALITY.has(p.operator)) return undefined;
      const other = p.left === v ? p.right : p.left;
      return isNullishValue(other, sourceCode) ? { node: p, text: quoted(p, "the comparison") } : undefined;
    }
    default:
      return isConditionOf(p, v) ? { node: p, text: "the truthiness test" } : undefined;
  }
}
