import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { type RuleContext, createRule } from "../src/create-rule.js";
import { type Node, commentsIn, containsAwait, isClass, isFunction, statementList, unwrap, within } from "../src/analysis/ast.js";
import { awaitRemoval } from "../src/analysis/await-fix.js";
import { methodListeners } from "../src/analysis/listeners.js";
import { atomicRegionOf } from "../src/analysis/regions.js";
import { resolveCallee } from "../src/analysis/callees.js";
import { type DurableObjectModel, getModel } from "../src/analysis/storage.js";
import { soleWrite } from "../src/analysis/summaries.js";

/** The writes that could coalesce into one `put({…})` / `delete([…])`. */
const WRITE_METHODS: ReadonlySet<string> = new Set(["put", "delete"]);

type MessageIds =
  | "sequence"
  | "loop"
  | "suggestAwaitLast"
  | "suggestBatchPut"
  | "suggestBatchDelete"
  | "suggestDropAwait"
  | "suggestCollectPut"
  | "suggestCollectDelete";

/** `await storage.put(k, v)` / `await storage.delete(k)` as a whole statement, or `await this.save(v)` of a helper that only writes. */
interface AwaitedWrite {
  stmt: TSESTree.ExpressionStatement;
  awaitNode: TSESTree.AwaitExpression;
  /** The awaited call: the write, or the helper call. */
  call: TSESTree.CallExpression;
  method: "put" | "delete";
  receiver: TSESTree.Expression;
  /** Through a helper: only the `await` can move, the write's arguments are the helper's. */
  viaHelper: boolean;
}

export default createRule<[], MessageIds>({
  name: "prefer-coalesced-writes",
  meta: {
    type: "suggestion",
    docs: {
      description: "Prefer coalesced Durable Object storage writes over a sequence of awaited writes",
      recommended: "warn",
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      sequence:
        "These {{count}} awaited writes are committed one at a time: each `await` waits for its write to be durable before the next is sent (a round trip each), and an eviction or crash between them leaves only some of them stored. " +
        "Without the `await`s between them they coalesce into one batch (atomic against a crash, per Cloudflare), and the output gate still holds the response until it is durable. Where they must be all or nothing even if one write fails, write them with one `put({ … })` or `delete([ … ])`.",
      loop:
        "This awaited write is committed once per iteration: each `await` waits for the write to be durable before the next iteration (a round trip each), and an eviction or crash part-way leaves only some iterations stored. " +
        "Without the `await` the loop's writes coalesce into one batch (atomic against a crash, per Cloudflare; the output gate still holds the response until it is durable). Where they must be all or nothing even if one write fails, write every entry with one call.",
      suggestAwaitLast: "Await only the last write, so the writes coalesce into one batch",
      suggestBatchPut: "Write them with one `put({ … })`",
      suggestBatchDelete: "Delete them with one `delete([ … ])`",
      suggestDropAwait: "Drop the `await`, so the loop's writes coalesce into one batch",
      suggestCollectPut: "Collect the entries and write them with one `put(…)`",
      suggestCollectDelete: "Collect the keys and delete them with one `delete(…)`",
    },
  },
  create(context) {
    const model = getModel(context);
    if (!model.hasRegions) return {};
    // Only awaits matter: a sequence or a loop is reported for an awaited write, and is spoilt by
    // another await. Everything else is found from the await's ancestors, so no listener runs on
    // the frequent node types (blocks, statements, functions, loops).
    return methodListeners(new CoalescedWrites(context, model), ["AwaitExpression", "ForOfStatement", "Program:exit"]);
  },
});

/** One file's awaited writes and the loops they run in (its listeners are methods: see `methodListeners`). */
class CoalescedWrites {
  private readonly sourceCode: Readonly<TSESLint.SourceCode>;
  private readonly reported = new WeakSet<Node>();
  /** Per loop: the awaited writes and other awaits of its own iterations. Created when an await is seen in it. */
  private loops: Map<LoopNode, LoopFrame> | undefined;
  /** The statement lists already scanned for sequences (keyed by their parent node). */
  private scanned: Set<Node> | undefined;

  constructor(
    private readonly context: RuleContext<MessageIds>,
    private readonly model: DurableObjectModel,
  ) {
    this.sourceCode = context.sourceCode;
  }

