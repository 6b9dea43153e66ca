/**
 * The Agents SDK's `` this.sql`…` `` on workerd (Miniflare, SQLite-backed, compatibility date
 * 2026-07-01). The SDK's `sql` (partyserver's `Server#sql`, which `Agent` inherits) joins the
 * template's strings with `?` and runs them with `ctx.storage.sql.exec(query, ...values)`,
 * returning the rows as an array. The probe class below has a `sql` that does the same, written
 * here, so that what the SQL rules report in the tag form is measured on the runtime: the
 * statements workerd rejects through `exec` are rejected through the tag, and the suggestions'
 * outputs run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CREATE_MIGRATIONS } from "../../rules/no-pragma-user-version.js";
import { RUNTIME_ERROR } from "../../rules/no-sql-transaction-statements.js";
import { collectOutcomes } from "./harness.js";

/** Each probe is the body of a function of the object `o`, in the tag form; the rows it returns, or what it throws. */
const PROBES: Record<string, string> = {
  readVersion: "return o.sql`PRAGMA user_version`;",
  writeVersion: "return o.sql`PRAGMA user_version = 2`;",
  // The outputs of no-pragma-user-version's suggestions in the tag form.
  suggestedRead: `return o.sql\`${CREATE_MIGRATIONS}; SELECT COALESCE(MAX(id), 0) AS user_version FROM _sql_schema_migrations\`;`,
  suggestedWrite: `o.sql\`${CREATE_MIGRATIONS}; INSERT INTO _sql_schema_migrations (id) VALUES (2)\`; return o.sql\`SELECT MAX(id) AS v FROM _sql_schema_migrations\`;`,
  suggestedBoundWrite: `o.sql\`${CREATE_MIGRATIONS}; INSERT INTO _sql_schema_migrations (id) VALUES (\${3})\`; return o.sql\`SELECT MAX(id) AS v, typeof(MAX(id)) AS t FROM _sql_schema_migrations\`;`,
  journalMode: "return o.sql`PRAGMA journal_mode = WAL`;",
  begin: "o.sql`BEGIN`; o.sql`CREATE TABLE IF NOT EXISTS b (x)`; o.sql`COMMIT`; return [];",
  // The output of no-sql-transaction-statements' suggestion in the tag form.
  transactionSync:
    "o.ctx.storage.transactionSync(() => { o.sql`CREATE TABLE IF NOT EXISTS t (x)`; o.sql`INSERT INTO t VALUES (${7})`; }); return o.sql`SELECT x FROM t`;",
  paramBeforeLast: 'return o.sql`CREATE TABLE IF NOT EXISTS u (a); INSERT INTO u VALUES (${"x"}); SELECT * FROM u`;',
  paramInLast: 'o.sql`CREATE TABLE IF NOT EXISTS w (a)`; return o.sql`CREATE TABLE IF NOT EXISTS w (a); SELECT ${"x"} AS v`;',
  like51: `return o.sql\`SELECT 'a' LIKE '${"%".repeat(51)}' AS v\`;`,
  params100: `return o.sql\`SELECT ${Array.from({ length: 100 }, () => "${1}").join(", ")}\`.length;`,
  params101: `return o.sql\`SELECT ${Array.from({ length: 101 }, () => "${1}").join(", ")}\`.length;`,
  boundQuote: 'return o.sql`SELECT ${"it\'s"} AS v, typeof(${2}) AS t`;',
};

const WORKER = `import { DurableObject } from "cloudflare:workers";
const PROBES = {
${Object.entries(PROBES)
  .map(([name, body]) => `  ${name}: (o) => { ${body} },`)
  .join("\n")}
};
export class Chat extends DurableObject {
  sql(strings, ...values) {
    return [...this.ctx.storage.sql.exec(strings.join("?"), ...values)];
  }
  run(name) {
    try {
      return { rows: PROBES[name](this) };
    } catch (e) {
      return { error: String(e) };
    }
  }
}
export default {
  async fetch(request, env) {
    const name = new URL(request.url).pathname.slice(1);
    return Response.json(await env.CHAT.get(env.CHAT.idFromName(name)).run(name));
  },
};
`;

type Outcome = { rows?: unknown; error?: string };
let outcomes = new Map<string, Outcome>();

beforeAll(async () => {
  outcomes = await collectOutcomes<Outcome>(
    { modules: true, script: WORKER, compatibilityDate: "2026-07-01", durableObjects: { CHAT: { className: "Chat", useSQLite: true } } },
    Object.keys(PROBES),
    (mf, name) => mf.dispatchFetch(`http://do/${name}`),
  );
}, 60_000);

afterAll(() => outcomes.clear());

const error = (name: string): string | undefined => outcomes.get(name)?.error;

describe("the Agents SDK's sql tag on workerd: what runs through exec fails through the tag", () => {
  it("PRAGMA user_version, read or written, throws SQLITE_AUTH; the suggestions' migrations table works", () => {
    expect(error("readVersion")).toBe("Error: not authorized: SQLITE_AUTH");
    expect(error("writeVersion")).toBe("Error: not authorized: SQLITE_AUTH");
    expect(outcomes.get("suggestedRead")).toEqual({ rows: [{ user_version: 0 }] });
    expect(outcomes.get("suggestedWrite")).toEqual({ rows: [{ v: 2 }] });
    // The version bound through the tag: a JavaScript number, stored as the integer key.
    expect(outcomes.get("suggestedBoundWrite")).toEqual({ rows: [{ v: 3, t: "integer" }] });
  });

  it("a denied PRAGMA throws SQLITE_AUTH", () => {
    expect(error("journalMode")).toBe("Error: not authorized: SQLITE_AUTH");
  });

  it("BEGIN throws the runtime's transaction error; transactionSync around the tags works", () => {
    expect(error("begin")?.startsWith(`Error: ${RUNTIME_ERROR} `)).toBe(true);
    expect(outcomes.get("transactionSync")).toEqual({ rows: [{ x: 7 }] });
  });

  it("a ${…} before the last statement throws; in the last one it is bound", () => {
    expect(error("paramBeforeLast")).toBe(
      "Error: When executing multiple SQL statements in a single call, only the last statement can have parameters.",
    );
    expect(outcomes.get("paramInLast")).toEqual({ rows: [{ v: "x" }] });
  });

  it("SQLite's limits apply: a LIKE pattern over 50 bytes, more than 100 ${…}", () => {
    expect(error("like51")).toBe("Error: LIKE or GLOB pattern too complex: SQLITE_ERROR");
    expect(outcomes.get("params100")).toEqual({ rows: 1 });
    expect(error("params101")).toMatch(/^Error: too many SQL variables at offset \d+: SQLITE_ERROR$/);
  });

  it("each ${…} is a bound value, not SQL text", () => {
    // A JavaScript number is bound as a double.
    expect(outcomes.get("boundQuote")).toEqual({ rows: [{ v: "it's", t: "real" }] });
  });
});
