import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import type { RuleContext } from "../src/create-rule.js";
import { createRule } from "../src/rule-kit.js";
import {
  type LoopNode,
  type Node,
  commentsIn,
  containsAwait,
  isClass,
  isFunction,
  isLoop,
  runsPerIteration,
  statementList,
  unwrap,
  walk,
} from "../src/analysis/ast.js";
import { atomicRegionOf } from "../src/analysis/regions.js";
import { resolveCallee } from "../src/analysis/callees.js";
import type { DurableObjectModel } from "../src/analysis/storage.js";
import { KEY_WRITE_METHODS, type SingleKeyWrite, singleKeyWrite } from "../src/analysis/storage-access.js";
import { soleWrite } from "../src/analysis/summaries.js";
import { batchedWriteText, collectedWriteText, storageRead, transactionText } from "../src/analysis/write-batch.js";

type MessageIds =
  "sequence" | "loop" | "suggestBatchPut" | "suggestBatchDelete" | "suggestTransaction" | "suggestCollectPut" | "suggestCollectDelete";

/** `await storage.put(k, v)` / `await storage.delete(k)` as a whole statement, or `await this.save(v)` of a helper that only writes. */
interface AwaitedWrite extends SingleKeyWrite {
  stmt: TSESTree.ExpressionStatement;
  awaitNode: TSESTree.AwaitExpression;
  /** Through a helper (`call` is the helper call): only the `await` can move, the write's arguments are the helper's. */
  viaHelper: boolean;
}

export default createRule<[], MessageIds, CoalescedWrites>({
  name: "prefer-coalesced-writes",
  meta: {
    type: "suggestion",
    docs: {
      description: "Prefer one storage call or one transaction over a sequence of awaited writes that a failure can leave half done",
      recommended: "warn",
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      sequence:
        "If one of these {{count}} writes fails, the ones before it stay stored. " +
        "Write them with one `put({ … })`, `delete([ … ])` or `transaction()`.",
      loop:
        "If this write fails in one iteration, the earlier iterations' writes stay stored. " +
        "Write every entry with one call, to store all or nothing.",
      suggestBatchPut: "Write them with one `put({ … })`",
      suggestBatchDelete: "Delete them with one `delete([ … ])`",
      suggestTransaction: "Run them in one `transaction()`, which stores all or nothing",
      suggestCollectPut: "Collect the entries and write them with one `put(…)`",
      suggestCollectDelete: "Collect the keys and delete them with one `delete(…)`",
    },
  },
  // Only awaits matter: a sequence or a loop is reported for an awaited write, and is spoilt by
  // another await (so a file without the word has nothing to report). Everything else is found
  // from the await's ancestors, so no listener runs on the frequent node types (blocks,
  // statements, functions, loops).
  mentions: ["await"],
  listen: ["AwaitExpression", "ForOfStatement", "Program:exit"],
  create: (context, model) => new CoalescedWrites(context, model),
});

