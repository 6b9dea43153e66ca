/**
 * What each storage backend accepts, measured on workerd (Miniflare): the same probe class bound
 * once on the key-value backend (`useSQLite: false`, what wrangler's `new_classes` gives) and once
 * on SQLite, at compatibility dates 2024-09-01 and 2026-07-01. require-sqlite-backend reports
 * exactly the calls that throw on the key-value backend and work on SQLite.
 */
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PROBES: Record<string, string> = {
  sqlAccess: "const s = this.ctx.storage.sql; return typeof s;",
  sqlExec: "return this.ctx.storage.sql.exec('SELECT 1 AS x').one().x;",
  databaseSize: "return typeof this.ctx.storage.sql.databaseSize;",
  kvAccess: "const k = this.ctx.storage.kv; return typeof k;",
  kvPut: "this.ctx.storage.kv.put('a', 1); return 'ok';",
  kvGet: "return this.ctx.storage.kv.get('a') ?? null;",
  transactionSync: "return this.ctx.storage.transactionSync(() => 7);",
  asyncPut: "await this.ctx.storage.put('a', 1); return await this.ctx.storage.get('a');",
  currentBookmark: "return typeof (await this.ctx.storage.getCurrentBookmark());",
  bookmarkForTime: "return typeof (await this.ctx.storage.getBookmarkForTime(Date.now() - 1000));",
  onNextSession: "return typeof (await this.ctx.storage.onNextSessionRestoreBookmark('x'));",
};

const WORKER = `import { DurableObject } from "cloudflare:workers";
class Probe extends DurableObject {
${Object.entries(PROBES)
  .map(([name, body]) => `  async ${name}() { ${body} }`)
  .join("\n")}
}
export class KeyValue extends Probe {}
export class Sqlite extends Probe {}
export default {
  async fetch(request, env) {
    const [, ns, method] = new URL(request.url).pathname.split("/");
    const stub = env[ns].get(env[ns].idFromName("probe"));
    try { return Response.json({ value: await stub[method]() }); } catch (e) { return Response.json({ error: String(e) }); }
  },
};
`;

const DATES = ["2024-09-01", "2026-07-01"];
type Outcome = { value?: unknown; error?: string };
/** Outcome by `date backend probe`. */
const outcomes = new Map<string, Outcome>();

beforeAll(async () => {
  for (const date of DATES) {
    const mf = new Miniflare({
      modules: true,
      script: WORKER,
      compatibilityDate: date,
      durableObjects: { KV: { className: "KeyValue", useSQLite: false }, SQL: { className: "Sqlite", useSQLite: true } },
    });
    try {
      for (const ns of ["KV", "SQL"]) {
        for (const probe of Object.keys(PROBES)) {
          outcomes.set(`${date} ${ns} ${probe}`, (await (await mf.dispatchFetch(`http://do/${ns}/${probe}`)).json()) as Outcome);
        }
      }
    } finally {
      await mf.dispose();
    }
  }
}, 60_000);

afterAll(() => outcomes.clear());

const SQL_DISABLED =
  /^Error: SQL is not enabled for this Durable Object class\. To enable it, change `new_classes` to `new_sqlite_classes`/;
const KV_SQLITE_ONLY = /^Error: The storage\.kv \(synchronous KV\) API is only available for SQLite-backed Durable Objects/;
const NO_PITR = "Error: This Durable Object's storage back-end does not implement point-in-time recovery.";

describe.each(DATES)("storage backends at compatibility date %s", (date) => {
  const on = (ns: string, probe: string): Outcome => outcomes.get(`${date} ${ns} ${probe}`)!;

  it("key-value backend: sql.exec and sql.databaseSize throw; reaching ctx.storage.sql does not", () => {
    expect(on("KV", "sqlExec").error).toMatch(SQL_DISABLED);
    expect(on("KV", "databaseSize").error).toMatch(SQL_DISABLED);
    expect(on("KV", "sqlAccess")).toEqual({ value: "object" });
  });

  it("key-value backend: storage.kv.put and get throw; reaching ctx.storage.kv does not", () => {
    expect(on("KV", "kvPut").error).toMatch(KV_SQLITE_ONLY);
    expect(on("KV", "kvGet").error).toMatch(KV_SQLITE_ONLY);
    expect(on("KV", "kvAccess")).toEqual({ value: "object" });
  });

  it("key-value backend: the asynchronous API and transactionSync work", () => {
    expect(on("KV", "asyncPut")).toEqual({ value: 1 });
    expect(on("KV", "transactionSync")).toEqual({ value: 7 });
  });

  it("SQLite backend: every one of those calls works", () => {
    expect(on("SQL", "sqlExec")).toEqual({ value: 1 });
    expect(on("SQL", "databaseSize")).toEqual({ value: "number" });
    expect(on("SQL", "kvPut")).toEqual({ value: "ok" });
    expect(on("SQL", "kvGet")).toEqual({ value: 1 });
    expect(on("SQL", "transactionSync")).toEqual({ value: 7 });
  });

  it("point-in-time recovery: getCurrentBookmark works and the other two throw, on both backends alike (so nothing to report)", () => {
    for (const ns of ["KV", "SQL"]) {
      expect(on(ns, "currentBookmark")).toEqual({ value: "string" });
      expect(on(ns, "bookmarkForTime")).toEqual({ error: NO_PITR });
      expect(on(ns, "onNextSession")).toEqual({ error: NO_PITR });
    }
  });
});
