/**
 * Check-then-act across the input gate, measured on workerd (Miniflare), with
 * `no-unsafe-read-modify-write` run on the same source: a job is read, checked to be "pending",
 * then processed by a call to another object (which opens the gate; the call takes about 50 ms),
 * then marked "completed".
 *
 * - 10 concurrent requests for one pending job: it is processed more than once (10 times here:
 *   every request passed the check during another's call), and the rule reports the stale check;
 * - the same code inside `blockConcurrencyWhile` (the rule's suggestion), or the job claimed
 *   ("running") before the call: processed once, and the rule is silent;
 * - the same three with a SQL row (`SELECT status` … `UPDATE items SET status = …`; the claim is a
 *   conditional `UPDATE … AND status = 'pending'` whose `rowsWritten` is checked);
 * - a team chosen by `SELECT … WHERE n < 4`, an RPC, then `UPDATE teams SET n = n + 1`: concurrent
 *   joins overfill it (the row was chosen by a check that is stale when the UPDATE runs), and the
 *   rule reports it; with `AND n < 4` in the UPDATE and `rowsWritten` checked it stops at 4, silent.
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
export class SqlJobs extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS items (id TEXT PRIMARY KEY, status TEXT)");
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS teams (id TEXT PRIMARY KEY, n INTEGER)");
  }
  runner() { return this.env.RUNNER.get(this.env.RUNNER.idFromName("r")); }
  async seed(id) {
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO items VALUES (?, 'pending')", id);
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO teams VALUES (?, 0)", id);
  }
  async sqlChecked(id) {
    const row = this.ctx.storage.sql.exec("SELECT status FROM items WHERE id = ?", id).toArray()[0];
    if (row?.status === "pending") {
      await this.runner().run(id);
      this.ctx.storage.sql.exec("UPDATE items SET status = 'completed' WHERE id = ?", id);
    }
  }
  async sqlHeld(id) {
    await this.ctx.blockConcurrencyWhile(async () => {
      const row = this.ctx.storage.sql.exec("SELECT status FROM items WHERE id = ?", id).toArray()[0];
      if (row?.status === "pending") {
        await this.runner().run(id);
        this.ctx.storage.sql.exec("UPDATE items SET status = 'completed' WHERE id = ?", id);
      }
    });
  }
  async sqlClaimed(id) {
    const { rowsWritten } = this.ctx.storage.sql.exec("UPDATE items SET status = 'running' WHERE id = ? AND status = 'pending'", id);
    if (rowsWritten === 0) return;
    await this.runner().run(id);
    this.ctx.storage.sql.exec("UPDATE items SET status = 'completed' WHERE id = ?", id);
  }
  async join(id) {
    const team = this.ctx.storage.sql.exec("SELECT id FROM teams WHERE n < 4 AND id = ?", id).toArray()[0];
    if (!team) return;
    await this.runner().run(id);
    this.ctx.storage.sql.exec("UPDATE teams SET n = n + 1 WHERE id = ?", team.id);
  }
  async joinReTested(id) {
    const team = this.ctx.storage.sql.exec("SELECT id FROM teams WHERE n < 4 AND id = ?", id).toArray()[0];
    if (!team) return;
    await this.runner().run(id);
    const { rowsWritten } = this.ctx.storage.sql.exec("UPDATE teams SET n = n + 1 WHERE id = ? AND n < 4", team.id);
    if (rowsWritten === 0) throw new Error("the team filled up");
  }
  async members(id) { return this.ctx.storage.sql.exec("SELECT n FROM teams WHERE id = ?", id).one().n; }
}
export default {
  async fetch(request, env) {
    const [, method, id] = new URL(request.url).pathname.split("/");
    if (method === "runs") return Response.json(await env.RUNNER.get(env.RUNNER.idFromName("r")).runs(id));
    const ns = method.startsWith("sql") || method.startsWith("join") || method === "members" || method === "seedSql" ? env.SQL_JOBS : env.JOBS;
    const stub = ns.get(ns.idFromName("j"));
    if (method === "members") return Response.json(await stub.members(id));
    try {
      await stub[method === "seedSql" ? "seed" : method](id);
      return new Response("ok");
    } catch (e) {
      return new Response(String(e), { status: 409 });
    }
  },
};
`;

let mf: Miniflare;
const runs: Record<string, number> = {};
/** Members of the team after the concurrent joins (its capacity is 4). */
const members: Record<string, number> = {};

beforeAll(async () => {
  mf = new Miniflare({
    modules: true,
    script: WORKER,
    compatibilityDate: "2026-07-01",
    durableObjects: {
      JOBS: { className: "Jobs", useSQLite: true },
      SQL_JOBS: { className: "SqlJobs", useSQLite: true },
      RUNNER: { className: "Runner", useSQLite: true },
    },
  });
  for (const method of ["checked", "held", "claimed", "sqlChecked", "sqlHeld", "sqlClaimed", "join", "joinReTested"]) {
    const id = `${method}-job`;
    await (await mf.dispatchFetch(`http://do/${method.startsWith("sql") || method.startsWith("join") ? "seedSql" : "seed"}/${id}`)).text();
    await Promise.all(Array.from({ length: CONCURRENCY }, () => mf.dispatchFetch(`http://do/${method}/${id}`).then((r) => r.text())));
    runs[method] = (await (await mf.dispatchFetch(`http://do/runs/${id}`)).json()) as number;
    if (method.startsWith("join")) members[method] = (await (await mf.dispatchFetch(`http://do/members/${id}`)).json()) as number;
  }
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
});

/** The methods the rule reports, with the message id. */
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
  });

  it("inside blockConcurrencyWhile, or claimed before the call: processed once, and the rule is silent", () => {
    expect(runs.held).toBe(1);
    expect(runs.claimed).toBe(1);
  });

  it(`SQL: a pending row checked, processed over RPC, then updated: ${CONCURRENCY} concurrent requests process it more than once; held or claimed (a conditional UPDATE, rowsWritten checked) before the call, once`, () => {
    expect(runs.sqlChecked).toBeGreaterThan(1);
    expect(runs.sqlHeld).toBe(1);
    expect(runs.sqlClaimed).toBe(1);
  });

  it(`SQL: a team chosen by \`n < 4\`, then an RPC, then \`n = n + 1\`: ${CONCURRENCY} concurrent joins overfill it; with \`AND n < 4\` in the UPDATE it stops at 4`, () => {
    expect(members.join).toBeGreaterThan(4);
    expect(members.joinReTested).toBe(4);
  });

  it("the rule reports exactly the stale checks: the key, the SQL row, and the team chosen by a stale check", () => {
    expect(reported()).toEqual(["checked: staleCheck", "sqlChecked: staleRowCheck", "join: staleRowCheck"]);
  });
});