  AwaitExpression(node: TSESTree.AwaitExpression): void {
    const stmt = node.parent;
    const write = stmt.type === AST_NODE_TYPES.ExpressionStatement && stmt.expression === node ? awaitedWrite(this.model, stmt) : undefined;
    if (write) this.awaitedWriteStatement(write);
    else this.otherAwait(node);
  }

  ForOfStatement(node: TSESTree.ForOfStatement): void {
    // `for await` awaits once per iteration of every loop it runs in.
    if (node.await) this.otherAwait(node);
  }

  "Program:exit"(): void {
    if (!this.loops) return;
    for (const frame of this.loops.values()) this.checkLoop(frame);
  }

  /**
   * Reports each run of two or more awaited writes in a statement list (allocates nothing for a
   * list without one). `known` is a write of the list already analysed, not to analyse again.
   */
  private scanList(statements: Node[], known?: AwaitedWrite): void {
    let run: AwaitedWrite[] | undefined;
    let contiguous = true;
    for (const stmt of statements) {
      const write =
        stmt === known?.stmt ? known : stmt.type === AST_NODE_TYPES.ExpressionStatement ? awaitedWrite(this.model, stmt) : undefined;
      if (write) {
        (run ??= []).push(write);
      } else if (run && isNeutral(stmt, this.sourceCode)) {
        contiguous = false;
      } else if (run) {
        if (run.length >= 2) this.reportSequence(run, contiguous);
        run = undefined;
        contiguous = true;
      }
    }
    if (run && run.length >= 2) this.reportSequence(run, contiguous);
  }

  private reportSequence(run: AwaitedWrite[], contiguous: boolean): void {
    const sourceCode = this.sourceCode;
    for (const w of run) this.reported.add(w.call);
    const suggest: TSESLint.SuggestionReportDescriptor<MessageIds>[] = [];
    const removals = run.slice(0, -1).map((w) => awaitRemoval(sourceCode, w.awaitNode));
    if (removals.every((r) => r !== undefined)) {
      suggest.push({ messageId: "suggestAwaitLast", fix: (fixer) => removals.flat().map((r) => fixer.removeRange(r)) });
    }
    const batch = contiguous && !run.some((w) => w.viaHelper) ? batchText(run, sourceCode) : undefined;
    if (batch) {
      const range: [number, number] = [run[0].stmt.range[0], run[run.length - 1].stmt.range[1]];
      if (commentsIn(sourceCode, range[0], range[1]).length === 0) {
        suggest.push({
          messageId: batch.method === "put" ? "suggestBatchPut" : "suggestBatchDelete",
          fix: (fixer) => fixer.replaceTextRange(range, batch.text),
        });
      }
    }
    this.context.report({ node: run[0].awaitNode, messageId: "sequence", data: { count: String(run.length) }, suggest });
  }

  private frameOf(loop: LoopNode): LoopFrame {
    this.loops ??= new Map();
    let frame = this.loops.get(loop);
    if (!frame) {
      frame = { loop, writes: [], otherAwaits: 0 };
      this.loops.set(loop, frame);
    }
    return frame;
  }

  /**
   * An await that is not one of the counted writes: it splits the batch of every loop it runs in
   * per iteration, up to the nearest function or class (an inner loop's `fetch` runs in each outer
   * iteration too, and so does an await in an inner loop's head).
   */
  private otherAwait(node: Node): void {
    for (let p = node.parent; p && !isFunction(p) && !isClass(p); p = p.parent) {
      if (isLoop(p) && perIteration(p, node)) this.frameOf(p).otherAwaits++;
    }
  }

  /** An awaited write statement: scans its statement list once, and counts it for its innermost loop. */
  private awaitedWriteStatement(write: AwaitedWrite): void {
    const stmt = write.stmt;
    const container = stmt.parent;
    const list = statementList(stmt);
    if (list && !this.scanned?.has(container)) {
      (this.scanned ??= new Set()).add(container);
      this.scanList(list, write);
    }
    for (let p: Node | undefined = container; p && !isFunction(p) && !isClass(p); p = p.parent) {
      if (!isLoop(p)) continue;
      // A statement inside a loop (with no function or class between) is always in its body.
      if (perIteration(p, stmt)) this.frameOf(p).writes.push(write);
      else this.otherAwait(write.awaitNode);
      return;
    }
  }

