/**
 * no-sql-transaction-statements on workerd: the ❌ `BEGIN` … `COMMIT` throws at `BEGIN`; the rule's
 * suggestion and the ✅ example (`transactionSync`) run, and roll back when the second statement fails.
 */
import { expect, it } from "vitest";
import { type ObjectRef, applySuggestions, docsExample, docsWorkers, ruleProof, thrown, value } from "../harness.js";

const RULE = "no-sql-transaction-statements";
const suggested = applySuggestions(RULE, docsExample(RULE, "incorrect-0").code, "suggestTransactionSync");

const { proof, runtime, define } = ruleProof(RULE, () => docsWorkers(RULE, [{ name: "suggested", code: suggested }]));

/** The tables the examples use. `stock.n` is capped at 100, so a transfer into a full slot fails on its second statement. */
async function inventory(worker: string): Promise<ObjectRef> {
  const obj = runtime().object(worker, "Inventory");
  await obj.sql("CREATE TABLE items (id TEXT PRIMARY KEY, value INTEGER)");
  await obj.sql("CREATE TABLE stock (id TEXT PRIMARY KEY, n INTEGER NOT NULL CHECK (n BETWEEN 0 AND 100))");
  await obj.sql("INSERT INTO stock VALUES ('a', 50), ('b', 50), ('full', 95)");
  await obj.sql("CREATE TABLE meta (changed_at TEXT)");
  await obj.sql("INSERT INTO meta VALUES (NULL)");
  return obj;
}

const stock = async (obj: ObjectRef): Promise<Record<string, number>> =>
  Object.fromEntries((await obj.sql<{ id: string; n: number }>("SELECT id, n FROM stock ORDER BY id")).map((r) => [r.id, r.n]));

const ITEMS = [
  { id: "x", value: 1 },
  { id: "y", value: 2 },
];

/** The error up to the end of its first sentence (the rest explains the API). */
const firstSentence = (error: string): string => /^[^]*?statements\./.exec(error)?.[0] ?? error;

export default define(() => {
  it("❌ batchUpdate() and transfer() throw at BEGIN and change nothing", async () => {
    const inv = await inventory("incorrect-0");
    const batch = thrown(await inv.call("batchUpdate", ITEMS));
    expect(batch).toMatch(
      /^Error: To execute a transaction, please use the state\.storage\.transaction\(\) or state\.storage\.transactionSync\(\) APIs instead of the SQL BEGIN TRANSACTION or SAVEPOINT statements\./,
    );
    expect(await inv.sql("SELECT * FROM items")).toEqual([]);
    expect(thrown(await inv.call("transfer", "a", "b", 10))).toBe(batch);
    expect(await stock(inv)).toEqual({ a: 50, b: 50, full: 95 });
    proof.failure("a", `❌ \`batchUpdate()\` and \`transfer()\` throw at \`BEGIN\`: \`${firstSentence(batch)}\`; nothing is written`);
  });

  for (const [worker, label, key] of [
    ["suggested", "suggestion applied (`transactionSync`)", "a"],
    ["correct-0", "✅ `Inventory`", "b"],
  ] as const) {
    it(`${label}: the batch is written, a transfer moves stock, and a transfer whose second UPDATE fails is rolled back`, async () => {
      const inv = await inventory(worker);
      value(await inv.call("batchUpdate", ITEMS));
      expect(await inv.sql("SELECT id, value FROM items ORDER BY id")).toEqual(ITEMS);
      value(await inv.call("transfer", "a", "b", 10));
      expect(await stock(inv)).toEqual({ a: 40, b: 60, full: 95 });
      // The second UPDATE takes "full" to 105: the CHECK fails, and the first UPDATE is rolled back.
      expect(thrown(await inv.call("transfer", "a", "full", 10))).toMatch(/^Error: CHECK constraint failed: n BETWEEN 0 AND 100/);
      expect(await stock(inv)).toEqual({ a: 40, b: 60, full: 95 });
      proof.fixed(
        key,
        `${label}: the batch is written; \`transfer()\` moves stock; when its second \`UPDATE\` fails (CHECK), the first is rolled back (a stays 40)`,
      );
    });
  }

  it("✅ migrate(): a trigger's BEGIN … END is not a transaction statement", async () => {
    const inv = await inventory("correct-0");
    value(await inv.call("migrate"));
    await inv.sql("UPDATE stock SET n = 1 WHERE id = 'a'");
    const [meta] = await inv.sql<{ changed_at: string | null }>("SELECT changed_at FROM meta");
    expect(meta.changed_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    proof.fixed("c", "✅ `migrate()`: `CREATE TRIGGER … BEGIN … END` runs, and the trigger fires");
  });
});
