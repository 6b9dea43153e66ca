/**
 * Check-then-act across the input gate, measured on workerd (Miniflare), with
 * `no-unsafe-read-modify-write` run on the same source: a job is read, checked to be "pending",
 * then processed by a call to another object (which opens the gate; the call takes about 50 ms),
 * then marked "completed".
 *
 * - 10 concurrent requests for one pending job: it is processed more than once (10 times here:
 *   every request passed the check during another's call), and the rule reports the stale check;
 * - the same code inside `blockConcurrencyWhile` (the rule's suggestion), or the job claimed
 *   ("running") before the call: processed once, and the rule is silent.
 */
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import rule from "../../rules/no-unsafe-read-modify-write.js";
import { lintWith } from "../helpers/rule-tester.js";

const CONCURRENCY = 10;
const WORKER = `import { DurableObject } from "cloudflare:workers";
export class Runner extends DurableObject {
  async run(job) { const n = (await this.ctx.storage.get(job)) ?? 0; await this.ctx.storage.put(job, n + 1); await scheduler.wait(50); }
  async runs(job) { return (await this.ctx.storage.get(job)) ?? 0; }
}
export class Jobs extends DurableObject {
  runner() { return this.env.RUNNER.get(this.env.RUNNER.idFromName("r")); }
  async seed(id) { await this.ctx.storage.put("job:" + id, { status: "pending" }); }
  async checked(id) {
    const job = await this.ctx.storage.get("job:" + id);
    if (job?.status === "pending") {
      await this.runner().run(id);
      await this.ctx.storage.put("job:" + id, { status: "completed" });
    }
  }
  async held(id) {
    await this.ctx.blockConcurrencyWhile(async () => {
      const job = await this.ctx.storage.get("job:" + id);
      if (job?.status === "pending") {
        await this.runner().run(id);
        await this.ctx.storage.put("job:" + id, { status: "completed" });
      }
    });
  }
  async claimed(id) {
    const job = await this.ctx.storage.get("job:" + id);
    if (job?.status !== "pending") return;
    await this.ctx.storage.put("job:" + id, { status: "running" });
    await this.runner().run(id);
    await this.ctx.storage.put("job:" + id, { status: "completed" });
  }
}
export default {
  async fetch(request, env) {
    const [, method, id] = new URL(request.url).pathname.split("/");
    if (method === "runs") return Response.json(await env.RUNNER.get(env.RUNNER.idFromName("r")).runs(id));
    await env.JOBS.get(env.JOBS.idFromName("j"))[method](id);
    return new Response("ok");
  },
};
`;

let mf: Miniflare;
const runs: Record<string, number> = {};

beforeAll(async () => {
  mf = new Miniflare({
    modules: true,
    script: WORKER,
    compatibilityDate: "2026-07-01",
    durableObjects: { JOBS: { className: "Jobs", useSQLite: true }, RUNNER: { className: "Runner", useSQLite: true } },
  });
  for (const method of ["checked", "held", "claimed"]) {
    const id = `${method}-job`;
    await (await mf.dispatchFetch(`http://do/seed/${id}`)).text();
    await Promise.all(Array.from({ length: CONCURRENCY }, () => mf.dispatchFetch(`http://do/${method}/${id}`).then((r) => r.text())));
    runs[method] = (await (await mf.dispatchFetch(`http://do/runs/${id}`)).json()) as number;
  }
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
});

/** The methods of `Jobs` the rule reports, with the message id. */
function reported(): string[] {
  const lines = WORKER.split("\n");
  return lintWith("no-unsafe-read-modify-write", rule, WORKER, [], "worker.js").map((m) => {
    let line = m.line - 1;
    while (line > 0 && !/^\s*async \w+\(/.test(lines[line])) line--;
    return `${/^\s*async (\w+)\(/.exec(lines[line])?.[1]}: ${m.messageId}`;
  });
}

describe("check-then-act across the input gate, on workerd", () => {
  it(`a pending job checked, then processed over RPC, then marked: ${CONCURRENCY} concurrent requests process it more than once, and the rule reports it`, () => {
    expect(runs.checked).toBeGreaterThan(1);
    expect(reported()).toEqual(["checked: staleCheck"]);
  });

  it("inside blockConcurrencyWhile, or claimed before the call: processed once, and the rule is silent", () => {
    expect(runs.held).toBe(1);
    expect(runs.claimed).toBe(1);
  });
});
