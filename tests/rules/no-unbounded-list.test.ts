import rule from "../../rules/no-unbounded-list.js";
import { CURRENT_DOCS, OLDER_DOCS, docBlocks, patternDocCases } from "../helpers/pattern-docs.js";
import { runRuleTests } from "../helpers/rule-tester.js";

const DO = `import { DurableObject } from "cloudflare:workers";\n`;
/** A Durable Object whose `m(opts)` body (line 4) is `body`. */
const m = (body: string) => `${DO}export class C extends DurableObject<Env> {
  async m(opts: DurableObjectListOptions) {
    ${body}
  }
}`;

runRuleTests("no-unbounded-list", rule, {
  valid: [
    ...patternDocCases(() => docBlocks(CURRENT_DOCS).map((b) => ({ name: `pattern docs: ${b.heading}`, code: b.code }))),
    ...patternDocCases(() => docBlocks(OLDER_DOCS).map((b) => ({ name: `older pattern docs: ${b.heading}`, code: b.code }))),
    { name: "a limit", code: m(`return this.ctx.storage.list({ prefix: "item:", limit: 100 });`) },
    {
      name: "a limit with startAfter (a page)",
      code: m(`return this.ctx.storage.list({ prefix: "item:", startAfter: "item:9", limit: 100 });`),
    },
    { name: "a shorthand limit", code: m(`const limit = 10;\n    return this.ctx.storage.list({ limit });`) },
    {
      name: "a quoted or computed-literal limit key",
      code: m(`await this.ctx.storage.list({ "limit": 10 });\n    await this.ctx.storage.list({ ["limit"]: 10 });`),
    },
    {
      name: "limit: undefined is still a limit property (unknown value: silent)",
      code: m(`return this.ctx.storage.list({ limit: undefined });`),
    },
    { name: "options from a variable (unknown)", code: m(`return this.ctx.storage.list(opts);`) },
    { name: "a spread in the options literal may hold a limit", code: m(`return this.ctx.storage.list({ ...opts, prefix: "a" });`) },
    { name: "a spread argument", code: m(`const args = [opts] as const;\n    return this.ctx.storage.list(...args);`) },
    {
      name: "a computed key that is not static",
      code: m(`const k = "limit";\n    return this.ctx.storage.list({ [k]: 10, prefix: "a" });`),
    },
    {
      name: "a conditional options argument",
      code: m(`return this.ctx.storage.list(opts.prefix ? { prefix: opts.prefix, limit: 5 } : opts);`),
    },
    { name: "the synchronous KV API returns an iterator", code: m(`for (const [k] of this.ctx.storage.kv.list()) console.log(k);`) },
    { name: "Workers KV list() is paged by the service", code: m(`return this.env.CACHE.list();`) },
    { name: "R2 bucket.list()", code: `export async function f(bucket: R2Bucket) { return bucket.list(); }` },
    {
      name: "a Map and a same-named method on a plain object",
      code: `const store = { list() { return []; } };\nstore.list();\nconst storage = new Map<string, number>();\n(storage as any).list();`,
    },
    {
      name: "an RPC stub's list() is the user's own method",
      code: m(`const stub = this.env.ROOM.get(this.env.ROOM.idFromName("a"));\n    return stub.list();`),
    },
    {
      name: "list() on something named storage that is not DO storage",
      code: `export async function f(storage: { list(): Promise<string[]> }) { return storage.list(); }`,
    },
    { name: "the SQL API", code: m(`return this.ctx.storage.sql.exec("SELECT * FROM items").toArray();`) },
  ],
  invalid: [
    {
      name: "no argument",
      code: m(`return this.ctx.storage.list();`),
      errors: [{ messageId: "unbounded", line: 4, column: 12, endColumn: 35 }],
    },
    {
      name: "a prefix alone does not bound it",
      code: m(`const items = await this.ctx.storage.list<string>({ prefix: "item:" });\n    return items.size;`),
      errors: [{ messageId: "rangeOnly", line: 4, column: 25, endColumn: 75 }],
    },
    {
      name: "start and end alone, through a const alias of storage",
      code: m(`const storage = this.ctx.storage;\n    return storage.list({ start: "a", end: "b" });`),
      errors: [{ messageId: "rangeOnly", line: 5, column: 12, endColumn: 50 }],
    },
    {
      name: "options that bound nothing: reverse, noCache",
      code: m(`return this.ctx.storage.list({ reverse: true, noCache: true });`),
      errors: [{ messageId: "unbounded", line: 4, column: 12, endColumn: 67 }],
    },
    {
      name: "an options literal wrapped in satisfies; an optional call",
      code: m(`await this.ctx.storage.list({ prefix: "a" } satisfies DurableObjectListOptions);\n    await this.ctx.storage?.list();`),
      errors: [
        { messageId: "rangeOnly", line: 4, column: 11, endColumn: 84 },
        { messageId: "unbounded", line: 5, column: 11, endColumn: 35 },
      ],
    },
    {
      name: "a transaction's list()",
      code: m(
        `await this.ctx.storage.transaction(async (txn) => {\n      const all = await txn.list();\n      await txn.put("count", all.size);\n    });`,
      ),
      errors: [{ messageId: "unbounded", line: 5, column: 25, endColumn: 35 }],
    },
    {
      name: "a function taking DurableObjectStorage",
      code: `export function dump(storage: DurableObjectStorage) {\n  return storage.list({ prefix: "user:" });\n}`,
      errors: [{ messageId: "rangeOnly", line: 2, column: 10, endColumn: 43 }],
    },
    {
      name: "the old module style, untyped",
      code: `export class Room {\n  constructor(state, env) { this.state = state; }\n  async fetch() {\n    const all = await this.state.storage.list();\n    return new Response(String(all.size));\n  }\n}`,
      errors: [{ messageId: "unbounded", line: 4, column: 23, endColumn: 48 }],
    },
  ],
});
