/**
 * Suggestions that add, move or remove an `await`, so that the code still parses and means what it
 * did: parentheses where precedence needs them, no `(` or `[` at the start of a statement that could
 * join it to the line before (ASI), no parenthesised call that would cut a `?.` chain's short-circuit.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { isParenthesized } from "@typescript-eslint/utils/ast-utils";
import { type Node, isFunction, statementList } from "./ast.js";

type SourceCode = Readonly<TSESLint.SourceCode>;
type Fix = TSESLint.ReportFixFunction;

/** Where an `await` could be written at a node: in an async function, in a sync one, or where it is not allowed. */
export type AwaitPlace = "async" | "sync" | "elsewhere";

/** Whether an `await` written at `node` would parse and run in an async function. */
export function awaitPlace(node: Node): AwaitPlace {
  let child: Node = node;
  for (let p = node.parent; p; child = p, p = p.parent) {
    if (isFunction(p)) {
      if (p.body !== child) return "elsewhere"; // a parameter default
      return p.async ? "async" : "sync";
    }
    if ((p.type === AST_NODE_TYPES.PropertyDefinition || p.type === AST_NODE_TYPES.AccessorProperty) && p.value === child) {
      return "elsewhere"; // a class field initialiser
    }
    if (p.type === AST_NODE_TYPES.StaticBlock) return "elsewhere";
  }
  return "elsewhere"; // module top level: no storage there at run time
}

/** Inserts `await` before the call (or its own `?.` chain), with parentheses where needed; undefined where that would change the code's meaning. */
export function insertAwait(sourceCode: SourceCode, call: TSESTree.CallExpression): Fix | undefined {
  const target: Node = call.parent?.type === AST_NODE_TYPES.ChainExpression && call.parent.expression === call ? call.parent : call;
  if (target === call && hasOptionalLink(call) && call.parent?.type !== AST_NODE_TYPES.ChainExpression) {
    // `s?.get(k).x`: `(await s?.get(k)).x` would no longer short-circuit `.x`.
    let inChain = false;
    for (let n: Node | undefined = call.parent; n; n = n.parent) {
      if (n.type === AST_NODE_TYPES.ChainExpression) inChain = true;
      if (
        n.type !== AST_NODE_TYPES.MemberExpression &&
        n.type !== AST_NODE_TYPES.CallExpression &&
        n.type !== AST_NODE_TYPES.TSNonNullExpression
      )
        break;
    }
    if (inChain) return undefined;
  }
  const parens = needsParens(target, sourceCode);
  if (parens) {
    const stmt = statementStartedBy(target);
    if (stmt && !mayStartWithParen(stmt, sourceCode)) return undefined;
  }
  const t = target as TSESTree.Node;
  return (fixer) => (parens ? [fixer.insertTextBefore(t, "(await "), fixer.insertTextAfter(t, ")")] : fixer.insertTextBefore(t, "await "));
}

/**
 * For `await storage.get(k).x`: the `await` that applies to the member chain `member` ends,
 * instead of to the call at its start.
 */
export function awaitOverMember(member: TSESTree.MemberExpression): TSESTree.AwaitExpression | undefined {
  let n: Node = member;
  for (let p = n.parent; p; n = p, p = p.parent) {
    if (
      (p.type === AST_NODE_TYPES.MemberExpression && p.object === n) ||
      (p.type === AST_NODE_TYPES.CallExpression && p.callee === n) ||
      p.type === AST_NODE_TYPES.ChainExpression ||
      p.type === AST_NODE_TYPES.TSNonNullExpression
    ) {
      continue;
    }
    return p.type === AST_NODE_TYPES.AwaitExpression && p.argument === n ? p : undefined;
  }
  return undefined;
}

/** Moves `awaitNode`'s keyword onto `call` inside its argument: `await s.get(k).x` → `(await s.get(k)).x`. */
export function moveAwaitOnto(sourceCode: SourceCode, awaitNode: TSESTree.AwaitExpression, call: TSESTree.CallExpression): Fix | undefined {
  const keyword = sourceCode.getFirstToken(awaitNode);
  const next = keyword && sourceCode.getTokenAfter(keyword, { includeComments: true });
  if (!keyword || !next || next.range[0] !== awaitNode.argument.range[0]) return undefined; // `await (…)` or a comment
  if (call.parent?.type === AST_NODE_TYPES.ChainExpression || hasOptionalLink(call)) return undefined;
  const stmt = statementStartedBy(awaitNode);
  if (stmt && !mayStartWithParen(stmt, sourceCode)) return undefined;
  const parenthesized = isParenthesized(call, sourceCode);
  return (fixer) => [
    fixer.removeRange([keyword.range[0], next.range[0]]),
    ...(parenthesized
      ? [fixer.insertTextBefore(call, "await ")]
      : [fixer.insertTextBefore(call, "(await "), fixer.insertTextAfter(call, ")")]),
  ];
}

/**
 * The ranges to remove to drop `await` (up to the next token or comment), and the parentheses that
 * only served it (`(await sql.exec(q)).toArray()` → `sql.exec(q).toArray()`). Undefined where the
 * rest would then start with `(`, `[` or a template, which could join it to the line before.
 */
