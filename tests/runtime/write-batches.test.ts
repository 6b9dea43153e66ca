/**
 * When Durable Object storage writes commit, measured on workerd (Miniflare), on both storage
 * backends (SQLite-backed, and the legacy key-value one), with `prefer-coalesced-writes` run on the
 * same source. `prefer-coalesced-writes` relies on these facts (docs/rules/prefer-coalesced-writes.md):
 *
 * - A crash is `ctx.abort()`: the instance is thrown away with whatever it has not committed. Right
 *   after three awaited `put`s, or after `await put()` then `await get()` / `list()` of another key,
 *   it leaves **nothing** stored: awaiting storage does not commit, and the writes before and after
 *   an awaited storage read are one batch.
 * - An await of a timer, a `fetch()` or `storage.sync()` commits: `ctx.abort()` after it leaves
 *   the write stored.
 * - A read sees an earlier write that was not awaited (`put(k, 7)`, then `await get(k)` is 7).
 * - A write that fails (a value too large, `SQLITE_TOOBIG`) after an earlier write leaves the earlier
 *   one stored, awaited or not: coalescing is not all or nothing when a write fails.
 * - `transaction()` is: the same failure inside it stores nothing, a `throw` in it undoes its writes,
 *   and its reads see its own writes (a transfer to the same account keeps the balance).
 */
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import rule from "../../rules/prefer-coalesced-writes.js";
import { lintWith } from "../helpers/rule-tester.js";

const WORKER = `import { DurableObject } from "cloudflare:workers";
const TOO_BIG = "x".repeat(3_000_000);
export class Batches extends DurableObject {
  async threeAwaitedPuts() { await this.ctx.storage.put("a", 1); await this.ctx.storage.put("b", 2); await this.ctx.storage.put("c", 3); this.ctx.abort("crash"); }
  async awaitedPutThenGet() { await this.ctx.storage.put("a", 1); await this.ctx.storage.get("other"); this.ctx.abort("crash"); }
  async awaitedPutThenList() { await this.ctx.storage.put("a", 1); await this.ctx.storage.list({ prefix: "x" }); this.ctx.abort("crash"); }
  async putThenTimer() { await this.ctx.storage.put("a", 1); await scheduler.wait(1); this.ctx.abort("crash"); }
  async putThenFetch() { await this.ctx.storage.put("a", 1); await fetch("http://services/ping"); this.ctx.abort("crash"); }
  async putThenSync() { await this.ctx.storage.put("a", 1); await this.ctx.storage.sync(); this.ctx.abort("crash"); }
  async readsUnawaitedPut() { this.ctx.storage.put("a", 7); return await this.ctx.storage.get("a"); }
  async failsAfterAwaitedPut() { await this.ctx.storage.put("a", 1); await this.ctx.storage.get("b"); await this.ctx.storage.put("b", TOO_BIG); }
  async failsAfterUnawaitedPut() { this.ctx.storage.put("a", 1); await this.ctx.storage.get("b"); await this.ctx.storage.put("b", TOO_BIG); }
  async failsInTransaction() {
    await this.ctx.storage.transaction(async (txn) => { await txn.put("a", 1); await txn.get("b"); await txn.put("b", TOO_BIG); });
  }
  async throwsInTransaction() {
    await this.ctx.storage.transaction(async (txn) => { await txn.put("a", 1); throw new Error("boom"); });
  }
  async selfTransfer() {
    await this.ctx.storage.put("acc", 10);
    await this.ctx.storage.transaction(async (txn) => {
      const from = (await txn.get("acc")) ?? 0;
      await txn.put("acc", from - 5);
      const to = (await txn.get("acc")) ?? 0;
      await txn.put("acc", to + 5);
    });
    return await this.ctx.storage.get("acc");
  }
  async keys() { return [...(await this.ctx.storage.list()).keys()]; }
}
export class LegacyBatches extends Batches {}
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.hostname === "services") return new Response("ok");
    const [, backend, name, method] = url.pathname.split("/");
    const ns = backend === "sqlite" ? env.SQLITE : env.KV;
    const stub = ns.get(ns.idFromName(name));
    try {
      return Response.json({ value: (await stub[method]()) ?? null });
    } catch (e) {
      return Response.json({ error: String(e.message).slice(0, 60) });
    }
  },
};
`;

