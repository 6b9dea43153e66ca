/**
 * What the helper analysis relies on, measured on workerd (Miniflare), 50 concurrent calls to one
 * object each, with `no-unsafe-read-modify-write` run on the same source:
 *
 * - read through `loadRoom()`, await an RPC on another object, write back through `saveRoom()`:
 *   updates are lost, and the rule reports it;
 * - awaiting an async helper that returns a Durable Object stub (`env.NS.get(id)`), a `new Map(…)`
 *   or `Object.fromEntries(await storage.list())` between a read and its write-back: the input gate
 *   stays closed (every update kept), and the rule is silent;
 * - awaiting an RPC on the stub that helper returned: updates are lost, and the rule reports it.
 */
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import rule from "../../rules/no-unsafe-read-modify-write.js";
import { lintWith } from "../helpers/rule-tester.js";

const CONCURRENCY = 50;
const WORKER = `import { DurableObject } from "cloudflare:workers";
export class Other extends DurableObject {
  async ping() { return 1; }
}
export class Counter extends DurableObject {
  async loadRoom() { return (await this.ctx.storage.get("room")) ?? { n: 0 }; }
  async saveRoom(room) { await this.ctx.storage.put("room", room); }
  async peer() { const id = this.env.OTHER.idFromName("x"); return this.env.OTHER.get(id); }
  async seats() { return new Map((await this.ctx.storage.get("seats")) ?? []); }
  async all() { const entries = await this.ctx.storage.list(); return Object.fromEntries(entries); }
  async helpers() { const room = await this.loadRoom(); const p = await this.peer(); await p.ping(); room.n++; await this.saveRoom(room); }
  async stub() { const n = (await this.ctx.storage.get("stub")) ?? 0; await this.peer(); await this.ctx.storage.put("stub", n + 1); }
  async map() { const n = (await this.ctx.storage.get("map")) ?? 0; await this.seats(); await this.ctx.storage.put("map", n + 1); }
  async entries() { const n = (await this.ctx.storage.get("entries")) ?? 0; await this.all(); await this.ctx.storage.put("entries", n + 1); }
  async rpc() { const n = (await this.ctx.storage.get("rpc")) ?? 0; const p = await this.peer(); await p.ping(); await this.ctx.storage.put("rpc", n + 1); }
  async read() {
    return { helpers: (await this.ctx.storage.get("room"))?.n, stub: await this.ctx.storage.get("stub"), map: await this.ctx.storage.get("map"), entries: await this.ctx.storage.get("entries"), rpc: await this.ctx.storage.get("rpc") };
  }
}
export default {
  async fetch(request, env) {
    const stub = env.COUNTER.get(env.COUNTER.idFromName("c"));
    const method = new URL(request.url).pathname.slice(1);
    return method === "read" ? Response.json(await stub.read()) : (await stub[method](), new Response("ok"));
  },
};
`;

let mf: Miniflare;
let counts: Record<string, number>;

beforeAll(async () => {
  mf = new Miniflare({
    modules: true,
    script: WORKER,
    compatibilityDate: "2026-07-01",
    durableObjects: { COUNTER: { className: "Counter", useSQLite: true }, OTHER: { className: "Other", useSQLite: true } },
  });
  for (const method of ["helpers", "stub", "map", "entries", "rpc"]) {
    await Promise.all(Array.from({ length: CONCURRENCY }, () => mf.dispatchFetch(`http://do/${method}`).then((r) => r.text())));
  }
  counts = (await (await mf.dispatchFetch("http://do/read")).json()) as Record<string, number>;
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
});

/** The methods of `Counter` the rule reports a lost update in. */
function reportedMethods(): string[] {
  const lines = WORKER.split("\n");
  return lintWith("no-unsafe-read-modify-write", rule, WORKER, [], "worker.js").map(
    (m) => /^\s*async (\w+)\(/.exec(lines[m.line - 1])?.[1] ?? `line ${m.line}`,
  );
}

describe("the input gate around helpers, on workerd", () => {
  it(`load/save helpers around an RPC lose updates (${CONCURRENCY} calls), and the rule reports them`, () => {
    expect(counts.helpers).toBeLessThan(CONCURRENCY);
    expect(reportedMethods()).toContain("helpers");
  });

  it("awaiting a helper that returns a stub, a Map or Object.fromEntries keeps the gate closed, and the rule is silent", () => {
    expect([counts.stub, counts.map, counts.entries]).toEqual([CONCURRENCY, CONCURRENCY, CONCURRENCY]);
  });

  it("an RPC on the stub opens the gate, and the rule reports it", () => {
    expect(counts.rpc).toBeLessThan(CONCURRENCY);
    expect(reportedMethods()).toEqual(["helpers", "rpc"]);
  });
});
