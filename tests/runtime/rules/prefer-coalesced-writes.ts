/**
 * prefer-coalesced-writes on workerd. The failure the rule describes is a partial write: a write
 * that fails leaves the writes before it stored. Locally, a write that fails is one whose value is
 * too large for SQLite (`SQLITE_TOOBIG`). With it:
 * - the ❌ sequence, loop and `archive()` (a delete, a read, a put) leave the writes before it
 *   stored, and throw;
 * - one `put({ … })` call (the ✅ `updateProfile()` and `importItems()`, the suggestions "Write them
 *   with one `put`" and "Collect the entries") and one `transaction()` (the ✅ `archive()`, the
 *   suggestion "Run them in one `transaction()`") store nothing, and throw: all or nothing.
 * When storage writes commit, and that awaiting them does not, is measured in
 * tests/runtime/write-batches.test.ts.
 */
import { expect, it } from "vitest";
import { type ObjectRef, applySuggestions, docsExample, docsWorkers, ruleProof, value } from "../harness.js";

const RULE = "prefer-coalesced-writes";
const bad = docsExample(RULE, "incorrect-0").code;
const oneCall = applySuggestions(RULE, applySuggestions(RULE, bad, "suggestBatchPut"), "suggestCollectPut");
const inTransaction = applySuggestions(RULE, bad, "suggestTransaction");

const { proof, runtime, define } = ruleProof(RULE, () =>
  docsWorkers(RULE, [
    { name: "one-call", code: oneCall },
    { name: "transaction", code: inTransaction },
  ]),
);

/** 3,000,000 characters: more than SQLite accepts in one value here. */
const TOO_BIG = "x".repeat(3_000_000);
const TOO_BIG_ERROR = "Error: string or blob too big: SQLITE_TOOBIG";
const PROFILE = { name: "Ann", email: "ann@example.com" };
const ITEMS = [
  { id: "1", value: "a" },
  { id: "2", value: "b" },
  { id: "3", value: "c" },
  { id: "4", value: "d" },
];
const withBadItem = ITEMS.map((it) => (it.id === "3" ? { ...it, value: TOO_BIG } : it));

const account = (worker: string): ObjectRef => runtime().object(worker, "Account");

/** Calls `method` on a new object (after `setup`, if given) and returns its outcome and the keys it stored. */
async function run(
  worker: string,
  method: string,
  args: unknown[],
  setup?: (obj: ObjectRef) => Promise<unknown>,
): Promise<{ error: string | null; keys: string[] }> {
  const obj = account(worker);
  if (setup) await setup(obj);
  const outcome = await obj.call(method, ...args);
  return { error: outcome.ok ? null : outcome.error, keys: await obj.keys() };
}
const withItem = (obj: ObjectRef) => obj.storage("put", "item:7", "lamp");

export default define(() => {
  it("every version stores everything when nothing fails", async () => {
    for (const worker of ["incorrect-0", "correct-0", "one-call", "transaction"]) {
      expect(await run(worker, "updateProfile", [PROFILE]), worker).toEqual({ error: null, keys: ["email", "name", "updatedAt"] });
      expect(await run(worker, "importItems", [ITEMS]), worker).toEqual({ error: null, keys: ["item:1", "item:2", "item:3", "item:4"] });
      expect(await run(worker, "archive", ["7", "sold"], withItem), worker).toEqual({ error: null, keys: ["archived"] });
    }
  });

  it("❌ a write that fails part-way leaves the writes before it stored", async () => {
    expect(await run("incorrect-0", "updateProfile", [{ ...PROFILE, email: TOO_BIG }])).toEqual({ error: TOO_BIG_ERROR, keys: ["name"] });
    expect(await run("incorrect-0", "importItems", [withBadItem])).toEqual({ error: TOO_BIG_ERROR, keys: ["item:1", "item:2"] });
    expect(await run("incorrect-0", "archive", ["7", TOO_BIG], withItem)).toEqual({ error: TOO_BIG_ERROR, keys: [] });
    proof.failure(
      "a",
      `❌ with a value too large for SQLite (\`${TOO_BIG_ERROR}\`): \`updateProfile()\` throws with \`name\` stored, \`email\` and \`updatedAt\` not; \`importItems()\` throws with items 1–2 of 4 stored; \`archive()\` throws with the item deleted and not archived (partial writes)`,
    );
  });

  for (const [worker, label, key] of [
    ["correct-0", "✅ `updateProfile()`, `importItems()` with one `put({ … })`, `archive()` in one `transaction()`", "a"],
    ["one-call", 'suggestions "Write them with one `put({ … })`" and "Collect the entries and write them with one `put(…)`"', "b"],
    ["transaction", 'suggestion "Run them in one `transaction()`"', "c"],
  ] as const) {
    it(`${label}: all or nothing`, async () => {
      if (worker !== "transaction") {
        expect(await run(worker, "updateProfile", [{ ...PROFILE, email: TOO_BIG }])).toEqual({ error: TOO_BIG_ERROR, keys: [] });
        expect(await run(worker, "importItems", [withBadItem])).toEqual({ error: TOO_BIG_ERROR, keys: [] });
      }
      if (worker !== "one-call") {
        expect(await run(worker, "archive", ["7", TOO_BIG], withItem)).toEqual({ error: TOO_BIG_ERROR, keys: ["item:7"] });
      }
      proof.fixed(key, `${label}: the same failure throws and stores nothing (all or nothing)`);
    });
  }

  it("✅ Counter: put() not awaited, the value is there after workerd restarts", async () => {
    const counter = runtime().object("correct-1", "Counter");
    for (let i = 1; i <= 3; i++) expect(value(await counter.call("increment"))).toBe(i);
    await runtime().restart();
    expect(await counter.storage("get", "value")).toBe(3);
    expect(value(await counter.call("increment"))).toBe(4);
    proof.fixed(
      "d",
      "✅ `Counter`, `put()` not awaited: 3 increments, workerd restarted, the stored value is 3 and the next `increment()` returns 4",
    );
  });

  it("local: the 128-key figure and a crash on the legacy backend in production", async () => {
    const obj = account("correct-0");
    const entries = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i]));
    await obj.storage("put", entries);
    expect(((await obj.storage("get", Object.keys(entries))) as Map<string, number>).size).toBe(1000);
    expect(await obj.storage("delete", Object.keys(entries))).toBe(1000);
    proof.local(
      "a",
      "A crash between writes split by a `get` on the legacy key-value backend in production, where a read that misses the cache waits for the storage server: locally every read is on the same machine (a crash by `ctx.abort()` after awaited writes, with or without a read between, stores none of them: tests/runtime/write-batches.test.ts)",
    );
    proof.local(
      "b",
      "The 128-key limit of `put(entries)`, `get(keys)`, `delete(keys)` (Cloudflare's docs): locally 1,000 keys in one call work",
    );
  });
});
