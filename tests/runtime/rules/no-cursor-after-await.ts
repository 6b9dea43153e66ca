/**
 * no-cursor-after-await on workerd: a cursor read after an `await` that opens the input gate sees
 * what other requests did meanwhile. `exec()` reads the first row at once; the rest are read when
 * the code gets to them. So the rows mix two states of the table. The ✅ example and the rule's
 * suggestion (`.toArray()` where the query runs) read the rows at one moment.
 *
 * While the object awaits its `fetch()`, the test changes the table the way another request could:
 * it deletes row 1 and inserts row 4, so the table goes from rows 1, 2, 3 to rows 2, 3, 4.
 */
import { expect, it } from "vitest";
import { type ObjectRef, type Outcome, applySuggestions, docsExample, docsWorkers, ruleProof, value, waitFor } from "../harness.js";

const RULE = "no-cursor-after-await";
const suggested = applySuggestions(RULE, docsExample(RULE, "incorrect-0").code, "suggestToArray");
/** Long enough for the test to change the table while the object waits. */
const DELAY_MS = 100;

const { proof, runtime, define } = ruleProof(RULE, () => docsWorkers(RULE, [{ name: "suggested", code: suggested }]), {
  serviceDelayMs: DELAY_MS,
});

const CONCURRENT_CHANGE = "DELETE FROM outbox WHERE id = 1; INSERT INTO outbox (id, body) VALUES (4, 'd')";

async function outbox(worker: string): Promise<ObjectRef> {
  const obj = runtime().object(worker, "Outbox");
  await obj.sql("CREATE TABLE outbox (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  await obj.sql("INSERT INTO outbox (id, body) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  return obj;
}

const ids = async (obj: ObjectRef): Promise<number[]> =>
  (await obj.sql<{ id: number }>("SELECT id FROM outbox ORDER BY id")).map((r) => r.id);

/**
 * Calls `method`, and once the object is waiting on the service at `url`, changes the table from
 * outside. Returns the call's outcome.
 */
async function withConcurrentChange(obj: ObjectRef, method: string, url: string): Promise<Outcome> {
  const before = (await runtime().serviceCalls()).filter((c) => c.url === url).length;
  const call = obj.call(method);
  await waitFor(`${method}() to wait on ${url}`, async () =>
    (await runtime().serviceCalls()).filter((c) => c.url === url).length > before ? true : undefined,
  );
  await obj.sql(CONCURRENT_CHANGE);
  return call;
}

/** The bodies `flush()` posted to the hook, in order, since `from`. */
const posted = async (from: number): Promise<string[]> =>
  (await runtime().serviceCalls())
    .filter((c) => c.url === "https://hooks.example.com/")
    .slice(from)
    .map((c) => c.body);

const hookCount = async (): Promise<number> => (await posted(0)).length;

export default define(() => {
  it("❌ report(): returns rows 1–4, a set the table never held (1, 2, 3 before the await; 2, 3, 4 after)", async () => {
    const obj = await outbox("incorrect-0");
    const rows = value(await withConcurrentChange(obj, "report", "https://audit.example.com/report")) as { id: number }[];
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect(await ids(obj)).toEqual([2, 3, 4]);
    proof.failure(
      "a",
      "❌ `report()`, row 1 deleted and row 4 inserted during its `await fetch()`: returns rows 1, 2, 3, 4, which the table never held at once (1, 2, 3 before; 2, 3, 4 after)",
    );
  });

  it("❌ flush(): rows inserted during the loop's awaits are read and sent too", async () => {
    const obj = await outbox("incorrect-0");
    const from = await hookCount();
    expect(value(await withConcurrentChange(obj, "flush", "https://hooks.example.com/"))).toBe(4);
    expect(await posted(from)).toEqual(["a", "b", "c", "d"]);
    proof.failure(
      "b",
      "❌ `flush()`, same change during its first `await fetch()`: the loop reads on and sends 4 rows, including row 4, inserted after the query ran",
    );
  });

  it("suggestion applied (.toArray()): report() and flush() see the rows of one moment, the query's", async () => {
    const obj = await outbox("suggested");
    const rows = value(await withConcurrentChange(obj, "report", "https://audit.example.com/report")) as { id: number }[];
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3]);
    const other = await outbox("suggested");
    const from = await hookCount();
    expect(value(await withConcurrentChange(other, "flush", "https://hooks.example.com/"))).toBe(3);
    expect(await posted(from)).toEqual(["a", "b", "c"]);
    proof.fixed(
      "a",
      "suggestion applied (`.toArray()`): `report()` returns rows 1, 2, 3 and `flush()` sends 3 rows: the table as it was when the query ran",
    );
  });

  it("✅ report() reads after the await: the table as it is; flush() sends the rows of its query and deletes each", async () => {
    const obj = await outbox("correct-0");
    const rows = value(await withConcurrentChange(obj, "report", "https://audit.example.com/report")) as { id: number }[];
    expect(rows.map((r) => r.id)).toEqual([2, 3, 4]);
    expect(await ids(obj)).toEqual([2, 3, 4]);
    const other = await outbox("correct-0");
    const from = await hookCount();
    expect(value(await withConcurrentChange(other, "flush", "https://hooks.example.com/"))).toBe(3);
    expect(await posted(from)).toEqual(["a", "b", "c"]);
    expect(await ids(other)).toEqual([4]);
    await obj.sql("CREATE TABLE documents (id TEXT PRIMARY KEY)");
    await obj.sql("INSERT INTO documents VALUES ('d1'), ('d2')");
    expect(value(await obj.call("listDocuments"))).toEqual(["d1", "d2"]);
    proof.fixed(
      "b",
      "✅ `report()` queries after the `await`: rows 2, 3, 4, the table as it is; `flush()` sends the 3 rows of its query, deletes them, and leaves row 4 for the next flush",
    );
  });
});