export function awaitRemoval(sourceCode: SourceCode, node: TSESTree.AwaitExpression): [number, number][] | undefined {
  const awaitToken = sourceCode.getFirstToken(node);
  const next = awaitToken && sourceCode.getTokenAfter(awaitToken, { includeComments: true });
  const operand = awaitToken && sourceCode.getTokenAfter(awaitToken);
  if (!awaitToken || awaitToken.value !== "await" || !next || !operand) return undefined;
  const first = operand.value[0];
  if (first === "(" || first === "[" || first === "`") return undefined;
  const p = node.parent;
  const usedAsCallee =
    (p.type === AST_NODE_TYPES.MemberExpression && p.object === node) || (p.type === AST_NODE_TYPES.CallExpression && p.callee === node);
  let layers = 0;
  if (usedAsCallee && node.argument.type !== AST_NODE_TYPES.ChainExpression) {
    while (isParenthesized(layers + 1, node, sourceCode)) layers++;
  }
  const ranges: [number, number][] = [[awaitToken.range[0], next.range[0]]];
  let before: TSESTree.Node | TSESTree.Token = node;
  let after: TSESTree.Node | TSESTree.Token = node;
  for (let i = 0; i < layers; i++) {
    const open: TSESTree.Token | null = sourceCode.getTokenBefore(before);
    const close: TSESTree.Token | null = sourceCode.getTokenAfter(after);
    if (!open || !close) return undefined;
    ranges.push(open.range, close.range);
    before = open;
    after = close;
  }
  return ranges;
}

/** `?.` inside the call's own chain: parenthesising the call would cut the chain's short-circuit. */
function hasOptionalLink(call: TSESTree.CallExpression): boolean {
  let n: Node = call;
  for (;;) {
    if (n.type === AST_NODE_TYPES.CallExpression) {
      if (n.optional) return true;
      n = n.callee;
    } else if (n.type === AST_NODE_TYPES.MemberExpression) {
      if (n.optional) return true;
      n = n.object;
    } else if (n.type === AST_NODE_TYPES.TSNonNullExpression) {
      n = n.expression;
    } else {
      return false;
    }
  }
}

/** Whether `await` in place of `target` needs parentheses (for precedence, or to read clearly next to an operator). */
function needsParens(target: Node, sourceCode: SourceCode): boolean {
  if (isParenthesized(target as TSESTree.Node, sourceCode)) return false;
  const p = target.parent;
  if (!p) return false;
  switch (p.type) {
    case AST_NODE_TYPES.IfStatement:
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
    case AST_NODE_TYPES.ForStatement:
    case AST_NODE_TYPES.SwitchStatement:
    case AST_NODE_TYPES.SwitchCase:
    case AST_NODE_TYPES.ForOfStatement:
    case AST_NODE_TYPES.ForInStatement:
    case AST_NODE_TYPES.VariableDeclarator:
    case AST_NODE_TYPES.TemplateLiteral:
    case AST_NODE_TYPES.SpreadElement:
    case AST_NODE_TYPES.ConditionalExpression:
    case AST_NODE_TYPES.SequenceExpression:
    case AST_NODE_TYPES.TSAsExpression:
    case AST_NODE_TYPES.TSSatisfiesExpression:
      return false;
    case AST_NODE_TYPES.CallExpression:
      return p.callee === target;
    case AST_NODE_TYPES.AssignmentExpression:
    case AST_NODE_TYPES.LogicalExpression:
      return p.right !== target;
    default:
      return true;
  }
}

/** The expression statement that `node` starts, if any. */
function statementStartedBy(node: Node): Node | undefined {
  for (let n: Node | undefined = node; n; n = n.parent) {
    if (n.range[0] !== node.range[0]) return undefined;
    if (n.type === AST_NODE_TYPES.ExpressionStatement) return n;
    if (isFunction(n)) return undefined;
  }
  return undefined;
}

/** A statement may start with `(` here without joining the previous line (no ASI hazard). */
function mayStartWithParen(stmt: Node, sourceCode: SourceCode): boolean {
  if (!statementList(stmt)) return true; // the body of an `if`, loop, label: nothing before it to join
  const prev = sourceCode.getTokenBefore(stmt as TSESTree.Node);
  if (!prev) return true;
  if (prev.value === ";" || prev.value === "{" || prev.value === ":") return true;
  if (prev.value !== "}") return false;
  const closed = sourceCode.getNodeByRangeIndex(prev.range[0]);
  if (!closed || closed.range[1] !== prev.range[1]) return false;
  if (closed.type === AST_NODE_TYPES.BlockStatement) {
    return closed.parent?.type !== AST_NODE_TYPES.FunctionExpression && closed.parent?.type !== AST_NODE_TYPES.ArrowFunctionExpression;
  }
  return (
    closed.type === AST_NODE_TYPES.StaticBlock ||
    closed.type === AST_NODE_TYPES.SwitchStatement ||
    (closed.type === AST_NODE_TYPES.ClassBody && closed.parent.type === AST_NODE_TYPES.ClassDeclaration)
  );
}
