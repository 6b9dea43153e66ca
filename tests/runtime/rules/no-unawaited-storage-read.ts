/**
 * no-unawaited-storage-read on workerd: the ❌ example stores "[object Promise]1", never sets the
 * alarm, and throws on `for…of list()`. The rule's suggestions (await each read) and the ✅ example
 * count, schedule the alarm and list the items. The ❌ `Notes` records "[object Promise]" as its
 * checkpoint and "deletes" a note that never existed; awaited, it records a bookmark and tells a
 * missing note from a deleted one.
 */
import { expect, it } from "vitest";
import { type ObjectRef, applySuggestions, docsExample, docsWorkers, ruleProof, thrown, value } from "../harness.js";

const RULE = "no-unawaited-storage-read";
const suggested = applySuggestions(RULE, docsExample(RULE, "incorrect-0").code, "suggestAwait");
const notesSuggested = applySuggestions(RULE, docsExample(RULE, "incorrect-1").code, "suggestAwait");

const { proof, runtime, define } = ruleProof(RULE, () =>
  docsWorkers(RULE, [
    { name: "suggested", code: suggested },
    { name: "notes-suggested", code: notesSuggested },
  ]),
);

async function addTwice(obj: ObjectRef): Promise<{ count: unknown; alarm: unknown; at: number }> {
  const at = Date.now();
  value(await obj.call("addItem", "first"));
  value(await obj.call("addItem", "second"));
  return { count: await obj.storage("get", "count"), alarm: await obj.storage("getAlarm"), at };
}

const ITEMS = { "item:1": "apple", "item:2": "pear" };

/** What a working BatchProcessor does: `addItem()` twice counts to 2 and sets the alarm once, 5 s ahead; `pendingItems()` lists the stored items. */
async function expectCountsOnceAndLists(obj: ObjectRef): Promise<void> {
  const { count, alarm, at } = await addTwice(obj);
  expect(count).toBe(2);
  expect(alarm).toBeGreaterThanOrEqual(at + 5000);
  expect(alarm).toBeLessThan(Date.now() + 5000);
  await obj.storage("put", ITEMS);
  expect(value(await obj.call("pendingItems"))).toEqual(["apple", "pear"]);
}

export default define(() => {
  it('❌ addItem() stores "[object Promise]1" and never sets the alarm; pendingItems() throws', async () => {
    const obj = runtime().object("incorrect-0", "BatchProcessor");
    const { count, alarm } = await addTwice(obj);
    expect(count).toBe("[object Promise]1");
    expect(alarm).toBeNull();
    await obj.storage("put", ITEMS);
    const error = thrown(await obj.call("pendingItems"));
    expect(error).toBe("TypeError: this.ctx.storage.list is not a function or its return value is not iterable");
    proof.failure(
      "a",
      `❌ \`addItem()\` twice: \`count\` is stored as the string \`"[object Promise]1"\`, and \`getAlarm()\` is \`null\` (the alarm is never set); \`pendingItems()\` throws \`${error}\``,
    );
  });

  it("suggestions applied: counts, sets the alarm once, lists the items", async () => {
    const obj = runtime().object("suggested", "BatchProcessor");
    await obj.storage("put", "count", 0);
    await expectCountsOnceAndLists(obj);
    // What the suggestion does not add: a default for a missing key. `undefined + 1` is NaN.
    const fresh = runtime().object("suggested", "BatchProcessor");
    value(await fresh.call("addItem", "first"));
    expect(await fresh.storage("get", "count")).toBeNaN();
    proof.measure("suggestedFreshCount", "NaN");
    proof.fixed(
      "a",
      'suggestions applied (`await`): `addItem()` twice counts 0 → 2 and sets the alarm once, 5 s ahead; `pendingItems()` lists the items. (On a key never written, `(await get("count")) + 1` stores `NaN`: the `?? 0` of the ✅ example is still needed, and TypeScript flags it.)',
    );
  });

  it("✅ counts from nothing, sets the alarm once, lists the items, reads two keys together", async () => {
    const obj = runtime().object("correct-0", "BatchProcessor");
    await expectCountsOnceAndLists(obj);
    await obj.storage("put", { a: 1, b: 2 });
    expect(value(await obj.call("counts"))).toEqual([1, 2]);
    proof.fixed(
      "b",
      "✅ `addItem()` twice on a new object: `count` 2, alarm set once, 5 s ahead; `pendingItems()` lists the items; `counts()` reads both keys",
    );
  });

  it('❌ Notes: the checkpoint is "saved at [object Promise]", and remove() says it deleted a note that never existed', async () => {
    const notes = runtime().object("incorrect-1", "Notes");
    expect(value(await notes.call("checkpoint"))).toBe("saved at [object Promise]");
    expect(value(await notes.call("remove", "never-written"))).toBe("deleted");
    proof.failure(
      "b",
      '❌ `Notes`: `checkpoint()` returns `"saved at [object Promise]"`; `remove()` of a note never written returns `"deleted"`',
    );
  });

  for (const [worker, label, key] of [
    ["notes-suggested", "suggestions applied to `Notes` (`await`)", "c"],
    ["correct-1", "✅ `Notes` awaiting the bookmark and `delete()`", "d"],
  ] as const) {
    it(`${label}: a real bookmark, and a missing note told from a deleted one`, async () => {
      const notes = runtime().object(worker, "Notes");
      const saved = value(await notes.call("checkpoint")) as string;
      expect(saved).toMatch(/^saved at [0-9a-f-]{20,}$/);
      expect(value(await notes.call("remove", "never-written"))).toBe("no such note");
      await notes.storage("put", "note:n1", "text");
      expect(value(await notes.call("remove", "n1"))).toBe("deleted");
      proof.fixed(
        key,
        `${label}: \`checkpoint()\` returns a bookmark string; \`remove()\` says "no such note" for a missing note and "deleted" for a stored one`,
      );
    });
  }
});
