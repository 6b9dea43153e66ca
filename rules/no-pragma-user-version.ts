import type { TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../src/rule-kit.js";
import { type ClassNode, isClass } from "../src/analysis/ast.js";
import { DYNAMIC, pragmaInfo, statementKind, writtenTable, type PragmaInfo, type SqlStatement } from "../src/analysis/sql.js";
import { type StaticSql, sourceRange, sqlLoc } from "../src/analysis/sql-text.js";

export const MIGRATIONS_TABLE = "_sql_schema_migrations";
/** Quote-free, so it can go into any kind of string literal unescaped. */
export const CREATE_MIGRATIONS = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (id INTEGER PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)`;
export const READ_VERSION = `SELECT COALESCE(MAX(id), 0) AS user_version FROM ${MIGRATIONS_TABLE}`;

interface Finding {
  call: TSESTree.CallExpression;
  sql: StaticSql;
  stmt: SqlStatement;
  pragma: PragmaInfo;
}

export default createRule({
  name: "no-pragma-user-version",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow `PRAGMA user_version` in Durable Object SQL, which throws `SQLITE_AUTH`",
      recommended: "error",
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      read:
        "`PRAGMA user_version` throws `SQLITE_AUTH` on Durable Object SQLite, so this read always fails. " +
        "Read the version from a `_sql_schema_migrations` table.",
      write:
        "`PRAGMA user_version = …` throws `SQLITE_AUTH` on Durable Object SQLite, so the version is never recorded. " +
        "Insert it into `_sql_schema_migrations` instead.",
      suggestRead: "Read the version from `_sql_schema_migrations`{{creating}}",
      suggestWrite: "Record version {{version}} in `_sql_schema_migrations`{{creating}}",
    },
  },
  create(context, model) {
    const sourceCode = context.sourceCode;
    const findings: Finding[] = [];
    /** Each Durable Object class has its own database: where the migrations table is created, by class (or `null` outside classes). */
    const createsTable = new Set<ClassNode | null>();

    function collect(node: TSESTree.CallExpression): void {
      const sql = model.execSql(node);
      if (!sql) return;
      for (const stmt of sql.statements) {
        if (statementKind(stmt) === "create" && writtenTable(stmt) === MIGRATIONS_TABLE) createsTable.add(ownerClass(node));
        const pragma = pragmaInfo(stmt);
        if (pragma?.name === "user_version") {
          findings.push({ call: node, sql, stmt, pragma });
        }
      }
    }

    const calls = model.calls(["exec"]);
    return {
      "Program:exit"() {
        for (const node of calls.of("exec")) collect(node);
        for (const { call, sql, stmt, pragma } of findings) {
          // Each suggestion stands alone: unless this class already creates the table, it creates it first
          // (one `exec` runs every statement and returns the last one's rows).
          const created = createsTable.has(ownerClass(call));
          const prefix = created ? "" : `${CREATE_MIGRATIONS}; `;
          const creating = created ? "" : " (created if missing)";
          const range = sourceRange(sql, stmt.start, stmt.end);
          const loc = sqlLoc(sql, stmt.start, stmt.end, sourceCode);
          const hasBindings = call.arguments.length > 1;
          if (pragma.form === "read") {
            context.report({
              loc,
              messageId: "read",
              suggest:
                range && !hasBindings
                  ? [{ messageId: "suggestRead", data: { creating }, fix: (f) => f.replaceTextRange(range, prefix + READ_VERSION) }]
                  : [],
            });
            continue;
          }
          const value = versionText(sql, pragma, sourceCode.text);
          context.report({
            loc,
            messageId: "write",
            suggest:
              range && value !== undefined
                ? [
                    {
                      messageId: "suggestWrite",
                      data: { version: value, creating },
                      fix: (f) => f.replaceTextRange(range, `${prefix}INSERT INTO ${MIGRATIONS_TABLE} (id) VALUES (${value})`),
                    },
                  ]
                : [],
          });
        }
      },
    };
  },
});

/** The class a call sits in (its storage is that class's), or null outside any class. */
function ownerClass(node: TSESTree.Node): ClassNode | null {
  for (let n = node.parent; n; n = n.parent) if (isClass(n)) return n;
  return null;
}

/** The source text of the assigned version: a number, a `?` parameter, or a `${…}` placeholder. */
function versionText(sql: StaticSql, pragma: PragmaInfo, sourceText: string): string | undefined {
  if (pragma.valueTokens.length !== 1) return undefined;
  const t = pragma.valueTokens[0];
  if (t.type === "number" || t.type === "param") return t.text;
  if (t.type === "dynamic" && t.text === DYNAMIC) {
    const r = sourceRange(sql, t.start, t.end);
    return r ? sourceText.slice(r[0], r[1]) : undefined;
  }
  return undefined;
}
