/**
 * no-unsupported-pragma on workerd: the ❌ constructor throws SQLITE_AUTH at its first refused
 * statement, so the object never runs. Each statement the rule reports in the ❌ example (taken
 * from the report's own source range) is then run on its own, and each throws. The ✅ example runs.
 */
import { expect, it } from "vitest";
import { docsExample, docsWorkers, lint, ruleProof, thrown, value } from "../harness.js";

const RULE = "no-unsupported-pragma";
const bad = docsExample(RULE, "incorrect-0");

/** The SQL text of each report: the rule reports the statement itself inside the string. */
function reportedStatements(code: string): string[] {
  const lines = code.split("\n");
  const offset = (line: number, column: number): number => lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
  return lint(RULE, code).map((m) => code.slice(offset(m.line, m.column), offset(m.endLine!, m.endColumn!)));
}

const { proof, runtime, define } = ruleProof(RULE, () => docsWorkers(RULE));

export default define(() => {
  it("❌ Notes: the constructor throws SQLITE_AUTH, so every call fails", async () => {
    const notes = runtime().object("incorrect-0", "Notes");
    const error = thrown(await notes.call("healthy"));
    expect(error).toBe("Error: not authorized: SQLITE_AUTH");
    expect(thrown(await notes.call("sizeInPages"))).toBe(error);
    proof.failure(
      "a",
      `❌ \`Notes\`: the constructor throws \`${error}\` at \`PRAGMA journal_mode = WAL\`, so \`healthy()\` and \`sizeInPages()\` never run`,
    );
  });

  it("❌ each statement the rule reports throws SQLITE_AUTH when run on its own", async () => {
    const statements = reportedStatements(bad.code);
    expect(statements).toEqual([
      "PRAGMA journal_mode = WAL",
      "CREATE TABLE IF NOT EXISTS _cf_notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
      "PRAGMA integrity_check",
      "PRAGMA page_count",
    ]);
    // A healthy object of the ✅ class runs them through the test probe.
    const notes = runtime().object("correct-0", "Notes");
    for (const sql of statements) expect(thrown(await notes.call("__exec", sql)), sql).toBe("Error: not authorized: SQLITE_AUTH");
    proof.failure(
      "b",
      `❌ each of the ${statements.length} reported statements (${statements.map((s) => `\`${s.replace(/ \(.*/, " (…)")}\``).join(", ")}), run alone: \`Error: not authorized: SQLITE_AUTH\``,
    );
  });

  it("✅ Notes: constructs; quick_check, databaseSize and pragma_table_info() work", async () => {
    const notes = runtime().object("correct-0", "Notes");
    expect(value(await notes.call("healthy"))).toBe(true);
    const size = value(await notes.call("sizeInBytes")) as number;
    expect(size).toBeGreaterThan(0);
    proof.measure("databaseSize", size);
    expect(value(await notes.call("columns"))).toEqual(["id", "body"]);
    proof.fixed(
      "a",
      "✅ `Notes`: constructs; `healthy()` is `true` (`PRAGMA quick_check`), `sizeInBytes()` > 0 (`sql.databaseSize`), `columns()` is `id`, `body` (`pragma_table_info`)",
    );
  });
});
