/**
 * prefer-coalesced-writes on workerd. The failure the rule describes is a partial write: awaited
 * writes commit one by one, so a failure part-way leaves the first ones stored. Locally, a failure
 * part-way can be a write that throws: a value too large for SQLite (`SQLITE_TOOBIG`). With it:
 * - the ❌ sequence and loop leave the writes before it stored, and throw;
 * - one `put({ … })` call (the ✅ `updateProfile()`, the suggestions "Write them with one `put`" and
 *   "Collect the entries") stores nothing, and throws: all or nothing;
 * - writes that are merely not awaited (the ✅ `importItems()`, the suggestions "Drop the `await`"
 *   and "Await only the last write") store every other write, drop the failing one, and nothing
 *   reaches the caller. Not awaiting them does not make them all or nothing.
 * A crash or eviction between two awaited writes cannot be caused on demand locally.
 */
import { expect, it } from "vitest";
import { type ObjectRef, applySuggestions, docsExample, docsWorkers, ruleProof, value } from "../harness.js";

const RULE = "prefer-coalesced-writes";
const bad = docsExample(RULE, "incorrect-0").code;
const dropAwaits = applySuggestions(RULE, applySuggestions(RULE, bad, "suggestAwaitLast"), "suggestDropAwait");
const oneCall = applySuggestions(RULE, applySuggestions(RULE, bad, "suggestBatchPut"), "suggestCollectPut");

const { proof, runtime, define } = ruleProof(RULE, () =>
  docsWorkers(RULE, [
    { name: "drop-awaits", code: dropAwaits },
    { name: "one-call", code: oneCall },
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

/** Calls `method` on a new object and returns its outcome and the keys it stored. */
async function run(worker: string, method: string, arg: unknown): Promise<{ error: string | null; keys: string[] }> {
  const obj = account(worker);
  const outcome = await obj.call(method, arg);
  return { error: outcome.ok ? null : outcome.error, keys: await obj.keys() };
}

export default define(() => {
  it("every version stores everything when nothing fails", async () => {
    for (const worker of ["incorrect-0", "correct-0", "drop-awaits", "one-call"]) {
      expect(await run(worker, "updateProfile", PROFILE), worker).toEqual({ error: null, keys: ["email", "name", "updatedAt"] });
      expect(await run(worker, "importItems", ITEMS), worker).toEqual({ error: null, keys: ["item:1", "item:2", "item:3", "item:4"] });
    }
  });

  it("❌ a write that fails part-way leaves the writes before it stored", async () => {
    expect(await run("incorrect-0", "updateProfile", { ...PROFILE, email: TOO_BIG })).toEqual({ error: TOO_BIG_ERROR, keys: ["name"] });
    expect(await run("incorrect-0", "importItems", withBadItem)).toEqual({ error: TOO_BIG_ERROR, keys: ["item:1", "item:2"] });
    proof.failure(
      "a",
      `❌ with a value too large for SQLite (\`${TOO_BIG_ERROR}\`): \`updateProfile()\` throws with \`name\` stored, \`email\` and \`updatedAt\` not; \`importItems()\` throws with items 1–2 of 4 stored (partial writes)`,
    );
  });

  for (const [worker, label, key] of [
    ["correct-0", "✅ `updateProfile()` with one `put({ … })`", "a"],
    ["one-call", 'suggestions "Write them with one `put({ … })`" and "Collect the entries and write them with one `put(…)`"', "b"],
  ] as const) {
    it(`${label}: all or nothing`, async () => {
      expect(await run(worker, "updateProfile", { ...PROFILE, email: TOO_BIG })).toEqual({ error: TOO_BIG_ERROR, keys: [] });
      if (worker === "one-call") {
        expect(await run(worker, "importItems", withBadItem)).toEqual({ error: TOO_BIG_ERROR, keys: [] });
      }
      proof.fixed(key, `${label}: the same failure throws and stores nothing (all or nothing)`);
    });
  }

  it("✅ importItems() without await and the drop-await suggestions: the failing write is dropped silently, the others stored (as the rule says)", async () => {
    expect(await run("correct-0", "importItems", withBadItem)).toEqual({ error: null, keys: ["item:1", "item:2", "item:4"] });
    expect(await run("drop-awaits", "importItems", withBadItem)).toEqual({ error: null, keys: ["item:1", "item:2", "item:4"] });
    expect(await run("drop-awaits", "updateProfile", { ...PROFILE, email: TOO_BIG })).toEqual({ error: null, keys: ["name", "updatedAt"] });
    proof.fixed(
      "c",
      '✅ `importItems()` (no `await` in the loop) and the suggestions "Drop the `await`" / "Await only the last write": with the same failure, no error reaches the caller; 3 of 4 items (and `name`, `updatedAt` without `email`) are stored: a coalesced batch is not all or nothing when a write fails, as the rule says (one `put({ … })` is)',
    );
  });

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

  it("local: the 128-key figure and a crash between awaited writes", async () => {
    const obj = account("correct-0");
    const entries = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i]));
    await obj.storage("put", entries);
    expect(((await obj.storage("get", Object.keys(entries))) as Map<string, number>).size).toBe(1000);
    expect(await obj.storage("delete", Object.keys(entries))).toBe(1000);
    proof.local(
      "a",
      "A crash or eviction between two awaited writes, and that writes without an `await` between them commit atomically (Cloudflare's storage API docs): no crash can be caused on demand locally",
    );
    proof.local(
      "b",
      "The 128-key limit of `put(entries)`, `get(keys)`, `delete(keys)` (Cloudflare's docs): locally 1,000 keys in one call work",
    );
    proof.local(
      "c",
      "The round trip each awaited write costs (the rule's message; not measured, as its page says): local storage is on the same machine",
    );
  });
});
