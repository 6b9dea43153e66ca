import type { TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../src/create-rule.js";
import { mergeListeners } from "../src/analysis/listeners.js";
import { ALLOWED_PRAGMAS, type Denial, deniedStatement } from "../src/analysis/sql-authorizer.js";
import type { PragmaInfo } from "../src/analysis/sql.js";
import { sourceRange } from "../src/analysis/sql-text.js";
import { getModel } from "../src/analysis/storage.js";

const THROWS = "throws `Error: not authorized: SQLITE_AUTH` on Durable Object SQLite, so this `exec()` fails every time";

/** Settings of the storage engine, which the runtime owns. */
const ENGINE_SETTINGS: ReadonlySet<string> = new Set([
  "auto_vacuum",
  "busy_timeout",
  "cache_size",
  "cache_spill",
  "checkpoint_fullfsync",
  "fullfsync",
  "hard_heap_limit",
  "incremental_vacuum",
  "journal_mode",
  "journal_size_limit",
  "locking_mode",
  "max_page_count",
  "mmap_size",
  "page_size",
  "secure_delete",
  "shrink_memory",
  "soft_heap_limit",
  "synchronous",
  "temp_store",
  "threads",
  "wal_autocheckpoint",
  "wal_checkpoint",
]);

/** What to do instead, for the PRAGMAs that have an answer; otherwise remove it. */
function advice(name: string): string {
  if (name === "integrity_check") {
    return "To check the database for corruption, use `PRAGMA quick_check`, which is allowed (it skips the UNIQUE and index-content checks, and its result column is named `quick_check`).";
  }
  if (name === "page_count") return "For the database's size, read `ctx.storage.sql.databaseSize` (in bytes) instead.";
  if (name === "schema_version") return "To track schema versions, record them as rows of a `_sql_schema_migrations` table instead.";
  if (ENGINE_SETTINGS.has(name)) {
    return "The runtime manages journaling, caching, locking and durability itself, and code cannot change these settings: remove the statement.";
  }
  return "Remove the statement.";
}

/** `journal_mode`, `journal_mode = …` or `journal_mode(…)`, with the name as written (unquoted). */
function pragmaText(pragma: PragmaInfo): string {
  const t = pragma.nameToken;
  const name = t.type === "word" ? t.text : t.value;
  return pragma.form === "assign" ? `${name} = …` : pragma.form === "call" ? `${name}(…)` : name;
}

export default createRule({
  name: "no-unsupported-pragma",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow PRAGMAs, `ATTACH`/`DETACH` and `_cf_` names in Durable Object SQL, which throw `SQLITE_AUTH`",
      recommended: "error",
    },
    schema: [],
    messages: {
      pragma: `\`PRAGMA {{pragma}}\` ${THROWS}. {{advice}} Durable Objects allow only these PRAGMAs: ${ALLOWED_PRAGMAS.join(", ")}.`,
      attach:
        `\`ATTACH\` ${THROWS}: a Durable Object has exactly one database and cannot open another. ` +
        "Keep the data in this object's own tables, or ask the Durable Object that owns it through its stub.",
      detach: `\`DETACH\` ${THROWS}: no other database can be attached, so there is nothing to detach. Remove the statement.`,
      reservedName:
        `\`{{statement}}\` naming \`{{name}}\` ${THROWS}: names starting with \`_cf_\` (in any letter case) are reserved for the runtime's own tables. ` +
        "Use a name that does not start with `_cf_`.",
    },
  },
  create(context) {
    const model = getModel(context);
    if (!model.hasRegions) return {};
    const sourceCode = context.sourceCode;

    function check(node: TSESTree.CallExpression): void {
      const sql = model.execSql(node);
      if (!sql) return;
      const arg = node.arguments[0];
      for (const stmt of sql.statements) {
        const denial = deniedStatement(stmt);
        // `PRAGMA user_version` is `no-pragma-user-version`'s, which also offers the replacement.
        if (!denial || (denial.kind === "pragma" && denial.pragma.name === "user_version")) continue;
        const range = sourceRange(sql, stmt.start, stmt.end);
        const loc = range ? { start: sourceCode.getLocFromIndex(range[0]), end: sourceCode.getLocFromIndex(range[1]) } : arg.loc;
        context.report({ loc, ...message(denial) });
      }
    }

    const calls = model.calls(["exec"]);
    return mergeListeners(calls.listeners, {
      "Program:exit"() {
        for (const node of calls.of("exec")) check(node);
      },
    });
  },
});

function message(
  denial: Denial,
):
  | { messageId: "pragma"; data: { pragma: string; advice: string } }
  | { messageId: "attach" | "detach" }
  | { messageId: "reservedName"; data: { statement: string; name: string } } {
  switch (denial.kind) {
    case "pragma":
      return { messageId: "pragma", data: { pragma: pragmaText(denial.pragma), advice: advice(denial.pragma.name) } };
    case "attach":
    case "detach":
      return { messageId: denial.kind };
    case "reserved-name":
      return { messageId: "reservedName", data: { statement: denial.statement, name: denial.name } };
  }
}
