import { AST_NODE_TYPES, type TSESLint, type TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../src/rule-kit.js";
import { type Node, commentsIn, containsAwait, indentOf, statementList, unwrap } from "../src/analysis/ast.js";
import { wrapStatements } from "../src/analysis/fix.js";
import { type SqlStatement, type StatementKind, statementKind } from "../src/analysis/sql.js";
import { type SqlRun, sqlRuns } from "../src/analysis/sql-source.js";

type MessageIds = "pair" | "statement" | "suggestTransactionSync";

const TRANSACTION_KINDS = new Set<StatementKind>(["begin", "commit", "end", "rollback", "savepoint", "release"]);
export const RUNTIME_ERROR =
  "To execute a transaction, please use the state.storage.transaction() or state.storage.transactionSync() APIs instead of the SQL BEGIN TRANSACTION or SAVEPOINT statements.";

interface Found {
  run: SqlRun;
  stmt: SqlStatement;
  kind: StatementKind;
  /** The `exec(…)` call (or tagged template) as a whole statement whose SQL is this one statement. */
  alone: TSESTree.ExpressionStatement | undefined;
}

export default createRule<[], MessageIds>({
  name: "no-sql-transaction-statements",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow `BEGIN`/`COMMIT`/`ROLLBACK`/`SAVEPOINT` in Durable Object SQL, which throw",
      recommended: "error",
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      pair:
        "`{{statement}}` … `{{closing}}` (line {{closingLine}}) throws: Durable Object SQLite allows no transaction statements. " +
        "Run what is between in `storage.transactionSync(() => { … })`.",
      statement:
        "`{{statement}}` throws: Durable Object SQLite allows no transaction statements. " +
        "Put the writes in `storage.transactionSync(() => { … })` or `storage.transaction()`.",
      suggestTransactionSync: "Run the statements in `{{storage}}.transactionSync(() => { … })`",
    },
  },
  // SQL runs through `exec()` or a `sql` tagged template: a file with neither word has none.
  mentions: [["exec", "sql"]],
  create(context, model) {
    const sourceCode = context.sourceCode;

    function report(
      f: Found,
      extra?: { messageId: "pair"; closing: Found; suggest: TSESLint.SuggestionReportDescriptor<MessageIds>[] },
    ): void {
      context.report({
        loc: f.run.loc(f.stmt.start, f.stmt.end),
        messageId: extra?.messageId ?? "statement",
        data: {
          statement: describe(f.stmt),
          closing: extra ? describe(extra.closing.stmt) : "",
          closingLine: extra ? String(extra.closing.run.node.loc.start.line) : "",
        },
        suggest: extra?.suggest ?? [],
      });
    }

    const runs = sqlRuns(model);
    return {
      "Program:exit"() {
        const found: Found[] = [];
        for (const run of runs.all()) {
          for (const stmt of run.statements) {
            const kind = statementKind(stmt);
            if (!TRANSACTION_KINDS.has(kind)) continue;
            const parent = run.node.parent;
            const alone =
              run.statements.length === 1 && parent?.type === AST_NODE_TYPES.ExpressionStatement && parent.expression === run.node
                ? parent
                : undefined;
            found.push({ run, stmt, kind, alone });
          }
        }
        const byStatement = new Map<Node, Found>();
        for (const f of found) if (f.alone) byStatement.set(f.alone, f);
        const paired = new Set<Found>();
        for (const f of found) {
          if (f.kind !== "begin" || !f.alone || paired.has(f)) continue;
          const pair = findClosing(f, byStatement);
          if (!pair) continue;
          paired.add(f);
          for (const p of pair.consumed) paired.add(p);
          const storage = model.storageTextFor(receiverOf(f.run), f.run.node);
          const fix = storage ? transactionSyncFix(sourceCode, f, pair, storage) : undefined;
          report(f, {
            messageId: "pair",
            closing: pair.closing,
            suggest: fix ? [{ messageId: "suggestTransactionSync", data: { storage }, fix }] : [],
          });
        }
        for (const f of found) if (!paired.has(f)) report(f);
      },
    };
  },
});