  private checkLoop({ loop, writes, otherAwaits }: LoopFrame): void {
    const sourceCode = this.sourceCode;
    if (loop.type === AST_NODE_TYPES.ForOfStatement && loop.await) return;
    // Any other await in the body closes the write batch each iteration, so the writes would not
    // coalesce into one even without their own awaits: then the rule has nothing true to say.
    if (otherAwaits > 0 || writes.length === 0 || writes.some((w) => this.reported.has(w.call))) return;
    for (const w of writes) {
      const suggest: TSESLint.SuggestionReportDescriptor<MessageIds>[] = [];
      const removal = awaitRemoval(sourceCode, w.awaitNode);
      if (removal) suggest.push({ messageId: "suggestDropAwait", fix: (fixer) => removal.map((r) => fixer.removeRange(r)) });
      const collected = writes.length === 1 && !w.viaHelper ? collectText(loop, w, sourceCode) : undefined;
      if (collected) {
        suggest.push({
          messageId: w.method === "put" ? "suggestCollectPut" : "suggestCollectDelete",
          fix: (fixer) => fixer.replaceText(loop, collected),
        });
      }
      this.context.report({ node: w.awaitNode, messageId: "loop", suggest });
    }
  }
}

type LoopNode =
  TSESTree.ForStatement | TSESTree.ForInStatement | TSESTree.ForOfStatement | TSESTree.WhileStatement | TSESTree.DoWhileStatement;

interface LoopFrame {
  loop: LoopNode;
  writes: AwaitedWrite[];
  otherAwaits: number;
}

function isLoop(node: Node): node is LoopNode {
  switch (node.type) {
    case AST_NODE_TYPES.ForStatement:
    case AST_NODE_TYPES.ForInStatement:
    case AST_NODE_TYPES.ForOfStatement:
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
      return true;
    default:
      return false;
  }
}

/** Whether `node` runs once per iteration of `loop` (in its body, test or update). */
function perIteration(loop: LoopNode, node: Node): boolean {
  return within(loop.body, node) || ("test" in loop && (within(loop.test, node) || ("update" in loop && within(loop.update, node))));
}

/** A single-key write to DO storage, awaited as a statement of its own, outside an atomic callback. */
function awaitedWrite(model: DurableObjectModel, stmt: Node): AwaitedWrite | undefined {
  if (stmt.type !== AST_NODE_TYPES.ExpressionStatement || stmt.expression.type !== AST_NODE_TYPES.AwaitExpression) return undefined;
  const awaitNode = stmt.expression;
  const call = unwrap(awaitNode.argument);
  if (call.type !== AST_NODE_TYPES.CallExpression) return undefined;
  if (call.arguments.some((a) => a.type === AST_NODE_TYPES.SpreadElement || containsAwait(a, model.sourceCode.visitorKeys)))
    return undefined;
  if (atomicRegionOf(model, stmt)?.startsWith("transaction")) return undefined;
  const direct = singleKeyWrite(model, call);
  if (direct) return { stmt, awaitNode, call, ...direct, viaHelper: false };
  // `await this.save(v)`, where `save` does nothing but one single-key write (see `soleWrite`).
  if (model.handleCall(call) || !model.mayHoldHandles(call)) return undefined;
  const fn = resolveCallee(model, call);
  const write = fn && fn !== "unknown" && !fn.generator ? soleWrite(model, fn, WRITE_METHODS) : undefined;
  const inner = write && singleKeyWrite(model, write);
  return inner && { stmt, awaitNode, call, ...inner, viaHelper: true };
}

/** `storage.put(k, v)` or `storage.delete(k)` of one key. */
function singleKeyWrite(
  model: DurableObjectModel,
  call: TSESTree.CallExpression,
): { method: "put" | "delete"; receiver: TSESTree.Expression } | undefined {
  const h = model.handleCall(call, WRITE_METHODS);
  if (h?.kind !== "storage" || (h.method !== "put" && h.method !== "delete")) return undefined;
  const args = call.arguments;
  if (args.some((a) => a.type === AST_NODE_TYPES.SpreadElement)) return undefined;
  if (h.method === "put" && (args.length < 2 || args[0].type === AST_NODE_TYPES.ObjectExpression)) return undefined;
  if (h.method === "delete" && (args.length !== 1 || isKeyArray(args[0]))) return undefined;
  return { method: h.method, receiver: h.receiver };
}

