import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import type { RuleContext } from "../src/create-rule.js";
import { createRule } from "../src/rule-kit.js";
import { awaitRemoval } from "../src/analysis/await-fix.js";
import { type Node, calledMethod, isConditionOf, methodCall, outermostAwaitedValue } from "../src/analysis/ast.js";
import { execBehind, isCursorValue } from "../src/analysis/cursor.js";
import { isNullishValue, unchangedBinding, unchangedInit } from "../src/analysis/scope.js";
import {
  DYNAMIC,
  MAX_PARAMETERS,
  MAX_PATTERN_BYTES,
  MAX_SQL_BYTES,
  alwaysOneRow,
  bindParameterCount,
  patternLiterals,
  splitsLikeWorkerd,
  utf8Length,
} from "../src/analysis/sql.js";
import { type SqlRun, type SqlRunsClaim, sqlRuns } from "../src/analysis/sql-source.js";
import type { CallIndexClaim, DurableObjectModel } from "../src/analysis/storage.js";

type MessageIds =
  | "bindingCount"
  | "arrayBinding"
  | "tooManyParameters"
  | "sqlTooLong"
  | "patternTooLong"
  | "paramsBeforeLast"
  | "oneNeverUndefined"
  | "awaitCursor"
  | "suggestSpread"
  | "suggestToArray"
  | "suggestRemoveAwait";

const EQUALITY = new Set(["==", "!=", "===", "!=="]);

export default createRule<[], MessageIds, ExecChecker>({
  name: "valid-sql-exec",
  meta: {
    type: "problem",
    docs: {
      description:
        "Disallow Durable Object `sql.exec()` misuse: wrong bindings, SQLite's limits, parameters before the last statement, fallbacks on `.one()`, `await` on a cursor",
      recommended: "error",
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      bindingCount:
        "{{subject}} takes {{params}} but {{values}} bound: `exec()` throws `Wrong number of parameter bindings`. Pass one value per parameter.",
      arrayBinding:
        "`exec()` binds this array as one value, its items joined into a string, not one value per parameter. Pass the values as separate arguments.",
      tooManyParameters:
        "This SQL has {{count}} parameters and Durable Object SQLite allows 100: `exec()` throws `too many SQL variables`. Bind fewer values per statement.",
      sqlTooLong:
        "This SQL is {{bytes}} bytes and Durable Object SQLite allows 100,000: `exec()` throws `statement too long`. Bind long values as parameters, or split it.",
      patternTooLong:
        "This {{operator}} pattern is {{bytes}} bytes and Durable Object SQLite allows 50: it throws `LIKE or GLOB pattern too complex`. Shorten it, or use `instr()`.",
      paramsBeforeLast:
        "Only the last statement of a multi-statement `exec()` may have parameters: this one makes it throw after running those before. " +
        "Run it in its own `exec()`.",
      oneNeverUndefined:
        "`.one()` throws when no row (or more than one) matches, so {{check}} never takes effect. Use `.toArray()[0]` to get `undefined` when there is no row.",
      awaitCursor: "`exec()` is synchronous and returns a `Cursor`, not a Promise: this `await` waits for nothing. Remove it.",
      suggestSpread: "Pass the array's items as separate arguments",
      suggestToArray: "Use `.toArray()[0]`, which gives `undefined` when there is no row (and the first row when there are several)",
      suggestRemoveAwait: "Remove the `await`",
    },
  },
  // SQL runs through `exec()` or a `sql` tagged template: a file with neither word has none.
  mentions: [["exec", "sql"]],
  listen: ["Program:exit", "AwaitExpression"],
  create: (context, model) => new ExecChecker(context, model, sqlRuns(model), model.calls(["one"])),
});

/** One file's `exec()` and `.one()` checks (its listeners are methods: see `listen`). */
class ExecChecker {
  private readonly sourceCode: Readonly<TSESLint.SourceCode>;

  constructor(
    private readonly context: RuleContext<MessageIds>,
    private readonly model: DurableObjectModel,
    private readonly runs: SqlRunsClaim,
    private readonly calls: CallIndexClaim,
  ) {
    this.sourceCode = context.sourceCode;
  }