/** What runs the SQL: `exec`'s receiver (a SQL handle), or the object whose `sql` tag it is. */
function receiverOf(run: SqlRun): Node {
  const callee = run.node.type === AST_NODE_TYPES.CallExpression ? run.node.callee : run.node.tag;
  return (unwrap(callee) as TSESTree.MemberExpression).object;
}

/** `BEGIN TRANSACTION`, `ROLLBACK TO sp`: the statement's first words. */
function describe(stmt: SqlStatement): string {
  return stmt.tokens
    .slice(0, 3)
    .map((t) => t.text)
    .join(" ");
}

interface Closing {
  closing: Found;
  /** Statements of the BEGIN's block that the transaction body spans (after BEGIN, before the closing). */
  body: Node[];
  /** The last statement replaced (the COMMIT statement, or the whole try statement). */
  last: Node;
  /** Findings the suggestion removes besides the BEGIN (COMMIT, ROLLBACK). */
  consumed: Found[];
}

/**
 * The `COMMIT`/`END` that closes a lone `exec("BEGIN")` statement in the same block: either a later
 * lone statement, or the last statement of a `try` right after it whose `catch` starts with a lone
 * `ROLLBACK` and then rethrows.
 */
function findClosing(begin: Found, lone: Map<Node, Found>): Closing | undefined {
  const list = statementList(begin.alone!);
  if (!list) return undefined;
  const start = list.indexOf(begin.alone!);
  for (let i = start + 1; i < list.length; i++) {
    const f = lone.get(list[i]);
    if (f?.kind === "commit" || f?.kind === "end") return { closing: f, body: list.slice(start + 1, i), last: list[i], consumed: [f] };
    if (f) return undefined; // another BEGIN, ROLLBACK or SAVEPOINT first: not a simple pair
    const t = list[i];
    if (t.type === AST_NODE_TYPES.TryStatement && i === start + 1 && t.handler && !t.finalizer) {
      const block = t.block.body;
      const commit = block.length > 0 ? lone.get(block[block.length - 1]) : undefined;
      const handler = t.handler.body.body;
      const rollback = handler.length > 0 ? lone.get(handler[0]) : undefined;
      if ((commit?.kind === "commit" || commit?.kind === "end") && rollback?.kind === "rollback" && rethrows(t.handler, handler.slice(1))) {
        return { closing: commit, body: block.slice(0, -1), last: t, consumed: [commit, rollback] };
      }
    }
  }
  return undefined;
}

/** `catch (e) { throw e; }` — what remains of the handler once `ROLLBACK` is gone. */
function rethrows(handler: TSESTree.CatchClause, rest: Node[]): boolean {
  if (rest.length !== 1 || rest[0].type !== AST_NODE_TYPES.ThrowStatement) return false;
  const thrown = rest[0].argument;
  return (
    handler.param?.type === AST_NODE_TYPES.Identifier && thrown.type === AST_NODE_TYPES.Identifier && thrown.name === handler.param.name
  );
}

function transactionSyncFix(
  sourceCode: Readonly<TSESLint.SourceCode>,
  begin: Found,
  closing: Closing,
  storage: string,
): TSESLint.ReportFixFunction | undefined {
  if (closing.body.length === 0 || closing.body.some((s) => containsAwait(s, sourceCode.visitorKeys))) return undefined;
  const range: [number, number] = [begin.alone!.range[0], closing.last.range[1]];
  // Comments between BEGIN and the body, or between the body and COMMIT, would be dropped.
  const bodyRange: [number, number] = [closing.body[0].range[0], closing.body[closing.body.length - 1].range[1]];
  const comments = commentsIn(sourceCode, range[0], range[1]);
  if (comments.some((c) => c.range[0] < bodyRange[0] || c.range[1] > bodyRange[1])) return undefined;
  const built = wrapStatements(
    sourceCode,
    closing.body,
    `${storage}.transactionSync(() => {`,
    range,
    indentOf(sourceCode.text, begin.alone!),
  );
  return built && ((fixer) => fixer.replaceTextRange(built.range, built.text));
}
