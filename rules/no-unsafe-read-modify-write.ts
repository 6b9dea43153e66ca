import { AST_NODE_TYPES, type TSESLint } from "@typescript-eslint/utils";
import { createRule } from "../src/rule-kit.js";
import { moveAwaitBefore, wrapInBlockConcurrencyWhile } from "../src/analysis/fix.js";
import { describeAwait } from "../src/analysis/gate.js";
import { STALE_READ_LISTENERS, StaleReadTracker, type StaleWrite } from "../src/analysis/stale-reads.js";

type MessageIds =
  | "staleKey"
  | "staleRow"
  | "staleKeyHelper"
  | "staleRowHelper"
  | "staleCheck"
  | "staleRowCheck"
  | "suggestMoveAwait"
  | "suggestBlockConcurrency";

export default createRule<[], MessageIds, StaleReadTracker>({
  name: "no-unsafe-read-modify-write",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow writing back a value read from Durable Object storage after an `await` that lets other requests in",
      recommended: "error",
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      staleKey:
        "Lost update: the value of {{key}} read here is written back on line {{writeLine}}, after `{{awaited}}` (line {{awaitLine}}) lets other requests in. " +
        "Read after the await, or use `blockConcurrencyWhile`.",
      staleRow:
        "Lost update: rows of `{{table}}` read here are written back on line {{writeLine}}, after `{{awaited}}` (line {{awaitLine}}) lets other requests in. " +
        "Compute the new value in SQL, or read after the await.",
      staleKeyHelper:
        "Lost update: {{reader}} reads {{key}}, `{{awaited}}` (line {{awaitLine}}) lets other requests in, then {{writer}} (line {{writeLine}}) writes it back. " +
        "Read after the await, or use `blockConcurrencyWhile`.",
      staleRowHelper:
        "Lost update: {{reader}} reads rows of `{{table}}`, `{{awaited}}` (line {{awaitLine}}) lets other requests in, then {{writer}} (line {{writeLine}}) writes them back. " +
        "Compute it in SQL, or read after the await.",
      staleCheck:
        "Stale check: {{key}} read here decides the write on line {{writeLine}}, but `{{awaited}}` (line {{awaitLine}}) lets others pass the same check first. " +
        "Re-check after it, or use `blockConcurrencyWhile`.",
      staleRowCheck:
        "Stale check: {{columns}} of `{{table}}` read here decides the write on line {{writeLine}}, but `{{awaited}}` (line {{awaitLine}}) lets others pass it first. " +
        "Re-test it in the write's `WHERE`, or claim the row before.",
      suggestMoveAwait: "Move `{{awaited}}` before the read",
      suggestBlockConcurrency: "Wrap the read and the write in `blockConcurrencyWhile` (no other event reaches the object while it waits)",
    },
  },
  // The gate opens only at an `await` (or `for await`): a file without the word has no lost update to show.
  mentions: ["await"],
  listen: STALE_READ_LISTENERS,
  create(context, model) {
    const sourceCode = context.sourceCode;
    return new StaleReadTracker(model, sourceCode, ({ read, write, writeVia, target, opener, kind, columns }: StaleWrite) => {
      const awaited = opener.type === AST_NODE_TYPES.AwaitExpression ? `await ${describeAwait(sourceCode.text, opener)}` : "for await (…)";
      const data = {
        key: read.key ? (read.via ? target : sourceCode.getText(read.node.arguments[0])) : "",
        table: read.tables?.join("`, `") ?? "",
        columns: columns?.map((c) => `\`${c}\``).join(", ") ?? "",
        writeLine: String(write.loc.start.line),
        awaitLine: String(opener.loc.start.line),
        awaited,
        reader: read.via ? `\`${read.via}\`` : read.key ? "the `get`" : "the `SELECT`",
        writer: writeVia ? `\`${writeVia}\`` : read.key ? "the `put`" : "the `exec`",
      };
      const viaHelper = read.via !== undefined || writeVia !== undefined;
      const suggest: TSESLint.SuggestionReportDescriptor<MessageIds>[] = [];
      // Moving the await before the read would run it even when the check fails: only for lost updates.
      const move =
        kind === "value" && opener.type === AST_NODE_TYPES.AwaitExpression && moveAwaitBefore(sourceCode, opener, read.node, write);
      if (move) suggest.push({ messageId: "suggestMoveAwait", data, fix: move });
      const state = model.stateTextFor(read.receiver, read.node);
      const wrap = state && wrapInBlockConcurrencyWhile(sourceCode, state, read.node, write, kind === "check");
      if (wrap) suggest.push({ messageId: "suggestBlockConcurrency", data, fix: wrap });
      const messageId =
        kind === "check"
          ? read.key
            ? "staleCheck"
            : "staleRowCheck"
          : read.key
            ? viaHelper
              ? "staleKeyHelper"
              : "staleKey"
            : viaHelper
              ? "staleRowHelper"
              : "staleRow";
      context.report({ node: read.node, messageId, data, suggest });
    });
  },
});