  "Program:exit"(): void {
    for (const run of this.runs.all()) this.checkRun(run);
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

  private checkRun(run: SqlRun): void {
    const { query, bindings, sql, statements } = run;
    if (query.type === AST_NODE_TYPES.SpreadElement) return;
    if (statements.length === 0 || !splitsLikeWorkerd(sql.text, statements)) return;
    const last = statements[statements.length - 1];

    // SQLite's limits (measured on workerd): the text, LIKE/GLOB patterns, parameters.
    // A UTF-16 code unit is at most 3 bytes of UTF-8: shorter text cannot be over the limit.
    const bytes = sql.text.length * 3 > MAX_SQL_BYTES ? utf8Length(sql.text.split(DYNAMIC).join("")) : 0;
    if (bytes > MAX_SQL_BYTES) {
      this.context.report({ node: query, messageId: "sqlTooLong", data: { bytes: bytes.toLocaleString("en-US") } });
      return;
    }
    for (const stmt of statements) {
      for (const { operator, token } of patternLiterals(stmt)) {
        const size = utf8Length(token.value);
        if (size <= MAX_PATTERN_BYTES) continue;
        this.context.report({
          loc: run.loc(token.start, token.end),
          messageId: "patternTooLong",
          data: { operator, bytes: String(size) },
        });
      }
    }

    // 2. A parameter before the last statement: workerd throws when it reaches that statement.
    for (let i = 0; i + 1 < statements.length; i++) {
      const stmt = statements[i];
      // A statement that is only `${…}` may be empty at run time: a real statement must follow.
      const followed = statements.slice(i + 1).some((s) => s.tokens.some((t) => t.type !== "dynamic"));
      if (followed && stmt.tokens.some((t) => t.type === "param")) {
        this.context.report({ loc: run.loc(stmt.start, stmt.end), messageId: "paramsBeforeLast" });
        return;
      }
    }

    // 1. The last statement's parameter slots against the bound values.
    const slots = bindParameterCount(last);
    if (slots === undefined) return;
    if (slots > MAX_PARAMETERS) {
      this.context.report({ node: query, messageId: "tooManyParameters", data: { count: String(slots) } });
      return;
    }
    // A tagged template binds exactly its `${…}`: the count is not the user's to get wrong.
    if (run.form === "tag" || bindings.some((b) => b.type === AST_NODE_TYPES.SpreadElement)) return;
    // A `${…}` can add parameters (and statements), never remove them: with one, only "too few" is certain.
    const exact = !sql.text.includes(DYNAMIC);
    const count = bindings.length;
    // `exec(q, [a, b])`: one array for the parameters (measured: bound as the string "a,b", or "Wrong number of parameter bindings").
    const array = count === 1 && slots >= 1 ? arrayValue(bindings[0], this.sourceCode) : undefined;
    if (array) {
      const items = array.literal?.elements;
      const spreadable =
        exact && (items ? items.length === slots && items.every((e) => e && e.type !== AST_NODE_TYPES.SpreadElement) : true);
      const binding = bindings[0];
      this.context.report({
        node: binding,
        messageId: "arrayBinding",
        suggest: spreadable
          ? [
              {
                messageId: "suggestSpread",
                fix: (fixer) =>
                  array.literal
                    ? [
                        fixer.removeRange([binding.range[0], binding.range[0] + 1]),
                        fixer.removeRange([binding.range[1] - 1, binding.range[1]]),
                      ]
                    : fixer.insertTextBefore(binding, "..."),
              },
            ]
          : [],
      });
      return;
    }
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
    const sql = this.model.execSql(exec);
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

/**
 * An array passed as a binding: an array literal, or a `const` (never reassigned) initialised
 * with one. Anything else may be a single value on purpose, and is not judged.
 */
function arrayValue(node: Node, sourceCode: Readonly<TSESLint.SourceCode>): { literal: TSESTree.ArrayExpression | undefined } | undefined {
  if (node.type === AST_NODE_TYPES.ArrayExpression) return { literal: node };
  if (node.type !== AST_NODE_TYPES.Identifier) return undefined;
  const init = unchangedInit(node, sourceCode);
  return init?.type === AST_NODE_TYPES.ArrayExpression ? { literal: undefined } : undefined;
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
