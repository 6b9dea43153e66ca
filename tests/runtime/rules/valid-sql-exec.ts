/**
 * valid-sql-exec on workerd: each of the four reports of the ❌ `Inventory` is run.
 * - `add()` throws at its first `exec()` (one value for two parameters), so its second `exec()`
 *   (a parameter before the last statement) is run on its own: the SQL string of the report, with
 *   the same one binding, through the test probe.
 * - `quantity()` of a missing SKU throws instead of returning the `?? 0`.
 * - `all()` works: the `await` on a cursor waits for nothing.
 * The ✅ examples and the rule's suggestions (`.toArray()[0]`, remove the `await`) run.
 */
import { expect, it } from "vitest";
import { type ObjectRef, applySuggestions, docsExample, docsWorkers, lint, ruleProof, thrown, value } from "../harness.js";

const RULE = "valid-sql-exec";
const bad = docsExample(RULE, "incorrect-0").code;
const suggested = applySuggestions(RULE, applySuggestions(RULE, bad, "suggestToArray"), "suggestRemoveAwait");

/** The whole SQL string literal around the `paramsBeforeLast` report, which covers one statement of it. */
function multiStatementSql(code: string): string {
  const report = lint(RULE, code).find((m) => m.messageId === "paramsBeforeLast");
  if (!report) throw new Error("no paramsBeforeLast report");
  const lines = code.split("\n");
  const offset = lines.slice(0, report.line - 1).reduce((n, l) => n + l.length + 1, 0) + report.column - 1;
  const open = code.lastIndexOf('"', offset);
  const close = code.indexOf('"', offset);
  return JSON.parse(code.slice(open, close + 1)) as string;
}

const tagsSuggested = applySuggestions(RULE, docsExample(RULE, "incorrect-1").code, "suggestSpread");

const { proof, runtime, define } = ruleProof(RULE, () =>
  docsWorkers(RULE, [
    { name: "suggested", code: suggested },
    { name: "tags-suggested", code: tagsSuggested },
  ]),
);

const PAGES = ["https://docs.example.com/internal/handbook/drafts/unpublished/a", "https://docs.example.com/public/b"];

async function tags(worker: string): Promise<ObjectRef> {
  const obj = runtime().object(worker, "Tags");
  await obj.sql("CREATE TABLE tags (note TEXT NOT NULL, tag TEXT NOT NULL)");
  await obj.sql("CREATE TABLE pages (url TEXT NOT NULL)");
  for (const url of PAGES) await obj.sql("INSERT INTO pages VALUES (?)", url);
  return obj;
}

async function inventory(worker: string): Promise<ObjectRef> {
  const obj = runtime().object(worker, "Inventory");
  await obj.sql("CREATE TABLE stock (sku TEXT PRIMARY KEY, qty INTEGER NOT NULL)");
  await obj.sql("CREATE TABLE log (id INTEGER PRIMARY KEY, sku TEXT NOT NULL)");
  return obj;
}

const STOCK = [
  { sku: "apple", qty: 5 },
  { sku: "pear", qty: 7 },
];