/** Array methods and constructors whose result is an array: `delete(keys.slice(i, i + 128))` is already a batch. */
const ARRAY_RESULT_METHODS = new Set(["slice", "splice", "map", "filter", "concat", "flat", "flatMap", "toSorted", "toReversed"]);

/** A `delete` argument that is a list of keys: an array literal, or an array built by a built-in. */
function isKeyArray(arg: Node): boolean {
  const a = unwrap(arg);
  if (a.type === AST_NODE_TYPES.ArrayExpression) return true;
  if (a.type !== AST_NODE_TYPES.CallExpression) return false;
  const callee = unwrap(a.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed || callee.property.type !== AST_NODE_TYPES.Identifier)
    return false;
  const name = callee.property.name;
  if (ARRAY_RESULT_METHODS.has(name)) return true;
  // `Array.from(…)`, `Array.of(…)`, `Object.keys(…)`
  return (
    callee.object.type === AST_NODE_TYPES.Identifier &&
    ((callee.object.name === "Array" && (name === "from" || name === "of")) || (callee.object.name === "Object" && name === "keys"))
  );
}

/** A statement that can sit between writes without needing them finished: no await, no control flow. */
function isNeutral(stmt: Node, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  if (stmt.type !== AST_NODE_TYPES.ExpressionStatement && stmt.type !== AST_NODE_TYPES.VariableDeclaration) return false;
  if (stmt.type === AST_NODE_TYPES.VariableDeclaration && stmt.kind !== "const" && stmt.kind !== "let") return false;
  return !containsAwait(stmt, sourceCode.visitorKeys);
}

function keyText(key: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>): string {
  if (key.type === AST_NODE_TYPES.Literal && typeof key.value === "string") return key.raw;
  return `[${sourceCode.getText(key)}]`;
}

/** `await s.put({ a: 1, [k]: v });` or `await s.delete([a, b]);` for a contiguous run on one receiver. */
function batchText(run: AwaitedWrite[], sourceCode: Readonly<TSESLint.SourceCode>): { method: "put" | "delete"; text: string } | undefined {
  const method = run[0].method;
  const receiver = sourceCode.getText(run[0].receiver);
  if (run.some((w) => w.method !== method || sourceCode.getText(w.receiver) !== receiver)) return undefined;
  if (method === "put") {
    if (run.some((w) => w.call.arguments.length !== 2)) return undefined;
    const entries = run.map((w) => `${keyText(w.call.arguments[0], sourceCode)}: ${sourceCode.getText(w.call.arguments[1])}`);
    return { method, text: `await ${receiver}.put({ ${entries.join(", ")} });` };
  }
  const keys = run.map((w) => sourceCode.getText(w.call.arguments[0]));
  return { method, text: `await ${receiver}.delete([${keys.join(", ")}]);` };
}

/**
 * `for (const x of xs) await s.put(k(x), v(x))` → `await s.put(Object.fromEntries(Array.from(xs, (x) => [k(x), v(x)])));`
 * Only for a `for…of` whose body is that one write.
 */
function collectText(loop: Node, w: AwaitedWrite, sourceCode: Readonly<TSESLint.SourceCode>): string | undefined {
  if (loop.type !== AST_NODE_TYPES.ForOfStatement || loop.left.type !== AST_NODE_TYPES.VariableDeclaration) return undefined;
  if (loop.left.declarations.length !== 1) return undefined;
  const body = loop.body;
  const only = body.type === AST_NODE_TYPES.BlockStatement ? (body.body.length === 1 ? body.body[0] : undefined) : body;
  if (only !== w.stmt || sourceCode.getCommentsInside(loop).length > 0) return undefined;
  const param = sourceCode.getText(loop.left.declarations[0].id);
  const iter = sourceCode.getText(loop.right);
  const receiver = sourceCode.getText(w.receiver);
  const [k, v] = w.call.arguments;
  if (w.method === "put") {
    if (w.call.arguments.length !== 2) return undefined;
    return `await ${receiver}.put(Object.fromEntries(Array.from(${iter}, (${param}) => [${sourceCode.getText(k)}, ${sourceCode.getText(v)}])));`;
  }
  return `await ${receiver}.delete(Array.from(${iter}, (${param}) => ${sourceCode.getText(k)}));`;
}
