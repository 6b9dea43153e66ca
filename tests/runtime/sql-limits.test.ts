/**
 * SQLite's limits on Durable Object SQL, measured on workerd (Miniflare, SQLite-backed, compatibility
 * date 2026-07-01): parameters per statement, bytes of SQL text per `exec()`, bytes of a LIKE/GLOB
 * pattern, and what `exec()` does with an array as its bindings. valid-sql-exec reports each past
 * its limit (src/analysis/sql.ts: MAX_PARAMETERS, MAX_SQL_BYTES, MAX_PATTERN_BYTES).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_PARAMETERS, MAX_PATTERN_BYTES, MAX_SQL_BYTES } from "../../src/analysis/sql.js";
import { collectOutcomes } from "./harness.js";

/** SQL text of exactly `bytes` UTF-8 bytes: a SELECT of one string literal of `char` (1 or 2 bytes). */
const textOf = (bytes: number, char: "x" | "é"): string => {
  const frame = "SELECT '' AS v".length;
  const n = (bytes - frame) / (char === "x" ? 1 : 2);
  if (!Number.isInteger(n)) throw new Error(`no text of ${bytes} bytes with ${char}`);
  return `SELECT '${char.repeat(n)}' AS v`;
};
const params = (n: number): string => `SELECT ${Array.from({ length: n }, () => "?").join(", ")}`;

/** [SQL, bindings] of each probe. */
const PROBES: Record<string, [string, unknown[]]> = {
  params100: [params(MAX_PARAMETERS), new Array(MAX_PARAMETERS).fill(1)],
  params101: [params(MAX_PARAMETERS + 1), new Array(MAX_PARAMETERS + 1).fill(1)],
  numbered101: ["SELECT ?101 AS v", new Array(101).fill(1)],
  bytes100000: [textOf(MAX_SQL_BYTES, "x"), []],
  bytes100001: [textOf(MAX_SQL_BYTES + 1, "x"), []],
  bytes100000utf8: [textOf(MAX_SQL_BYTES, "é"), []],
  bytes100002utf8: [textOf(MAX_SQL_BYTES + 2, "é"), []],
  twoStatements: [`${textOf(60_000, "x")}; ${textOf(60_000, "x")}`, []],
  like50: [`SELECT 'a' LIKE '${"%".repeat(MAX_PATTERN_BYTES)}' AS v`, []],
  like51: [`SELECT 'a' LIKE '${"%".repeat(MAX_PATTERN_BYTES + 1)}' AS v`, []],
  like50utf8: [`SELECT 'a' LIKE '${"é".repeat(25)}' AS v`, []],
  like52utf8: [`SELECT 'a' LIKE '${"é".repeat(26)}' AS v`, []],
  glob51: [`SELECT 'a' GLOB '${"*".repeat(51)}' AS v`, []],
  notLike51: [`SELECT 'a' NOT LIKE '${"%".repeat(51)}' AS v`, []],
  likeFunction51: [`SELECT like('${"%".repeat(51)}', 'a') AS v`, []],
  like51bound: ["SELECT 'a' LIKE ? AS v", ["%".repeat(51)]],
  arrayForTwo: ["SELECT ? AS a, ? AS b", [[1, 2]]],
  arrayForOne: ["SELECT ? AS v, typeof(?1) AS t", [["x", "y"]]],
};

const WORKER = `import { DurableObject } from "cloudflare:workers";
export class Probe extends DurableObject {
  run(sql, bindings) {
    try {
      const cursor = this.ctx.storage.sql.exec(sql, ...bindings);
      return { rows: cursor.toArray().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "string" && v.length > 20 ? v.length : v]))).slice(0, 1) };
    } catch (e) {
      return { error: String(e) };
    }
  }
}
export default {
  async fetch(request, env) {
    const { sql, bindings } = await request.json();
    return Response.json(await env.PROBE.get(env.PROBE.idFromName("p")).run(sql, bindings));
  },
};
`;

type Outcome = { rows?: Record<string, unknown>[]; error?: string };
let outcomes = new Map<string, Outcome>();

beforeAll(async () => {
  outcomes = await collectOutcomes<Outcome>(
    { modules: true, script: WORKER, compatibilityDate: "2026-07-01", durableObjects: { PROBE: { className: "Probe", useSQLite: true } } },
    Object.keys(PROBES),
    (mf, name) => {
      const [sql, bindings] = PROBES[name];
      return mf.dispatchFetch("http://do/", { method: "POST", body: JSON.stringify({ sql, bindings }) });
    },
  );
}, 60_000);

afterAll(() => outcomes.clear());

const error = (name: string): string | undefined => outcomes.get(name)?.error;

describe("SQLite's limits on Durable Object SQL, on workerd", () => {
  it("100 parameters work; 101, or ?101, throw", () => {
    expect(error("params100")).toBeUndefined();
    expect(error("params101")).toMatch(/^Error: too many SQL variables at offset \d+: SQLITE_ERROR$/);
    expect(error("numbered101")).toBe("Error: variable number must be between ?1 and ?100 at offset 7: SQLITE_ERROR");
  });

  it("100,000 bytes of SQL text work, 100,001 throw, counted in UTF-8 and over the whole exec() text", () => {
    expect(error("bytes100000")).toBeUndefined();
    expect(error("bytes100001")).toBe("Error: statement too long: SQLITE_TOOBIG");
    expect(error("bytes100000utf8")).toBeUndefined();
    expect(error("bytes100002utf8")).toBe("Error: statement too long: SQLITE_TOOBIG");
    expect(error("twoStatements")).toBe("Error: statement too long: SQLITE_TOOBIG");
  });

  it("a LIKE or GLOB pattern of 50 bytes works, 51 throw: NOT LIKE, like(), a bound pattern and 2-byte characters alike", () => {
    expect(outcomes.get("like50")).toEqual({ rows: [{ v: 1 }] });
    expect(outcomes.get("like50utf8")).toEqual({ rows: [{ v: 0 }] });
    for (const name of ["like51", "like52utf8", "glob51", "notLike51", "likeFunction51", "like51bound"]) {
      expect(error(name), name).toBe("Error: LIKE or GLOB pattern too complex: SQLITE_ERROR");
    }
  });

  it("an array as the bindings is one value, the string of its items: wrong count for two parameters, stored as text for one", () => {
    expect(error("arrayForTwo")).toBe("Error: Wrong number of parameter bindings for SQL query.");
    expect(outcomes.get("arrayForOne")).toEqual({ rows: [{ v: "x,y", t: "text" }] });
  });
});
