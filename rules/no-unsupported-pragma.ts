import { createRule } from "../src/rule-kit.js";
import { type Denial, deniedStatement } from "../src/analysis/sql-authorizer.js";
import type { PragmaInfo } from "../src/analysis/sql.js";
import { sqlRuns } from "../src/analysis/sql-source.js";

const THROWS = "throws `SQLITE_AUTH` on Durable Object SQLite";

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
    return "Use `PRAGMA quick_check`, which is allowed, to check for corruption.";
  }
  if (name === "page_count") return "Read `ctx.storage.sql.databaseSize` (in bytes) instead.";
  if (name === "schema_version") return "Record schema versions as rows of a `_sql_schema_migrations` table.";
  if (ENGINE_SETTINGS.has(name)) {
    return "The runtime owns this setting: remove the statement.";
  }
  return "Remove it; the rule's docs list the PRAGMAs that are allowed.";
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
      pragma: `\`PRAGMA {{pragma}}\` ${THROWS}. {{advice}}`,
      attach: `\`ATTACH\` ${THROWS}: an object has one database. Keep the data in its tables, or ask the object that owns it.`,
      detach: `\`DETACH\` ${THROWS}: no other database can be attached. Remove the statement.`,
      reservedName: `\`{{statement}}\` naming \`{{name}}\` ${THROWS}: names starting with \`_cf_\` (any case) belong to the runtime. Choose another name.`,
    },
  },
  // SQL runs through `exec()` or a `sql` tagged template: a file with neither word has none.
  mentions: [["exec", "sql"]],
  create(context, model) {
    const runs = sqlRuns(model);
    return {
      "Program:exit"() {
        for (const run of runs.all()) {
          for (const stmt of run.statements) {
            const denial = deniedStatement(stmt);
            // `PRAGMA user_version` is `no-pragma-user-version`'s, which also offers the replacement.
            if (!denial || (denial.kind === "pragma" && denial.pragma.name === "user_version")) continue;
            context.report({ loc: run.loc(stmt.start, stmt.end), ...message(denial) });
          }
        }
      },
    };
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
