/**
 * no-pragma-user-version on workerd: the ❌ migration throws SQLITE_AUTH in the constructor; the
 * rule's suggestions (both applied) and the ✅ `_sql_schema_migrations` pattern migrate once and
 * construct again without re-running a migration.
 */
import { expect, it } from "vitest";
import { applySuggestions, docsExamples, docsWorkers, ruleProof, thrown } from "../harness.js";

const RULE = "no-pragma-user-version";
const bad = docsExamples(RULE).find((e) => e.worker === "incorrect-0")!;
const suggested = applySuggestions(RULE, applySuggestions(RULE, bad.code, "suggestRead"), "suggestWrite");

const { proof, runtime, define } = ruleProof(RULE, () => docsWorkers(RULE, [{ name: "suggested", code: suggested }]));

export default define(() => {
  it("❌ Notes: the constructor throws SQLITE_AUTH at PRAGMA user_version, so every call fails", async () => {
    const notes = runtime().object("incorrect-0", "Notes");
    const first = thrown(await notes.call("__exec", "SELECT 1"));
    expect(first).toBe("Error: not authorized: SQLITE_AUTH");
    // Every later call constructs again and throws again.
    expect(thrown(await notes.call("__exec", "SELECT 1"))).toBe(first);
    proof.failure("a", `❌ \`Notes\`: the constructor throws \`${first}\` on every call, so the object never runs`);
  });

  it("suggestions applied: migrates once, records version 1, and constructs again without re-running it", async () => {
    const notes = runtime().object("suggested", "Notes");
    const versions = await notes.sql<{ id: number }>("SELECT id FROM _sql_schema_migrations ORDER BY id");
    expect(versions).toEqual([{ id: 1 }]);
    expect(await notes.sql("SELECT name FROM pragma_table_info('notes') ORDER BY cid")).toEqual([{ name: "id" }, { name: "body" }]);
    await notes.abort();
    // The new instance reads version 1 and skips the CREATE TABLE, which would throw "table notes already exists".
    expect(await notes.sql("SELECT id FROM _sql_schema_migrations ORDER BY id")).toEqual([{ id: 1 }]);
    proof.fixed(
      "a",
      "suggestions applied: the constructor creates `notes` and records version 1 in `_sql_schema_migrations`; after `ctx.abort()` a new instance constructs without error and skips the migration",
    );
  });

  it("✅ MyDurableObject: applies versions 1 and 2 once; a new instance does not re-run them", async () => {
    const obj = runtime().object("correct-0", "MyDurableObject");
    expect(await obj.sql("SELECT id FROM _sql_schema_migrations ORDER BY id")).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await obj.sql("SELECT name FROM pragma_table_info('users') ORDER BY cid")).toEqual([
      { name: "id" },
      { name: "name" },
      { name: "email" },
    ]);
    await obj.abort();
    // Re-running version 2 would throw "duplicate column name: email".
    expect(await obj.sql("SELECT id FROM _sql_schema_migrations ORDER BY id")).toEqual([{ id: 1 }, { id: 2 }]);
    proof.fixed(
      "b",
      "✅ `MyDurableObject`: versions 1 and 2 applied once (`users.email` exists); a new instance constructs without re-running them",
    );
  });
});
