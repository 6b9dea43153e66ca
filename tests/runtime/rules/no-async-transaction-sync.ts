/**
 * no-async-transaction-sync on workerd: with an async callback, `transactionSync()` is not a
 * transaction. A statement that throws after the `await` (or with no `await` at all) rolls nothing
 * back, and the caller sees no error. The ✅ example and the rule's suggestion (drop `async`) roll
 * back and throw.
 *
 * The failure is injected by dropping the `stats` table, so the `UPDATE stats …` in the callback
 * throws `no such table: stats`.
 */
import { expect, it } from "vitest";
import { type ObjectRef, applySuggestions, docsExample, docsWorkers, ruleProof, sleep, thrown, value, waitFor } from "../harness.js";

const RULE = "no-async-transaction-sync";
const suggested = applySuggestions(RULE, docsExample(RULE, "incorrect-0").code, "suggestDropAsync");

const { proof, runtime, define } = ruleProof(RULE, () => docsWorkers(RULE, [{ name: "suggested", code: suggested }]));

async function orders(worker: string, { statsTable }: { statsTable: boolean }): Promise<ObjectRef> {
  const obj = runtime().object(worker, "Orders");
  await obj.sql("CREATE TABLE orders (id TEXT PRIMARY KEY, total REAL)");
  if (statsTable) {
    await obj.sql("CREATE TABLE stats (orders INTEGER NOT NULL)");
    await obj.sql("INSERT INTO stats VALUES (0)");
  }
  return obj;
}

const orderIds = async (obj: ObjectRef): Promise<string[]> =>
  (await obj.sql<{ id: string }>("SELECT id FROM orders ORDER BY id")).map((r) => r.id);

const hookCalls = async (orderId: string): Promise<number> =>
  (await runtime().serviceCalls()).filter((c) => c.url === "https://example.com/hooks/order" && c.body === orderId).length;

export default define(() => {
  it("❌ place(): the UPDATE after the await throws, yet place() succeeds and the INSERT stays", async () => {
    const obj = await orders("incorrect-0", { statsTable: false });
    const id = `order-of-${obj.name}`;
    expect(value(await obj.call("place", id, 10))).toBeUndefined();
    // The rest of the callback runs after the webhook answers, outside any transaction.
    await waitFor("the webhook call", async () => ((await hookCalls(id)) === 1 ? true : undefined));
    await sleep(200);
    expect(await orderIds(obj)).toEqual([id]);
    proof.failure(
      "a",
      "❌ `place()` with `UPDATE stats` failing after the `await fetch()`: `place()` returns without error and the order stays stored (not rolled back)",
    );
  });

  it("❌ reset(): no await, the UPDATE throws, yet reset() succeeds and the DELETE stays", async () => {
    const obj = await orders("incorrect-0", { statsTable: false });
    await obj.sql("INSERT INTO orders VALUES ('o-1', 10), ('o-2', 20)");
    expect(value(await obj.call("reset"))).toBeUndefined();
    expect(await orderIds(obj)).toEqual([]);
    proof.failure(
      "b",
      "❌ `reset()` (no `await`) with `UPDATE stats` failing: `reset()` returns without error, and the 2 orders stay deleted (not rolled back)",
    );
  });

  it("✅ place(): the UPDATE throws, the INSERT is rolled back, the error reaches the caller, no webhook", async () => {
    const obj = await orders("correct-0", { statsTable: false });
    const id = `order-of-${obj.name}`;
    const error = thrown(await obj.call("place", id, 10));
    expect(error).toBe("Error: no such table: stats: SQLITE_ERROR");
    expect(await orderIds(obj)).toEqual([]);
    expect(await hookCalls(id)).toBe(0);
    proof.fixed(
      "b",
      `✅ \`place()\` with \`UPDATE stats\` failing: throws \`${error}\`, the order is rolled back, the webhook is not called`,
    );
  });

  it("✅ place() and move() work: order counted before the webhook, txn moves the key", async () => {
    const obj = await orders("correct-0", { statsTable: true });
    const id = `order-of-${obj.name}`;
    value(await obj.call("place", id, 10));
    expect(await orderIds(obj)).toEqual([id]);
    expect(await obj.sql("SELECT orders FROM stats")).toEqual([{ orders: 1 }]);
    expect(await hookCalls(id)).toBe(1);
    await obj.storage("put", "from", 7);
    value(await obj.call("move", "from", "to"));
    expect(await obj.storage("get", ["from", "to"])).toEqual(new Map([["to", 7]]));
    proof.fixed("c", "✅ `place()`: order stored and counted, then the webhook; `move()` (`storage.transaction`) moves the key");
  });

  for (const [worker, label, key] of [
    ["suggested", "suggestion applied (`async` removed):", "a"],
    ["correct-0", "✅", "d"],
  ] as const) {
    it(`${label} reset(): the UPDATE throws, the DELETE is rolled back, the error reaches the caller`, async () => {
      const obj = await orders(worker, { statsTable: false });
      await obj.sql("INSERT INTO orders VALUES ('o-1', 10), ('o-2', 20)");
      const error = thrown(await obj.call("reset"));
      expect(error).toBe("Error: no such table: stats: SQLITE_ERROR");
      expect(await orderIds(obj)).toEqual(["o-1", "o-2"]);
      proof.fixed(
        key,
        `${label} \`reset()\` with \`UPDATE stats\` failing: throws \`${error}\`, and the 2 orders are still there (rolled back)`,
      );
    });
  }
});
