/**
 * The batched forms of single-key storage writes, as suggestions write them: several `put(k, v)`
 * as one `put({ … })`, several `delete(k)` as one `delete([ … ])`, a `for…of` loop of one write
 * as one write of every entry, and statements that read and write as one `transaction()`.
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { type Node, isClass, isFunction, unwrap, walk } from "./ast.js";
import { wrapStatements } from "./fix.js";
import type { SingleKeyWrite } from "./storage-access.js";
import type { DurableObjectModel } from "./storage.js";

/** The asynchronous reads of the storage API that keep the write batch open (tests/runtime/write-batches.test.ts). */
const BATCH_READS: ReadonlySet<string> = new Set(["get", "list"]);

/** `storage.get(…)` / `storage.list(…)` on this object's storage (not `txn`, not `storage.kv`, not SQL). */
export function storageRead(model: DurableObjectModel, call: TSESTree.CallExpression): TSESTree.Expression | undefined {
  const h = model.handleCall(call, BATCH_READS);
  return h?.kind === "storage" ? h.receiver : undefined;
}

/**
 * `await s.transaction(async (txn) => { … })` around `span`, consecutive statements of one block
 * from the first of `writes` to the last, with every storage call in it made on `txn`. Undefined
 * unless every storage call in the span is one of `writes` or an awaited read (`storageRead`) on
 * the same receiver, so that nothing in the span writes or reads outside the transaction.
 */
export function transactionText(
  model: DurableObjectModel,
  span: readonly Node[],
  writes: readonly SingleKeyWrite[],
): { range: [number, number]; text: string } | undefined {
  const sourceCode = model.sourceCode;
  const receiver = sourceCode.getText(writes[0].receiver);
  const known = new Set<Node>(writes.map((w) => w.call));
  const calls: TSESTree.CallExpression[] = [...writes.map((w) => w.call)];
  let ok = true;
  for (const stmt of span) {
    walk(stmt, sourceCode.visitorKeys, (n) => {
      if (!ok || isClass(n)) return false;
      if (isFunction(n)) {
        ok = false; // a callback in the span could run outside the transaction
        return false;
      }
      if (n.type === AST_NODE_TYPES.AwaitExpression) {
        const call = unwrap(n.argument);
        if (call.type === AST_NODE_TYPES.CallExpression && !known.has(call)) {
          const r = storageRead(model, call);
          if (r) {
            known.add(call);
            calls.push(call);
          }
        }
      } else if (n.type === AST_NODE_TYPES.CallExpression && !known.has(n) && model.handleCall(n)) {
        ok = false; // another storage call (not awaited, or of another method)
      }
      return true;
    });
  }
  if (!ok) return undefined;
  const replacements: { range: readonly [number, number]; text: string }[] = [];
  const text = span.map((s) => sourceCode.getText(s as TSESTree.Node)).join("\n");
  const name = ["txn", "tx"].find((n) => !new RegExp(`\\b${n}\\b`).test(text));
  if (!name) return undefined;
  for (const call of calls) {
    const callee = call.callee;
    if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed) return undefined;
    if (sourceCode.getText(callee.object) !== receiver) return undefined;
    replacements.push({ range: callee.object.range, text: name });
  }
  return wrapStatements(sourceCode, [...span], `await ${receiver}.transaction(async (${name}) => {`, undefined, undefined, replacements);
}

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
