import { createRule } from "../src/rule-kit.js";
import { type ClassNode, type Node, isClass } from "../src/analysis/ast.js";
import {
  DYNAMIC,
  pragmaInfo,
  statementKind,
  writtenTable,
  type PragmaInfo,
  type SqlStatement,
  type SqlToken,
} from "../src/analysis/sql.js";
import { type SqlRun, sqlRuns } from "../src/analysis/sql-source.js";

export const MIGRATIONS_TABLE = "_sql_schema_migrations";
/** Quote-free, so it can go into any kind of string literal unescaped. */
export const CREATE_MIGRATIONS = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (id INTEGER PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)`;
export const READ_VERSION = `SELECT COALESCE(MAX(id), 0) AS user_version FROM ${MIGRATIONS_TABLE}`;

interface Finding {
  run: SqlRun;
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
  // The statement is written in the file's SQL, in one of the usual spellings of the keyword.
  mentions: [["PRAGMA", "pragma", "Pragma"]],
  create(context, model) {
    const sourceCode = context.sourceCode;
    const runs = sqlRuns(model);
    return {
      "Program:exit"() {
        const findings: Finding[] = [];
        /** Each Durable Object class has its own database: where the migrations table is created, by class (or `null` outside classes). */
        const createsTable = new Set<ClassNode | null>();
        for (const run of runs.all()) {
          for (const stmt of run.statements) {
            if (statementKind(stmt) === "create" && writtenTable(stmt) === MIGRATIONS_TABLE) createsTable.add(ownerClass(run.node));
            const pragma = pragmaInfo(stmt);
            if (pragma?.name === "user_version") findings.push({ run, stmt, pragma });
          }
        }
        for (const { run, stmt, pragma } of findings) {
          // Each suggestion stands alone: unless this class already creates the table, it creates it first
          // (one `exec` runs every statement and returns the last one's rows).
          const created = createsTable.has(ownerClass(run.node));
          const prefix = created ? "" : `${CREATE_MIGRATIONS}; `;
          const creating = created ? "" : " (created if missing)";
          const range = run.range(stmt.start, stmt.end);
          const loc = run.loc(stmt.start, stmt.end);
          const hasBindings = run.bindings.length > 0;
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
          const write = versionWrite(run, stmt, pragma, sourceCode.text);
          context.report({
            loc,
            messageId: "write",
            suggest: write
              ? [
                  {
                    messageId: "suggestWrite",
                    data: { version: write.version, creating },
                    fix: (f) => {
                      const insert = `${prefix}INSERT INTO ${MIGRATIONS_TABLE} (id) VALUES (`;
                      // A tagged template's `${…}` stays where it is, bound: the text around it changes.
                      return write.placeholder
                        ? [f.replaceTextRange(write.head, insert), f.insertTextAfterRange(write.placeholder, ")")]
                        : f.replaceTextRange(write.head, `${insert}${write.version})`);
                    },
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
function ownerClass(node: Node): ClassNode | null {
  for (let n = node.parent; n; n = n.parent) if (isClass(n)) return n;
  return null;
}

/**
 * How to rewrite `PRAGMA user_version = v` as an insert of `v`: the version's source text, and
 * the range that becomes the insert. The version is a number, a `?` parameter or a `${…}`
 * placeholder of `exec`'s SQL, rewritten with the statement; or a tagged template's `${…}`
 * (`placeholder`), which stays where it is, bound, while the text before it becomes
 * `INSERT … VALUES (` and a `)` follows it.
 */
function versionWrite(
  run: SqlRun,
  stmt: SqlStatement,
  pragma: PragmaInfo,
  sourceText: string,
): { head: [number, number]; placeholder?: [number, number]; version: string } | undefined {
  if (pragma.valueTokens.length !== 1) return undefined;
  const t = pragma.valueTokens[0];
  if (run.form === "tag" && t.type === "param" && t.end === stmt.end) {
    const head = run.range(stmt.start, t.start);
    const after = run.range(t.end, t.end);
    if (!head || !after || after[0] <= head[1]) return undefined;
    const placeholder: [number, number] = [head[1], after[0]];
    return { head, placeholder, version: sourceText.slice(placeholder[0], placeholder[1]) };
  }
  const range = run.range(stmt.start, stmt.end);
  const version = versionText(run, t, sourceText);
  return range && version !== undefined ? { head: range, version } : undefined;
}

/** The source text of the assigned version: a number, a `?` parameter of `exec`, or a `${…}` placeholder of `exec`'s template literal. */
function versionText(run: SqlRun, t: SqlToken, sourceText: string): string | undefined {
  if (t.type === "number" || (t.type === "param" && run.form === "exec")) return t.text;
  if (t.type === "dynamic" && t.text === DYNAMIC) {
    const r = run.range(t.start, t.end);
    return r ? sourceText.slice(r[0], r[1]) : undefined;
  }
  return undefined;
}
