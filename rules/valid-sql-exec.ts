import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import { type RuleContext, createRule } from "../src/create-rule.js";
import { awaitRemoval } from "../src/analysis/await-fix.js";
import { mergeListeners, methodListeners } from "../src/analysis/listeners.js";
import { type Node, calledMethod, methodCall, unwrap } from "../src/analysis/ast.js";
import { DYNAMIC, type SqlStatement, alwaysOneRow, parameterInfo, tokenizeSql } from "../src/analysis/sql.js";
import { type StaticSql, sourceRange, staticSql } from "../src/analysis/sql-text.js";
import { type CallIndexClaim, CURSOR_READ_METHODS, type DurableObjectModel, EXEC_METHOD, getModel } from "../src/analysis/storage.js";

type MessageIds = "bindingCount" | "paramsBeforeLast" | "oneNeverUndefined" | "awaitCursor" | "suggestToArray" | "suggestRemoveAwait";

/** SQLite's default `SQLITE_MAX_VARIABLE_NUMBER`: `?NNN` outside 1…32766 does not prepare. */
const MAX_PARAMETER_INDEX = 32766;
/** What workerd skips after a statement before deciding whether another one follows (`prepareSql`). */
const WORKERD_TAIL_SPACE = /^[ \t\n\r\v\f]*$/;
/** Cursor methods whose results are plain values (rows, arrays, iterator results), never promises. */
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
        "{{subject}} takes {{params}} but {{values}} bound: `exec()` throws `Error: Wrong number of parameter bindings for SQL query.` " +
        "Pass exactly one value per parameter (`?NNN` takes position NNN; each distinct `:name`, `@name` or `$name` takes the next position).",
      paramsBeforeLast:
        "Only the last statement of a multi-statement `exec()` may have parameters: `exec()` runs any statements before this one, then throws " +
        "`When executing multiple SQL statements in a single call, only the last statement can have parameters.` " +
        "Run this statement in its own `exec()` call with its values.",
      oneNeverUndefined:
        "`.one()` never returns `undefined`: it throws `Expected exactly one result from SQL query, but got no results.` when no row matches " +
        "(and `… got multiple results.` for two or more), so {{check}} never takes effect and a missing row throws instead. " +
        "Use `.toArray()[0]` to get `undefined` when there is no row.",
      awaitCursor:
        "`exec()` is synchronous: it returns a `Cursor`, not a Promise, so this `await` waits for nothing (it only defers the rest of the function by a microtask). " +
        "Remove it, so the code does not look as if the query ran in the background.",
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
    for (const node of this.calls.of("exec")) if (this.model.handleCall(node, EXEC_METHOD)?.kind === "sql") this.checkExec(node);
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
    if (!sql || sql.statements.length === 0 || !splitsLikeWorkerd(sql)) return;
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
    const slots = parameterSlots(last);
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
    const exec = execBehind(this.model, mc.receiver, 0);
    if (!exec) return;
    // A query that always yields exactly one row (`SELECT COUNT(*) …`, `INSERT … RETURNING`) cannot make
    // `.one()` throw: a fallback after it is dead code, not a bug.
    const sql = exec.arguments[0] && staticSql(exec.arguments[0], this.sourceCode);
    const last = sql?.statements[sql.statements.length - 1];
    if (last && alwaysOneRow(last)) return;
    const value = valueOf(node);
    let finding = checkOn(value, this.sourceCode);
    let where = "";
    if (!finding) {
      const variable = rowVariable(value, this.sourceCode);
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
 * Whether the statements found in the text are the ones workerd runs. workerd prepares one
 * statement at a time and treats whatever follows it, once spaces are skipped, as another statement:
 * so `"SELECT 1; -- done"` or `"SELECT 1;;"` fail for a reason of their own. Those, and leading `;`s,
 * are left alone.
 */
function splitsLikeWorkerd(sql: StaticSql): boolean {
  const { text, statements } = sql;
  if (tokenizeSql(text.slice(0, statements[0].start)).length > 0) return false;
  for (let i = 0; i + 1 < statements.length; i++) {
    const gap = tokenizeSql(text.slice(statements[i].end, statements[i + 1].start));
    if (gap.length !== 1 || gap[0].text !== ";") return false;
  }
  const lastEnd = statements[statements.length - 1].end;
  const tail = tokenizeSql(text.slice(lastEnd));
  if (tail.length === 0) return true;
  if (tail.length > 1 || tail[0].text !== ";") return false;
  return WORKERD_TAIL_SPACE.test(text.slice(lastEnd + tail[0].end));
}

/**
 * `sqlite3_bind_parameter_count` of a statement: the largest parameter index, by SQLite's numbering.
 * Undefined where the tokenizer may disagree with SQLite: `?0` or `?NNN` past the limit (the
 * statement does not prepare), TCL-style `$a::b` / `$a(x)`, and `#name`.
 */
function parameterSlots(stmt: SqlStatement): number | undefined {
  const t = stmt.tokens;
  for (let i = 0; i < t.length; i++) {
    const tok = t[i];
    if (tok.type === "punct" && tok.text === "#") return undefined;
    if (tok.type !== "param") continue;
    if (tok.text[0] === "?" && tok.text.length > 1) {
      const n = Number(tok.text.slice(1));
      if (n < 1 || n > MAX_PARAMETER_INDEX) return undefined;
    }
    const next = t[i + 1];
    if (tok.text[0] === "$" && next?.start === tok.end && (next.text === ":" || next.text === "(")) return undefined;
  }
  return parameterInfo(stmt).slots;
}

/** The `exec(…)` call whose cursor `expr` is (directly, or through a `const`). */
function execBehind(model: DurableObjectModel, expr: Node, depth: number): TSESTree.CallExpression | undefined {
  const e = unwrap(expr, true);
  if (e.type === AST_NODE_TYPES.CallExpression) {
    return model.handleCall(e, EXEC_METHOD)?.kind === "sql" ? e : undefined;
  }
  if (e.type !== AST_NODE_TYPES.Identifier || depth > 2) return undefined;
  const init = singleInit(e, model.sourceCode);
  return init !== undefined ? execBehind(model, init, depth + 1) : undefined;
}

/** The initialiser of a `const`/`let` that is never assigned again, declared as a plain identifier. */
function singleInit(id: TSESTree.Identifier, sourceCode: Readonly<TSESLint.SourceCode>): TSESTree.Expression | undefined {
  const variable = findVariable(sourceCode.getScope(id), id.name);
  if (!variable || variable.defs.length !== 1) return undefined;
  const def = variable.defs[0];
  if (def.type !== "Variable" || def.parent.kind === "var") return undefined;
  if (variable.references.some((r) => r.isWrite() && !r.init)) return undefined;
  return def.node.id === def.name && def.node.init ? def.node.init : undefined;
}

/**
 * An awaited expression that is a cursor or what a cursor gives: `sql.exec(…)`, then any of
 * `.toArray()`, `.one()`, `.next()`, `.raw()` and property reads (`.columnNames`, `[0]`, `.n`).
 * None of these is a promise, and none can be a thenable (row values are numbers, strings, `null` or `ArrayBuffer`s).
 */
function isCursorValue(model: DurableObjectModel, expr: Node): boolean {
  let e = unwrap(expr, true);
  for (;;) {
    if (e.type === AST_NODE_TYPES.MemberExpression) {
      if (e.object.type === AST_NODE_TYPES.Super) return false;
      e = unwrap(e.object, true);
    } else if (e.type === AST_NODE_TYPES.CallExpression) {
      const mc = methodCall(e);
      if (mc?.method === "exec") return model.handleCall(e, EXEC_METHOD)?.kind === "sql";
      if (!mc || !CURSOR_READ_METHODS.has(mc.method) || e.arguments.length > 0) return false;
      e = unwrap(mc.receiver, true);
    } else {
      return false;
    }
  }
}

/** The node whose parent uses the row: climbs through TypeScript wrappers, a chain's end and `await`. */
function valueOf(node: Node): Node {
  let v = node;
  for (let p = v.parent; p; v = p, p = p.parent) {
    switch (p.type) {
      case AST_NODE_TYPES.TSNonNullExpression:
      case AST_NODE_TYPES.TSAsExpression:
      case AST_NODE_TYPES.TSSatisfiesExpression:
      case AST_NODE_TYPES.TSTypeAssertion:
      case AST_NODE_TYPES.ChainExpression:
        continue;
      case AST_NODE_TYPES.AwaitExpression:
        if (p.argument === v) continue;
        return v;
      default:
        return v;
    }
  }
  return v;
}

/** `const row = sql.exec(…).one()` (also through `as`, `!`, `await`): the variable, when it is never reassigned. */
function rowVariable(value: Node, sourceCode: Readonly<TSESLint.SourceCode>): TSESLint.Scope.Variable | undefined {
  const decl = value.parent;
  if (decl?.type !== AST_NODE_TYPES.VariableDeclarator || decl.init !== value || decl.id.type !== AST_NODE_TYPES.Identifier)
    return undefined;
  if (decl.parent.kind === "var") return undefined;
  const variable = findVariable(sourceCode.getScope(decl.id), decl.id.name);
  if (!variable || variable.defs.length !== 1 || variable.references.some((r) => r.isWrite() && !r.init)) return undefined;
  return variable;
}

interface Check {
  /** The node that holds the check (for its line). */
  node: Node;
  /** How the message names it. */
  text: string;
}

/** A check of `v` (a row from `.one()`) that expects it may be missing: `?.`, `??`, `||`, `!`, `== null`, a test… */
function checkOn(node: Node, sourceCode: Readonly<TSESLint.SourceCode>): Check | undefined {
  const v = valueOf(node);
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
      return isNullish(other, sourceCode) ? { node: p, text: quoted(p, "the comparison") } : undefined;
    }
    case AST_NODE_TYPES.IfStatement:
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
    case AST_NODE_TYPES.ForStatement:
    case AST_NODE_TYPES.ConditionalExpression:
      return p.test === v ? { node: p, text: "the truthiness test" } : undefined;
    default:
      return undefined;
  }
}

/** `null`, `undefined` (the global) or `void …`. */
function isNullish(node: Node, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  if (node.type === AST_NODE_TYPES.Literal) return node.raw === "null";
  if (node.type === AST_NODE_TYPES.UnaryExpression) return node.operator === "void";
  if (node.type === AST_NODE_TYPES.Identifier && node.name === "undefined") {
    const variable = findVariable(sourceCode.getScope(node), node.name);
    return !variable || variable.defs.length === 0;
  }
  return false;
}
