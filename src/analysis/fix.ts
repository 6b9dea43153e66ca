/** Building blocks for suggestions that must produce code that parses and keeps behaviour. */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { findVariable } from "@typescript-eslint/utils/ast-utils";
import { type Node, commentsIn, containsAwait, indentOf, isFunction, isLoop, statementList, walk, within } from "./ast.js";

type Fix = TSESLint.ReportFixFunction;

function isStatement(n: Node): boolean {
  return n.type.endsWith("Statement") || n.type === AST_NODE_TYPES.VariableDeclaration;
}

/** The statement that evaluates `node`, within the same function. */
export function statementOf(node: Node): Node | undefined {
  for (let n: Node | undefined = node; n; n = n.parent) {
    if (n !== node && isFunction(n)) return undefined;
    if (isStatement(n)) return n;
  }
  return undefined;
}

/**
 * A fix that runs `code` (one statement, with its `;`) right before the statement that evaluates
 * `node`: inserted on its own line in a block, or wrapping a braceless `if`/loop body in braces.
 * Undefined where that would change when `code` runs (the call sits in a loop's head) or there is no statement.
 */
export function insertBeforeStatement(sourceCode: Readonly<TSESLint.SourceCode>, node: Node, code: string): Fix | undefined {
  const stmt = statementOf(node);
  if (!stmt || isLoop(stmt)) return undefined;
  if (statementList(stmt)) {
    const indent = indentOf(sourceCode.text, stmt);
    return (fixer) => fixer.insertTextBefore(stmt as TSESTree.Node, `${code}\n${indent}`);
  }
  const p = stmt.parent;
  if (p && (p.type === AST_NODE_TYPES.IfStatement || p.type === AST_NODE_TYPES.LabeledStatement || isLoop(p))) {
    return (fixer) => fixer.replaceText(stmt as TSESTree.Node, `{ ${code} ${sourceCode.getText(stmt)} }`);
  }
  return undefined;
}

export function listed(node: Node): { stmt: Node; list: Node[]; index: number } | undefined {
  const stmt = statementOf(node);
  const list = stmt && statementList(stmt);
  return stmt && list ? { stmt, list, index: list.indexOf(stmt) } : undefined;
}

function referencesAny(sourceCode: Readonly<TSESLint.SourceCode>, root: Node, variables: ReadonlySet<TSESLint.Scope.Variable>): boolean {
  if (variables.size === 0) return false;
  let found = false;
  walk(root, sourceCode.visitorKeys, (n) => {
    if (found) return false;
    if (n.type === AST_NODE_TYPES.Identifier) {
      const v = findVariable(sourceCode.getScope(n), n.name);
      if (v && variables.has(v)) found = true;
    }
    return !found;
  });
  return found;
}

function declaredIn(sourceCode: Readonly<TSESLint.SourceCode>, statements: Node[]): Set<TSESLint.Scope.Variable> {
  const out = new Set<TSESLint.Scope.Variable>();
  for (const s of statements) for (const v of sourceCode.getDeclaredVariables(s as TSESTree.Node)) out.add(v);
  return out;
}

/**
 * Moves the statement `await X;` / `const y = await X;` that holds `opener` to just before the
 * statement that holds `read`, when all three (read, opener, write) are statements of one block,
 * `X` uses nothing declared from the read on, and no other statement between read and write awaits.
 */
export function moveAwaitBefore(
  sourceCode: Readonly<TSESLint.SourceCode>,
  opener: TSESTree.AwaitExpression,
  read: Node,
  write: Node,
): Fix | undefined {
  const r = listed(read);
  const a = listed(opener);
  const w = listed(write);
  if (!r || !a || !w || r.list !== a.list || a.list !== w.list || !(r.index < a.index && a.index < w.index)) return undefined;
  const s = a.stmt;
  const holdsOnlyAwait =
    (s.type === AST_NODE_TYPES.ExpressionStatement && s.expression === opener) ||
    (s.type === AST_NODE_TYPES.VariableDeclaration && s.kind !== "var" && s.declarations.length === 1 && s.declarations[0].init === opener);
  if (!holdsOnlyAwait) return undefined;
  for (let i = r.index + 1; i < w.index; i++) {
    if (i !== a.index && containsAwait(r.list[i], sourceCode.visitorKeys)) return undefined;
  }
  if (w.stmt.type === AST_NODE_TYPES.ExpressionStatement) {
    const call = unwrapAwait(w.stmt.expression);
    if (call !== write || containsAwaitInArgs(sourceCode, write)) return undefined;
  }
  if (referencesAny(sourceCode, s, declaredIn(sourceCode, r.list.slice(r.index, a.index)))) return undefined;
  const prevEnd = r.list[a.index - 1].range[1];
  if (commentsIn(sourceCode, prevEnd, s.range[1]).length > 0) return undefined;
  const text = sourceCode.getText(s as TSESTree.Node);
  const indent = indentOf(sourceCode.text, r.stmt);
  return (fixer) => [fixer.removeRange([prevEnd, s.range[1]]), fixer.insertTextBefore(r.stmt as TSESTree.Node, `${text}\n${indent}`)];
}

function unwrapAwait(n: Node): Node {
  return n.type === AST_NODE_TYPES.AwaitExpression ? n.argument : n;
}

function containsAwaitInArgs(sourceCode: Readonly<TSESLint.SourceCode>, call: Node): boolean {
  return call.type === AST_NODE_TYPES.CallExpression && call.arguments.some((x) => containsAwait(x, sourceCode.visitorKeys));
}

/**
 * Wraps the statements from the one holding `read` to the one holding `write` in
 * `await <state>.blockConcurrencyWhile(async () => { … })`, returning the bindings used later.
 */