/** One file's awaited writes and the loops they run in (its listeners are methods: see `listen`). */
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
   * list without one). Between the writes may stand statements that do not await (`contiguous`
   * is then false) and declarations that await only reads of storage (`const b = (await
   * storage.get(k)) ?? 0`), which keep the writes in one batch (tests/runtime/write-batches.test.ts).
   * `known` is a write of the list already analysed, not to analyse again.
   */
  private scanList(statements: Node[], known?: AwaitedWrite): void {
    let run: AwaitedWrite[] | undefined;
    let contiguous = true;
    for (const stmt of statements) {
      const write =
        stmt === known?.stmt ? known : stmt.type === AST_NODE_TYPES.ExpressionStatement ? awaitedWrite(this.model, stmt) : undefined;
      if (write) {
        (run ??= []).push(write);
      } else if (run && (isNeutral(stmt, this.sourceCode) || this.readsStorageOnly(stmt))) {
        contiguous = false;
      } else if (run) {
        if (run.length >= 2) this.reportSequence(run, contiguous, statements);
        run = undefined;
        contiguous = true;
      }
    }
    if (run && run.length >= 2) this.reportSequence(run, contiguous, statements);
  }

  private reportSequence(run: AwaitedWrite[], contiguous: boolean, statements: Node[]): void {
    const sourceCode = this.sourceCode;
    for (const w of run) this.reported.add(w.call);
    const suggest: TSESLint.SuggestionReportDescriptor<MessageIds>[] = [];
    const range: [number, number] = [run[0].stmt.range[0], run[run.length - 1].stmt.range[1]];
    const batch = contiguous && !run.some((w) => w.viaHelper) ? batchedWriteText(run, sourceCode) : undefined;
    if (batch && commentsIn(sourceCode, range[0], range[1]).length === 0) {
      suggest.push({
        messageId: batch.method === "put" ? "suggestBatchPut" : "suggestBatchDelete",
        fix: (fixer) => fixer.replaceTextRange(range, batch.text),
      });
    } else {
      const span = statements.slice(statements.indexOf(run[0].stmt), statements.indexOf(run[run.length - 1].stmt) + 1);
      const txn = transactionText(this.model, span, run);
      if (txn) suggest.push({ messageId: "suggestTransaction", fix: (fixer) => fixer.replaceTextRange(txn.range, txn.text) });
    }
    this.context.report({ node: run[0].awaitNode, messageId: "sequence", data: { count: String(run.length) }, suggest });
  }

  /** `const b = (await storage.get(k)) ?? 0`: a declaration or expression whose every `await` is of a read of this object's storage. */
  private readsStorageOnly(stmt: Node): boolean {
    if (stmt.type === AST_NODE_TYPES.VariableDeclaration ? stmt.kind === "var" : stmt.type !== AST_NODE_TYPES.ExpressionStatement)
      return false;
    let reads = 0;
    let other = false;
    walk(stmt, this.sourceCode.visitorKeys, (n) => {
      if (other || isFunction(n) || isClass(n)) return false;
      if (n.type === AST_NODE_TYPES.AwaitExpression) {
        const call = unwrap(n.argument);
        if (call.type === AST_NODE_TYPES.CallExpression && storageRead(this.model, call)) reads++;
        else other = true;
      }
      return true;
    });
    return reads > 0 && !other;
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
      if (isLoop(p) && runsPerIteration(p, node)) this.frameOf(p).otherAwaits++;
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
      if (runsPerIteration(p, stmt)) this.frameOf(p).writes.push(write);
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
      const collected = writes.length === 1 && !w.viaHelper ? collectedWriteText(loop, w.stmt, w, sourceCode) : undefined;
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

interface LoopFrame {
  loop: LoopNode;
  writes: AwaitedWrite[];
  otherAwaits: number;
}

/** A single-key write to DO storage, awaited as a statement of its own, outside an atomic callback. */
function awaitedWrite(model: DurableObjectModel, stmt: Node): AwaitedWrite | undefined {
  if (stmt.type !== AST_NODE_TYPES.ExpressionStatement || stmt.expression.type !== AST_NODE_TYPES.AwaitExpression) return undefined;
  const awaitNode = stmt.expression;
  const call = unwrap(awaitNode.argument);
  if (call.type !== AST_NODE_TYPES.CallExpression) return undefined;
  // What the call writes first (most awaited calls write nothing), then whether it is one write of its own.
  const found = writeOf(model, call);
  if (!found) return undefined;
  if (call.arguments.some((a) => a.type === AST_NODE_TYPES.SpreadElement || containsAwait(a, model.sourceCode.visitorKeys)))
    return undefined;
  if (atomicRegionOf(model, stmt)?.startsWith("transaction")) return undefined;
  return { stmt, awaitNode, ...found };
}

/** The single-key write `call` makes: itself, or (`await this.save(v)`) a helper that does nothing but that write (see `soleWrite`). */
function writeOf(model: DurableObjectModel, call: TSESTree.CallExpression): Omit<AwaitedWrite, "stmt" | "awaitNode"> | undefined {
  const direct = singleKeyWrite(model, call);
  if (direct) return { ...direct, viaHelper: false };
  if (model.handleCall(call) || !model.mayHoldHandles(call)) return undefined;
  const fn = resolveCallee(model, call);
  const write = fn && fn !== "unknown" && !fn.generator ? soleWrite(model, fn, KEY_WRITE_METHODS) : undefined;
  const inner = write && singleKeyWrite(model, write);
  return inner && { ...inner, call, viaHelper: true };
}

/** A statement that can sit between writes without needing them finished: no await, no control flow. */
function isNeutral(stmt: Node, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  if (stmt.type !== AST_NODE_TYPES.ExpressionStatement && stmt.type !== AST_NODE_TYPES.VariableDeclaration) return false;
  if (stmt.type === AST_NODE_TYPES.VariableDeclaration && stmt.kind !== "const" && stmt.kind !== "let") return false;
  return !containsAwait(stmt, sourceCode.visitorKeys);
}