export default define(() => {
  it("❌ add(): one value for two parameters throws, and nothing is stored", async () => {
    const inv = await inventory("incorrect-0");
    const error = thrown(await inv.call("add", "apple", 5));
    expect(error).toBe("Error: Wrong number of parameter bindings for SQL query.");
    expect(await inv.sql("SELECT * FROM stock")).toEqual([]);
    proof.failure("a", `❌ \`add()\`: \`exec()\` with 2 parameters and 1 value throws \`${error}\``);
  });

  it("❌ add()'s multi-statement exec(): a parameter before the last statement throws, and the INSERT never runs", async () => {
    const sql = multiStatementSql(bad);
    expect(sql).toBe("INSERT INTO log (sku) VALUES (?); SELECT last_insert_rowid() AS id");
    const inv = await inventory("incorrect-0");
    const error = thrown(await inv.call("__exec", sql, "apple"));
    expect(error).toBe("Error: When executing multiple SQL statements in a single call, only the last statement can have parameters.");
    expect(await inv.sql("SELECT * FROM log")).toEqual([]);
    proof.failure(
      "b",
      `❌ \`add()\`'s \`exec("INSERT … VALUES (?); SELECT last_insert_rowid() …", sku)\`, run alone: throws \`${error}\`, and the \`INSERT\` never runs`,
    );
  });

  it("❌ quantity() of a missing SKU throws instead of falling back to 0; all() works (the await waits for nothing)", async () => {
    const inv = await inventory("incorrect-0");
    const error = thrown(await inv.call("quantity", "plum"));
    expect(error).toBe("Error: Expected exactly one result from SQL query, but got no results.");
    for (const s of STOCK) await inv.sql("INSERT INTO stock VALUES (?, ?)", s.sku, s.qty);
    expect(value(await inv.call("quantity", "pear"))).toBe(7);
    expect(value(await inv.call("all"))).toEqual(STOCK);
    proof.failure("c", `❌ \`quantity("plum")\` (no row): \`.one()\` throws \`${error}\`, so \`?? 0\` is never used`);
    proof.failure(
      "d",
      "❌ `all()`: `await` on the cursor changes nothing, it returns the rows (the report is about a misleading `await`, not a failure)",
    );
  });

  it("suggestions applied (.toArray()[0], no await): quantity() of a missing SKU is 0; all() returns the rows", async () => {
    const inv = await inventory("suggested");
    expect(value(await inv.call("quantity", "plum"))).toBe(0);
    for (const s of STOCK) await inv.sql("INSERT INTO stock VALUES (?, ?)", s.sku, s.qty);
    expect(value(await inv.call("quantity", "pear"))).toBe(7);
    expect(value(await inv.call("all"))).toEqual(STOCK);
    proof.fixed(
      "a",
      'suggestions applied (`.toArray()[0]`, `await` removed): `quantity("plum")` returns 0, `quantity("pear")` 7; `all()` returns the same rows',
    );
  });

  it("✅ Inventory: add() stores and logs, returns the log id; quantity() falls back to 0", async () => {
    const inv = await inventory("correct-0");
    expect(value(await inv.call("add", "apple", 5))).toBe(1);
    expect(value(await inv.call("add", "pear", 7))).toBe(2);
    expect(await inv.sql("SELECT id, sku FROM log ORDER BY id")).toEqual([
      { id: 1, sku: "apple" },
      { id: 2, sku: "pear" },
    ]);
    expect(value(await inv.call("quantity", "plum"))).toBe(0);
    expect(value(await inv.call("quantity", "pear"))).toBe(7);
    expect(value(await inv.call("all"))).toEqual(STOCK);
    proof.fixed(
      "b",
      '✅ `Inventory`: `add()` stores the stock and the log row and returns its id (1, 2); `quantity("plum")` returns 0; `all()` returns the rows',
    );
  });

  it("✅ Notes: .one() on an aggregate and a named parameter", async () => {
    const notes = runtime().object("correct-2", "Notes");
    await notes.sql("CREATE TABLE _sql_schema_migrations (id INTEGER PRIMARY KEY)");
    await notes.sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, author TEXT NOT NULL)");
    expect(value(await notes.call("version"))).toBe(0);
    expect(value(await notes.call("count", "ann"))).toBe(0);
    await notes.sql("INSERT INTO _sql_schema_migrations VALUES (1), (2)");
    await notes.sql("INSERT INTO notes (author) VALUES ('ann'), ('ann'), ('bob')");
    expect(value(await notes.call("version"))).toBe(2);
    expect(value(await notes.call("count", "ann"))).toBe(2);
    proof.fixed(
      "c",
      "✅ `Notes`: `.one()` on `COALESCE(MAX(id), 0)` returns 0 on an empty table, then 2; `:author` binds the one value (2 notes by ann)",
    );
  });

  it("❌ Tags: an array as the bindings throws, and a 64-byte LIKE pattern throws", async () => {
    const obj = await tags("incorrect-1");
    const arrayError = thrown(await obj.call("tag", "n1", "work"));
    expect(arrayError).toBe("Error: Wrong number of parameter bindings for SQL query.");
    const patternError = thrown(await obj.call("drafts"));
    expect(patternError).toBe("Error: LIKE or GLOB pattern too complex: SQLITE_ERROR");
    expect(await obj.sql("SELECT * FROM tags")).toEqual([]);
    proof.failure(
      "e",
      `❌ \`Tags\`: \`tag()\` with \`[note, tag]\` throws \`${arrayError}\`; \`drafts()\` (a 64-byte pattern) throws \`${patternError}\``,
    );
  });

  it("suggestion applied (the array's items as arguments): tag() stores the row", async () => {
    const obj = await tags("tags-suggested");
    value(await obj.call("tag", "n1", "work"));
    expect(await obj.sql("SELECT note, tag FROM tags")).toEqual([{ note: "n1", tag: "work" }]);
    proof.fixed("d", 'suggestion "Pass the array\'s items as separate arguments" (`Tags`): `tag()` stores `("n1", "work")`');
  });

  it("✅ Tags: one value per parameter, the prefix compared with substr()", async () => {
    const obj = await tags("correct-1");
    value(await obj.call("tag", "n1", "work"));
    expect(await obj.sql("SELECT note, tag FROM tags")).toEqual([{ note: "n1", tag: "work" }]);
    expect(value(await obj.call("drafts"))).toBe(1);
    proof.fixed("e", "✅ `Tags`: `tag()` stores the row; `drafts()` counts the 1 page under the prefix");
  });
});
