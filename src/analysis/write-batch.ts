/**
 * The batched forms of single-key storage writes, as suggestions write them: several `put(k, v)`
 * as one `put({ … })`, several `delete(k)` as one `delete([ … ])`, and a `for…of` loop of one write
 * as one write of every entry.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import type { Node } from "./ast.js";
import type { SingleKeyWrite } from "./storage-access.js";

type SourceCode = Readonly<TSESLint.SourceCode>;

/** `await s.put({ a: 1, [k]: v });` or `await s.delete([a, b]);` for writes of one method on one receiver. */
export function batchedWriteText(
  writes: readonly SingleKeyWrite[],
  sourceCode: SourceCode,
): { method: "put" | "delete"; text: string } | undefined {
  const method = writes[0].method;
  const receiver = sourceCode.getText(writes[0].receiver);
  if (writes.some((w) => w.method !== method || sourceCode.getText(w.receiver) !== receiver)) return undefined;
  if (method === "put") {
    if (writes.some((w) => w.call.arguments.length !== 2)) return undefined;
    const entries = writes.map((w) => `${propertyKey(w.call.arguments[0], sourceCode)}: ${sourceCode.getText(w.call.arguments[1])}`);
    return { method, text: `await ${receiver}.put({ ${entries.join(", ")} });` };
  }
  const keys = writes.map((w) => sourceCode.getText(w.call.arguments[0]));
  return { method, text: `await ${receiver}.delete([${keys.join(", ")}]);` };
}

/**
 * `for (const x of xs) await s.put(k(x), v(x))` → `await s.put(Object.fromEntries(Array.from(xs, (x) => [k(x), v(x)])));`
 * Only for a `for…of` whose body is `stmt`, the statement that awaits `write`, and nothing else.
 */
export function collectedWriteText(loop: Node, stmt: Node, write: SingleKeyWrite, sourceCode: SourceCode): string | undefined {
  if (loop.type !== AST_NODE_TYPES.ForOfStatement || loop.left.type !== AST_NODE_TYPES.VariableDeclaration) return undefined;
  if (loop.left.declarations.length !== 1) return undefined;
  const body = loop.body;
  const only = body.type === AST_NODE_TYPES.BlockStatement ? (body.body.length === 1 ? body.body[0] : undefined) : body;
  if (only !== stmt || sourceCode.getCommentsInside(loop).length > 0) return undefined;
  const param = sourceCode.getText(loop.left.declarations[0].id);
  const iter = sourceCode.getText(loop.right);
  const receiver = sourceCode.getText(write.receiver);
  const [k, v] = write.call.arguments;
  if (write.method === "put") {
    if (write.call.arguments.length !== 2) return undefined;
    return `await ${receiver}.put(Object.fromEntries(Array.from(${iter}, (${param}) => [${sourceCode.getText(k)}, ${sourceCode.getText(v)}])));`;
  }
  return `await ${receiver}.delete(Array.from(${iter}, (${param}) => ${sourceCode.getText(k)}));`;
}

/** A key expression as an object literal's key: a string literal as written, anything else computed (`[k]`). */
function propertyKey(key: TSESTree.Node, sourceCode: SourceCode): string {
  if (key.type === AST_NODE_TYPES.Literal && typeof key.value === "string") return key.raw;
  return `[${sourceCode.getText(key)}]`;
}
