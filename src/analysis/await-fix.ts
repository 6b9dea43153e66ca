/**
 * Suggestions that add, move or remove an `await`, so that the code still parses and means what it
 * did: parentheses where precedence needs them, no `(` or `[` at the start of a statement that could
 * join it to the line before (ASI), no parenthesised call that would cut a `?.` chain's short-circuit.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { isParenthesized } from "@typescript-eslint/utils/ast-utils";

type SourceCode = Readonly<TSESLint.SourceCode>;

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
