/**
 * no-unbounded-list on workerd. The rule's claim has two parts: `list()` without a `limit` returns
 * every entry in one Map (shown here with 20,000 keys), and everything it returns sits in the
 * object's memory, which has a 128 MB limit. The limit is Cloudflare's documentation: workerd run
 * locally does not enforce it, so the tests show what can be seen locally and say so.
 */
import { expect, it } from "vitest";
import { type ObjectRef, docsWorkers, ruleProof, value } from "../harness.js";

const RULE = "no-unbounded-list";
const KEYS = 20_000;
const SESSIONS = 100;
const ORDERS = 30;

const { proof, runtime, define } = ruleProof(RULE, () => docsWorkers(RULE));

/** 20,000 `stock:` keys (stock:00000 holds 0, … stock:19999 holds 19999), 100 sessions and 30 orders. */
async function inventory(worker: string): Promise<ObjectRef> {
  const obj = runtime().object(worker, "Inventory");
  for (let start = 0; start < KEYS; start += 2000) {
    const entries: Record<string, number> = {};
    for (let i = start; i < start + 2000; i++) entries[`stock:${String(i).padStart(5, "0")}`] = i;
    await obj.storage("put", entries);
  }
  const other: Record<string, string> = {};
  for (let i = 0; i < SESSIONS; i++) other[`session:${i}`] = "s";
  for (let i = 0; i < ORDERS; i++) other[`order:${String(i).padStart(2, "0")}`] = `#${i}`;
  await obj.storage("put", other);
  return obj;
}

const TOTAL = (KEYS * (KEYS - 1)) / 2;

export default define(() => {
  it("❌ list() with a prefix and no limit returns all 20,000 entries at once (no limit locally)", async () => {
    const obj = await inventory("incorrect-0");
    expect(await obj.call("__listSize", { prefix: "stock:" })).toEqual({ ok: true, value: KEYS });
    const started = performance.now();
    expect(value(await obj.call("totalStock"))).toBe(TOTAL);
    proof.measure("totalStockUnboundedMs", Math.round(performance.now() - started));
    expect(await obj.call("__listSize")).toEqual({ ok: true, value: KEYS + SESSIONS + ORDERS });
    value(await obj.call("wipeSessions"));
    expect(await obj.call("__listSize", { prefix: "session:" })).toEqual({ ok: true, value: 0 });
    proof.failure(
      "a",
      `❌ \`totalStock()\`: \`list({ prefix: "stock:" })\` returns all ${KEYS.toLocaleString("en")} entries in one Map; \`wipeSessions()\`: \`list()\` returns all ${(KEYS + SESSIONS + ORDERS).toLocaleString("en")} keys to delete ${SESSIONS} sessions`,
    );
    proof.local(
      "a",
      "The 128 MB memory limit an unbounded `list()` can exceed (Cloudflare's Durable Objects limits and storage API docs). Locally, `list()` returned all 20,130 entries without error.",
    );
  });

  it("✅ paging with limit and startAfter gives the same total, at most 500 entries per call; latestOrders() returns 20", async () => {
    const obj = await inventory("correct-0");
    const started = performance.now();
    expect(value(await obj.call("totalStock"))).toBe(TOTAL);
    proof.measure("totalStockPagedMs", Math.round(performance.now() - started));
    // What one page of the loop returns.
    expect(await obj.call("__listSize", { prefix: "stock:", limit: 500 })).toEqual({ ok: true, value: 500 });
    const latest = value(await obj.call("latestOrders")) as Map<string, string>;
    expect([...latest.keys()]).toEqual(Array.from({ length: 20 }, (_, i) => `order:${String(ORDERS - 1 - i).padStart(2, "0")}`));
    proof.fixed(
      "a",
      `✅ \`totalStock()\` pages with \`limit: 500\` and \`startAfter\`: the same total over ${KEYS / 500} pages of at most 500 entries; \`latestOrders()\` returns the newest 20 of ${ORDERS}`,
    );
  });
  it("✅ an object whose keys are a fixed set: 25 moves leave 2 keys, and list() returns those 2", async () => {
    const obj = runtime().object("correct-1", "Game");
    for (let turn = 1; turn <= 25; turn++)
      value(
        await obj.call(
          "move",
          Array.from({ length: turn }, (_, i) => `m${i}`),
          turn,
        ),
      );
    const snapshot = value(await obj.call("snapshot")) as Record<string, unknown>;
    expect(Object.keys(snapshot).sort()).toEqual(["board", "turn"]);
    expect(snapshot.turn).toBe(25);
    expect(await obj.call("__listSize")).toEqual({ ok: true, value: 2 });
    proof.fixed(
      "b",
      "✅ `Game`, keys from a `const` object through a private helper: 25 moves leave 2 keys, and `snapshot()`'s `list()` returns those 2",
    );
  });
});