export function wrapInBlockConcurrencyWhile(
  sourceCode: Readonly<TSESLint.SourceCode>,
  stateText: string,
  read: Node,
  write: Node,
  /** Also when the write is nested in a statement of the read's block (`if (…) { …; put() }`): the span ends with that statement. */
  nested = false,
): Fix | undefined {
  const r = listed(read);
  if (!r) return undefined;
  let end = -1;
  for (let i = r.index; i < r.list.length && end < 0; i++) {
    if (r.list[i] === statementOf(write) || (nested && within(r.list[i], write))) end = i;
  }
  if (end < 0) return undefined;
  const built = wrapStatements(sourceCode, r.list.slice(r.index, end + 1), `await ${stateText}.blockConcurrencyWhile(async () => {`);
  return built && ((fixer) => fixer.replaceTextRange(built.range, built.text));
}

/**
 * The text that runs `span` (consecutive statements of one block) inside a callback opened by
 * `opening` (e.g. `storage.transactionSync(() => {`), closed by `});`. Bindings declared in the
 * span and used after it are returned from the callback and declared again outside. Undefined
 * where that would change what the code does: a `return`, `yield`, `var`, hoisted declaration,
 * or a `break`/`continue` that leaves the span.
 */
export function wrapStatements(
  sourceCode: Readonly<TSESLint.SourceCode>,
  span: Node[],
  opening: string,
  range: [number, number] = [span[0].range[0], span[span.length - 1].range[1]],
  indent = indentOf(sourceCode.text, span[0]),
  /** Source ranges inside the span to write differently in the callback (`storage.put` → `txn.put`), none overlapping. */
  replacements: readonly { range: readonly [number, number]; text: string }[] = [],
): { range: [number, number]; text: string } | undefined {
  if (span.length === 0) return undefined;
  for (const s of span) {
    if (
      (s.type === AST_NODE_TYPES.VariableDeclaration && s.kind === "var") ||
      s.type === AST_NODE_TYPES.FunctionDeclaration ||
      s.type === AST_NODE_TYPES.ClassDeclaration
    ) {
      return undefined;
    }
    if (leavesSpan(s, sourceCode)) return undefined;
  }
  const start = span[0].range[0];
  const end = span[span.length - 1].range[1];
  const escaping: TSESLint.Scope.Variable[] = [];
  let reassignedLater = false;
  for (const v of declaredIn(sourceCode, span)) {
    const outside = v.references.filter((ref) => ref.identifier.range[0] < start || ref.identifier.range[0] >= end);
    if (outside.length === 0) continue;
    escaping.push(v);
    if (outside.some((ref) => ref.isWrite())) reassignedLater = true;
  }
  const inner = `${indent}  `;
  let body = sourceCode.text.slice(start, end);
  for (const r of [...replacements].sort((a, b) => b.range[0] - a.range[0])) {
    if (r.range[0] < start || r.range[1] > end) return undefined;
    body = body.slice(0, r.range[0] - start) + r.text + body.slice(r.range[1] - start);
  }
  const multilineTemplate = span
    .flatMap((s) => sourceCode.getTokens(s as TSESTree.Node))
    .some((t) => t.type === "Template" && t.value.includes("\n"));
  if (!multilineTemplate) {
    // Re-indent every line after the first from the body's own indentation to the callback's.
    const own = indentOf(sourceCode.text, span[0]);
    body = body
      .split("\n")
      .map((line, i) => (i === 0 ? line : line.startsWith(own) ? inner + line.slice(own.length) : line))
      .join("\n");
  }
  const names = escaping.map((v) => v.name);
  const ret = names.length === 0 ? "" : `\n${inner}return ${names.length === 1 ? names[0] : `{ ${names.join(", ")} }`};`;
  const decl =
    names.length === 0 ? "" : `${reassignedLater ? "let" : "const"} ${names.length === 1 ? names[0] : `{ ${names.join(", ")} }`} = `;
  return { range, text: `${decl}${opening}\n${inner}${body}${ret}\n${indent}});` };
}

/** A `return`, `yield`, labelled jump, or `break`/`continue` not caught by a loop/switch inside `stmt`. */
export function leavesSpan(stmt: Node, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  let leaves = false;
  const visit = (n: Node, inLoop: boolean, inSwitch: boolean): void => {
    walk(n, sourceCode.visitorKeys, (c) => {
      if (leaves) return false;
      if (c !== n && (isFunction(c) || c.type === AST_NODE_TYPES.ClassBody)) return false;
      switch (c.type) {
        case AST_NODE_TYPES.ReturnStatement:
        case AST_NODE_TYPES.YieldExpression:
          leaves = true;
          return false;
        case AST_NODE_TYPES.BreakStatement:
          if (c.label || !(inLoop || inSwitch)) leaves = true;
          return false;
        case AST_NODE_TYPES.ContinueStatement:
          if (c.label || !inLoop) leaves = true;
          return false;
        case AST_NODE_TYPES.ForStatement:
        case AST_NODE_TYPES.ForInStatement:
        case AST_NODE_TYPES.ForOfStatement:
        case AST_NODE_TYPES.WhileStatement:
        case AST_NODE_TYPES.DoWhileStatement:
          if (c !== n) {
            visit(c, true, inSwitch);
            return false;
          }
          return true;
        case AST_NODE_TYPES.SwitchStatement:
          if (c !== n) {
            visit(c, inLoop, true);
            return false;
          }
          return true;
        default:
          return true;
      }
    });
  };
  const isLoopNode = isLoop(stmt);
  visit(stmt, isLoopNode, stmt.type === AST_NODE_TYPES.SwitchStatement);
  return leaves;
}
