/**
 * no-unsafe-read-modify-write on workerd: 50 concurrent calls to one object. The ❌ examples read,
 * await a service (`AUDIT.fetch`, `NOTIFY.send`), and write back: updates are lost, or a job
 * checked to be pending runs more than once. The ✅ examples
 * and both of the rule's suggestions end at 50. The in-memory counter of the Initialization Pattern
 * also keeps its 50 across a restart of workerd.
 */
import { expect, it } from "vitest";
import { CONCURRENCY, type ObjectRef, applySuggestions, concurrently, docsExample, docsWorkers, ruleProof, value } from "../harness.js";

const RULE = "no-unsafe-read-modify-write";
const counter = docsExample(RULE, "incorrect-0").code;
const likes = docsExample(RULE, "incorrect-1").code;
const jobs = docsExample(RULE, "incorrect-2").code;

const { proof, runtime, define } = ruleProof(
  RULE,
  () =>
    docsWorkers(RULE, [
      { name: "counter-move-await", code: applySuggestions(RULE, counter, "suggestMoveAwait") },
      { name: "counter-block", code: applySuggestions(RULE, counter, "suggestBlockConcurrency") },
      { name: "likes-move-await", code: applySuggestions(RULE, likes, "suggestMoveAwait") },
      { name: "likes-block", code: applySuggestions(RULE, likes, "suggestBlockConcurrency") },
      { name: "jobs-block", code: applySuggestions(RULE, jobs, "suggestBlockConcurrency") },
    ]),
  // Short: the blockConcurrencyWhile versions wait for the service 50 times in a row.
  { timeout: 30_000, serviceDelayMs: 10 },
);

/** Sends `CONCURRENCY` calls at once; returns the final count read back from storage and the values the calls returned. */
async function hammer(
  obj: ObjectRef,
  method: string,
  args: unknown[],
  read: () => Promise<unknown>,
): Promise<{ final: number; returned: number[] }> {
  const outcomes = await concurrently(CONCURRENCY, () => obj.call(method, ...args));
  return { final: (await read()) as number, returned: outcomes.map((o) => value(o) as number) };
}

const incrementCounter = (worker: string) => {
  const obj = runtime().object(worker, "Counter");
  return hammer(obj, "increment", [], () => obj.storage("get", "count"));
};

const likePost = async (worker: string) => {
  const obj = runtime().object(worker, "Likes");
  await obj.sql("CREATE TABLE counters (id TEXT PRIMARY KEY, n INTEGER NOT NULL)");
  await obj.sql("INSERT INTO counters VALUES ('post-1', 0)");
  return hammer(obj, "like", ["post-1"], async () => (await obj.sql<{ n: number }>("SELECT n FROM counters WHERE id = 'post-1'"))[0].n);
};

/** Sends `CONCURRENCY` process() calls for one pending job at once; returns how many times it ran (its AUDIT calls). */
const processJob = async (worker: string) => {
  const obj = runtime().object(worker, "Jobs");
  const id = `${worker}-job`;
  await obj.sql("CREATE TABLE jobs (id TEXT PRIMARY KEY, status TEXT NOT NULL)");
  await obj.sql(`INSERT INTO jobs VALUES ('${id}', 'pending')`);
  await concurrently(CONCURRENCY, () => obj.call("process", id));
  return (await runtime().serviceCalls()).filter((c) => c.url === `https://audit/run/${id}`).length;
};