const BACKENDS = ["sqlite", "kv"] as const;
type Outcome = { value?: unknown; error?: string };
/** Per backend and method: what the call returned or threw, and the keys stored afterwards. */
const results: Record<string, { call: Outcome; keys: string[] }> = {};
const METHODS = [
  "threeAwaitedPuts",
  "awaitedPutThenGet",
  "awaitedPutThenList",
  "putThenTimer",
  "putThenFetch",
  "putThenSync",
  "readsUnawaitedPut",
  "failsAfterAwaitedPut",
  "failsAfterUnawaitedPut",
  "failsInTransaction",
  "throwsInTransaction",
  "selfTransfer",
];

let mf: Miniflare | undefined;

beforeAll(async () => {
  mf = new Miniflare({
    modules: true,
    script: WORKER,
    compatibilityDate: "2026-07-01",
    durableObjects: { SQLITE: { className: "Batches", useSQLite: true }, KV: { className: "LegacyBatches", useSQLite: false } },
    outboundService: (request: Request) =>
      new URL(request.url).hostname === "services" ? new Response("ok") : new Response("no", { status: 502 }),
  });
  for (const backend of BACKENDS) {
    for (const method of METHODS) {
      const call = (await (await mf.dispatchFetch(`http://do/${backend}/${method}/${method}`)).json()) as Outcome;
      const keys = ((await (await mf.dispatchFetch(`http://do/${backend}/${method}/keys`)).json()) as Outcome).value as string[];
      results[`${backend}:${method}`] = { call, keys };
    }
  }
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
});

const keysAfter = (backend: string, method: string) => results[`${backend}:${method}`].keys;

describe.each(BACKENDS)("write batches on workerd, %s backend", (backend) => {
  it("a crash right after awaited writes, or after an awaited storage read between them, leaves nothing stored: one batch", () => {
    expect(results[`${backend}:threeAwaitedPuts`].call).toEqual({ error: "crash" });
    expect(keysAfter(backend, "threeAwaitedPuts")).toEqual([]);
    expect(keysAfter(backend, "awaitedPutThenGet")).toEqual([]);
    expect(keysAfter(backend, "awaitedPutThenList")).toEqual([]);
  });

  it("a timer, a fetch or sync() commits the batch: the write survives the crash after it", () => {
    expect(keysAfter(backend, "putThenTimer")).toEqual(["a"]);
    expect(keysAfter(backend, "putThenFetch")).toEqual(["a"]);
    expect(keysAfter(backend, "putThenSync")).toEqual(["a"]);
  });

  it("a read sees an earlier write that was not awaited", () => {
    expect(results[`${backend}:readsUnawaitedPut`].call).toEqual({ value: 7 });
  });

  it("a failing write leaves the earlier write stored, awaited or not; in transaction() it stores nothing", () => {
    const tooBig = { error: "string or blob too big: SQLITE_TOOBIG" };
    expect(results[`${backend}:failsAfterAwaitedPut`]).toEqual({ call: tooBig, keys: ["a"] });
    expect(results[`${backend}:failsAfterUnawaitedPut`]).toEqual({ call: tooBig, keys: ["a"] });
    expect(results[`${backend}:failsInTransaction`]).toEqual({ call: tooBig, keys: [] });
    expect(results[`${backend}:throwsInTransaction`]).toEqual({ call: { error: "boom" }, keys: [] });
  });

  it("reads in a transaction see its own writes: a transfer to the same account keeps the balance", () => {
    expect(results[`${backend}:selfTransfer`].call).toEqual({ value: 10 });
  });
});

describe("prefer-coalesced-writes on the same source", () => {
  it("reports the awaited writes that fail part-way, not the transaction, the un-awaited write or the writes split by a commit", () => {
    const lines = WORKER.split("\n");
    const reported = lintWith("prefer-coalesced-writes", rule, WORKER, [], "worker.js").map(
      (m) => /^\s*async (\w+)\(/.exec(lines[m.line - 1])?.[1],
    );
    expect(reported).toEqual(["threeAwaitedPuts", "failsAfterAwaitedPut"]);
  });
});
