/**
 * no-memory-only-alarm-state on workerd: work buffered in a field for `alarm()` is lost when the
 * object restarts before the alarm fires. The alarm is stored; the field is not. `restart()` kills
 * workerd and starts it again, as a deploy or a crash does; storage and alarms are on disk.
 *
 * Before the restart, each ❌ example also runs once without one, to show that the restart is what
 * loses the work. Then one object of each example gets its work, and workerd restarts once. The
 * 1 s alarms (`Events`, `Outbox`) fire by themselves on the new instances. `BatchProcessor` sets
 * its alarm 5 s ahead: to keep the test short, the test moves it to now (`setAlarm(Date.now())`
 * through the probe) if it is still pending, and it runs on the new instance as it would have later.
 */
import { beforeAll, expect, it } from "vitest";
import { type ObjectRef, docsWorkers, ruleProof, value } from "../harness.js";

const RULE = "no-memory-only-alarm-state";

const { proof, runtime, define } = ruleProof(RULE, () => docsWorkers(RULE), { timeout: 30_000 });

const EVENTS_URL = "https://collector.example.com/events";
const OUTBOX_URL = "https://example.com/batch";

/** The bodies posted to `url` since workerd (re)started, parsed. */
const posted = async (url: string): Promise<unknown[]> =>
  (await runtime().serviceCalls()).filter((c) => c.url === url).map((c) => JSON.parse(c.body) as unknown);

const processed = async (obj: ObjectRef): Promise<string[]> =>
  (await obj.sql<{ item: string }>("SELECT item FROM processed_items ORDER BY rowid")).map((r) => r.item);

/**
 * Moves the pending alarm of `obj` to now. If it has already run (after a slow restart an overdue
 * alarm runs at once), there is nothing to move: either way it runs on the new instance.
 */
async function fireAlarmNow(obj: ObjectRef): Promise<void> {
  if ((await obj.storage("getAlarm")) !== null) await obj.storage("setAlarm", Date.now());
}

/** The first finished alarm run of `obj`. */
const firstAlarm = async (obj: ObjectRef) => (await obj.finishedAlarms()).find((r) => r.threw !== undefined)!;

const PROCESSED_ITEMS = "CREATE TABLE processed_items (item TEXT NOT NULL, timestamp INTEGER NOT NULL)";

/** What the ❌ examples do without a restart. */
const control = { batch: [] as string[], events: [] as unknown[] };
/** One object per example, filled before the restart. */
let restarted: { badBatch: ObjectRef; badEvents: ObjectRef; goodBatch: ObjectRef; outbox: ObjectRef };

export default define(() => {
  beforeAll(async () => {
    const batch = runtime().object("incorrect-0", "BatchProcessor");
    await batch.sql(PROCESSED_ITEMS);
    value(await batch.call("addItem", "a"));
    value(await batch.call("addItem", "b"));
    await fireAlarmNow(batch);
    expect((await firstAlarm(batch)).threw).toBeNull();
    control.batch = await processed(batch);

    const events = runtime().object("incorrect-1", "Events");
    expect(value(await events.call("fetch", { method: "POST", body: "kept" }))).toEqual({ status: 202, body: "queued" });
    await events.finishedAlarms();
    control.events = await posted(EVENTS_URL);

    restarted = {
      badBatch: runtime().object("incorrect-0", "BatchProcessor"),
      badEvents: runtime().object("incorrect-1", "Events"),
      goodBatch: runtime().object("correct-0", "BatchProcessor"),
      outbox: runtime().object("correct-1", "Outbox"),
    };
    await restarted.badBatch.sql(PROCESSED_ITEMS);
    value(await restarted.badBatch.call("addItem", "a"));
    value(await restarted.goodBatch.call("addItem", "a"));
    value(await restarted.goodBatch.call("addItem", "b"));
    // Last, right before the restart: these alarms are 1 s ahead. (Had one fired before the
    // restart, its test would fail: the services log starts empty after a restart.)
    value(await restarted.outbox.call("send", "m1"));
    value(await restarted.outbox.call("send", "m2"));
    value(await restarted.badEvents.call("fetch", { method: "POST", body: "lost" }));
    await runtime().restart();
  }, 30_000);

  it("❌ BatchProcessor: restarted before the alarm, the item is lost and alarm() throws on the empty batch", async () => {
    expect(control.batch).toEqual(["a", "b"]);
    const batch = restarted.badBatch;
    await fireAlarmNow(batch);
    const run = await firstAlarm(batch);
    expect(run.threw).toBe("Error: incomplete input: SQLITE_ERROR");
    expect(await processed(batch)).toEqual([]);
    await batch.storage("deleteAlarm"); // no retries of the failing alarm
    proof.failure(
      "a",
      `❌ \`BatchProcessor\`: \`addItem("a")\`, workerd restarted before the alarm: \`alarm()\` runs on a new instance with \`pending\` empty and throws \`${run.threw}\` (the empty \`VALUES\`); \`"a"\` is lost. Without the restart, it is processed`,
    );
  });

  it("❌ Events: restarted before the alarm, the collector gets [] instead of the event", async () => {
    expect(control.events).toEqual([["kept"]]);
    await restarted.badEvents.finishedAlarms();
    expect(await posted(EVENTS_URL)).toEqual([[]]);
    proof.failure(
      "b",
      "❌ `Events`: an event POSTed, workerd restarted before the alarm: the alarm posts `[]` to the collector; the event is lost. Without the restart, it posts the event",
    );
  });

  it("✅ BatchProcessor (pending table): restarted before the alarm, the items are processed", async () => {
    const batch = restarted.goodBatch;
    await fireAlarmNow(batch);
    expect((await firstAlarm(batch)).threw).toBeNull();
    expect(await processed(batch)).toEqual(["a", "b"]);
    expect(await batch.sql("SELECT * FROM pending")).toEqual([]);
    proof.fixed(
      "a",
      "✅ `BatchProcessor` with a `pending` table: `addItem()` twice, the same restart: `alarm()` moves both items to `processed_items`",
    );
  });

  it("✅ Outbox (field stored after each change): restarted before the alarm, the batch is sent", async () => {
    const outbox = restarted.outbox;
    expect((await firstAlarm(outbox)).threw).toBeNull();
    expect(await posted(OUTBOX_URL)).toEqual([["m1", "m2"]]);
    expect(await outbox.storage("get", "pending")).toEqual([]);
    proof.fixed("b", "✅ `Outbox`, field stored after each change: `send()` twice, the same restart: the alarm posts both messages");
    proof.local(
      "a",
      "Eviction of an idle object (Cloudflare's Durable Objects docs) cannot be caused locally; a restart of workerd, as on a deploy or a crash, loses the field in the same way",
    );
  });
});