export default define(() => {
  it(`❌ Counter: ${CONCURRENCY} concurrent increment() calls lose updates`, async () => {
    const { final, returned } = await incrementCounter("incorrect-0");
    proof.measure("counterIncorrect", { final, distinctReturned: new Set(returned).size });
    expect(final).toBeLessThan(CONCURRENCY);
    proof.failure(
      "a",
      `❌ \`Counter\`: ${CONCURRENCY} concurrent \`increment()\` calls (read, \`await AUDIT.fetch()\`, write): \`count\` ends below ${CONCURRENCY} (lost updates)`,
    );
  });

  it(`❌ Likes: ${CONCURRENCY} concurrent like() calls lose updates`, async () => {
    const { final } = await likePost("incorrect-1");
    proof.measure("likesIncorrect", { final });
    expect(final).toBeLessThan(CONCURRENCY);
    proof.failure(
      "b",
      `❌ \`Likes\`: ${CONCURRENCY} concurrent \`like()\` calls (\`SELECT\`, \`await NOTIFY.send()\`, \`UPDATE … SET n = ?\`): \`n\` ends below ${CONCURRENCY} (lost updates)`,
    );
  });

  it(`❌ Jobs: ${CONCURRENCY} concurrent process() calls for one pending job run it more than once`, async () => {
    const runs = await processJob("incorrect-2");
    proof.measure("jobsIncorrect", { runs });
    expect(runs).toBeGreaterThan(1);
    proof.failure(
      "c",
      `❌ \`Jobs\`: ${CONCURRENCY} concurrent \`process()\` calls for one pending job (\`SELECT status\`, \`if pending\`, \`await AUDIT.fetch()\`, \`UPDATE … SET status = 'done'\`): the job runs more than once (stale check)`,
    );
  });

  for (const [worker, label, key] of [
    ["jobs-block", 'suggestion "Wrap in `blockConcurrencyWhile`" (`Jobs`)', "j"],
    ["correct-4", "✅ `Jobs` claimed by `UPDATE … WHERE status = 'pending'`, `rowsWritten` checked", "k"],
  ] as const) {
    it(`${label}: the job runs once`, async () => {
      expect(await processJob(worker)).toBe(1);
      proof.fixed(key, `${label}: ${CONCURRENCY} concurrent calls run the job once`);
    });
  }

  for (const [worker, label, key] of [
    ["counter-move-await", 'suggestion "Move `await` before the read" (`Counter`)', "a"],
    ["counter-block", 'suggestion "Wrap in `blockConcurrencyWhile`" (`Counter`)', "b"],
    ["correct-1", "✅ `Counter` reading after the `await`", "g"],
    ["correct-3", "✅ `Counter` inside `blockConcurrencyWhile`", "i"],
  ] as const) {
    it(`${label}: ${CONCURRENCY} of ${CONCURRENCY}`, async () => {
      const { final, returned } = await incrementCounter(worker);
      expect(final).toBe(CONCURRENCY);
      expect(new Set(returned).size).toBe(CONCURRENCY);
      proof.fixed(key, `${label}: ${CONCURRENCY} of ${CONCURRENCY}`);
      if (worker === "correct-3") {
        proof.local(
          "a",
          "The 30 s limit after which `blockConcurrencyWhile` is cancelled and the object reset (Cloudflare's Durable Objects docs): not waited out locally",
        );
      }
    });
  }

  for (const [worker, label, key] of [
    ["likes-move-await", 'suggestion "Move `await` before the read" (`Likes`)', "c"],
    ["likes-block", 'suggestion "Wrap in `blockConcurrencyWhile`" (`Likes`)', "d"],
    ["correct-0", "✅ `Likes` with `UPDATE … SET n = n + 1`", "f"],
  ] as const) {
    it(`${label}: ${CONCURRENCY} of ${CONCURRENCY}`, async () => {
      const { final } = await likePost(worker);
      expect(final).toBe(CONCURRENCY);
      proof.fixed(key, `${label}: ${CONCURRENCY} of ${CONCURRENCY}`);
    });
  }

  it(`✅ Counter kept in memory: ${CONCURRENCY} of ${CONCURRENCY}, and still ${CONCURRENCY} after workerd restarts`, async () => {
    const obj = runtime().object("correct-2", "Counter");
    const { final, returned } = await hammer(obj, "increment", [], () => obj.storage("get", "value"));
    expect(final).toBe(CONCURRENCY);
    expect(new Set(returned).size).toBe(CONCURRENCY);
    await runtime().restart();
    expect(value(await obj.call("increment"))).toBe(CONCURRENCY + 1);
    proof.fixed(
      "h",
      `✅ \`Counter\` kept in memory, \`put()\` not awaited: ${CONCURRENCY} of ${CONCURRENCY}; after workerd is restarted, the next \`increment()\` returns ${CONCURRENCY + 1}`,
    );
  });
});
