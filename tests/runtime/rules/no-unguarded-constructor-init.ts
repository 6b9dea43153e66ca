/**
 * no-unguarded-constructor-init on workerd: the ❌ `Room` loads its settings in the constructor and
 * waits on `fetch()` before it sets them, so requests delivered meanwhile see them unset. The
 * rule's suggestion and the ✅ `Room` (inside `blockConcurrencyWhile`) hold those requests until
 * the settings are loaded. The ✅ `Counter`s load from storage only: their first request sees the
 * stored value, with and without `blockConcurrencyWhile`. When the settings `fetch()` fails once, the
 * ❌ load is never retried, while `blockConcurrencyWhile` resets the object and the next request
 * loads them.
 */
import { expect, it } from "vitest";
import {
  type ObjectRef,
  type Outcome,
  applySuggestions,
  concurrently,
  docsExample,
  docsWorkers,
  ruleProof,
  sleep,
  value,
} from "../harness.js";

const RULE = "no-unguarded-constructor-init";
const suggested = applySuggestions(RULE, docsExample(RULE, "incorrect-0").code, "suggestBlockConcurrency");
const FRESH_OBJECTS = 3;
const REQUESTS = 10;

/** The settings `fetch()` takes this long, so all requests sent at once arrive while it is pending. */
const DELAY_MS = 100;

const { proof, runtime, define } = ruleProof(RULE, () => docsWorkers(RULE, [{ name: "suggested", code: suggested }]), {
  serviceDelayMs: DELAY_MS,
});

/** The bodies of `REQUESTS` requests sent at once to each of `FRESH_OBJECTS` new Rooms of `worker`. */
async function firstResponses(worker: string): Promise<string[]> {
  const bodies: string[] = [];
  for (let i = 0; i < FRESH_OBJECTS; i++) {
    const room = runtime().object(worker, "Room");
    for (const outcome of await concurrently(REQUESTS, () => room.call("fetch"))) {
      bodies.push((value(outcome) as { body: string }).body);
    }
  }
  return bodies;
}

export default define(() => {
  it("❌ Room: requests sent at once to a new object all see `this.settings` unset", async () => {
    const bodies = await firstResponses("incorrect-0");
    expect(bodies).toEqual(Array(FRESH_OBJECTS * REQUESTS).fill("undefined"));
    // Once the fetch has answered, the settings are there.
    const room = runtime().object("incorrect-0", "Room");
    value(await room.call("fetch"));
    await expect.poll(async () => (value(await room.call("fetch")) as { body: string }).body, { timeout: 5000 }).toBe("10");
    proof.failure(
      "a",
      `❌ \`Room\`: ${REQUESTS} requests sent at once to each of ${FRESH_OBJECTS} new objects: ${FRESH_OBJECTS * REQUESTS} of ${FRESH_OBJECTS * REQUESTS} responses say \`undefined\` (delivered during the settings \`fetch()\`); later ones say \`10\``,
    );
  });

  it("suggestion applied (blockConcurrencyWhile): every first request sees the settings", async () => {
    const bodies = await firstResponses("suggested");
    expect(bodies).toEqual(Array(FRESH_OBJECTS * REQUESTS).fill("10"));
    proof.fixed("a", `suggestion applied (\`blockConcurrencyWhile\`): the same ${FRESH_OBJECTS * REQUESTS} requests all say \`10\``);
  });

  it("✅ Room (load inside blockConcurrencyWhile): the first call sees the settings", async () => {
    for (let i = 0; i < FRESH_OBJECTS; i++) {
      const room = runtime().object("correct-2", "Room");
      expect(await room.field("settings")).toEqual({ limit: 10 });
    }
    proof.fixed(
      "b",
      `✅ \`Room\` with the load inside \`blockConcurrencyWhile\`: the first call to each of ${FRESH_OBJECTS} new objects sees \`settings.limit\` 10`,
    );
  });

  for (const [worker, label, key] of [
    ["correct-0", "✅ `Counter` loading with `storage.get().then()` only", "c"],
    ["correct-1", "✅ `Counter` loading inside `blockConcurrencyWhile`", "d"],
  ] as const) {
    it(`${label}: the first request to a new instance sees the stored value`, async () => {
      const results: number[] = [];
      for (let i = 0; i < FRESH_OBJECTS; i++) {
        const counter = runtime().object(worker, "Counter");
        await counter.storage("put", "value", 41);
        await counter.abort();
        results.push(value(await counter.call("increment")) as number);
      }
      expect(results).toEqual(Array(FRESH_OBJECTS).fill(42));
      proof.fixed(
        key,
        `${label}: stored 41, new instance (\`ctx.abort()\`), first \`increment()\` returns 42 on ${FRESH_OBJECTS} of ${FRESH_OBJECTS} objects`,
      );
    });
  }

  it("a load that fails once: ❌ never retried; with blockConcurrencyWhile the object resets and the next request loads", async () => {
    /** Stores a settings URL whose first fetch fails, starts a new instance, and sends 3 requests, one after another. */
    const afterFailingLoad = async (worker: string, read: (room: ObjectRef) => Promise<Outcome>): Promise<Outcome[]> => {
      const room = runtime().object(worker, "Room");
      await room.storage("put", "settingsUrl", `https://example.com/fail-once/${room.name}/settings.json`);
      await room.abort();
      const outcomes: Outcome[] = [await read(room)];
      // Later requests come after the first load has failed.
      await sleep(2 * DELAY_MS);
      for (let i = 0; i < 2; i++) outcomes.push(await read(room));
      return outcomes;
    };
    const NOT_JSON = `SyntaxError: Unexpected token 'u', "upstream error" is not valid JSON`;
    const bodies = (outcomes: Outcome[]) => outcomes.map((o) => (o.ok ? (o.value as { body: string }).body : o.error));

    expect(bodies(await afterFailingLoad("incorrect-0", (room) => room.call("fetch")))).toEqual(["undefined", "undefined", "undefined"]);
    proof.failure(
      "b",
      "❌ `Room` whose settings `fetch()` fails once: the load is not retried, and every later request still says `undefined`",
    );

    expect(bodies(await afterFailingLoad("suggested", (room) => room.call("fetch")))).toEqual([NOT_JSON, "10", "10"]);
    const fields = await afterFailingLoad("correct-2", (room) => room.call("__field", "settings"));
    expect(fields).toEqual([
      { ok: false, error: NOT_JSON },
      { ok: true, value: { limit: 10 } },
      { ok: true, value: { limit: 10 } },
    ]);
    proof.fixed(
      "e",
      "suggestion applied and ✅ `Room`, settings `fetch()` failing once: the first request gets the error, the object is reset, and the next request loads the settings (`10`)",
    );
    proof.local(
      "a",
      "The 30 s limit after which `blockConcurrencyWhile` is cancelled and the object reset (Cloudflare's Durable Objects docs): not waited out locally",
    );
  });
});
