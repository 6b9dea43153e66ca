import path from "node:path";
import { fileURLToPath } from "node:url";
import rule from "../../rules/no-unawaited-storage-read.js";
import { CURRENT_DOCS, docBlocks, patternDocCases } from "../helpers/pattern-docs.js";
import { RuleTester } from "../helpers/rule-tester.js";

const typedDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/typed");
const typed = {
  filename: path.join(typedDir, "file.ts"),
  languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: typedDir } },
};

const DO = `import { DurableObject } from "cloudflare:workers";\n`;
/** A Durable Object whose method `m(k, n)` has `body` on line 4, from column 5. */
const method = (body: string, isAsync = true) => `${DO}export class Room extends DurableObject<Env> {
  ${isAsync ? "async " : ""}m(k: string, n: number) {
    ${body}
  }
}`;

const AWAIT = "`await` it";
const SYNC =
  "`await` it: make this function `async` (its callers then get a Promise), or read the value in an `async` caller and pass it in";
const ELSEWHERE = "Read it with `await` inside an `async` function (`await` is not allowed here)";

new RuleTester().run("no-unawaited-storage-read", rule, {
  valid: [
    ...patternDocCases(() => docBlocks(CURRENT_DOCS).map((b) => ({ name: `pattern docs: ${b.heading}`, code: b.code }))),
    {
      name: "awaited in a condition (the pattern docs' BatchProcessor)",
      code: method(`if (!(await this.ctx.storage.getAlarm())) await this.ctx.storage.setAlarm(Date.now() + 5000);`),
    },
    { name: "`await get() + 1` awaits the call, then adds", code: method(`return await this.ctx.storage.get<number>("n") + 1;`) },
    { name: "awaited, then defaulted", code: method(`const v = (await this.ctx.storage.get<number>(k)) ?? 0;`) },
    { name: "returned", code: method(`return this.ctx.storage.get(k);`, false) },
    { name: "returned from an arrow", code: method(`return [k].map((key) => this.ctx.storage.get(key));`, false) },
    {
      name: "assigned to a variable, awaited later",
      code: method(`const p = this.ctx.storage.get(k);\n    if (n) return;\n    return (await p) === 1;`),
    },
    { name: "assigned to a field", code: method(`this.pending = this.ctx.storage.list();`, false) },
    {
      name: "passed as an argument",
      code: method(`this.remember(this.ctx.storage.get(k));\n    return Promise.resolve(this.ctx.storage.getAlarm());`, false),
    },
    {
      name: "Promise.all over an array",
      code: method(`const [a, b] = await Promise.all([this.ctx.storage.get("a"), this.ctx.storage.get("b")]);`),
    },
    { name: "void", code: method(`void this.ctx.storage.get(k);`, false) },
    {
      name: ".then / .catch / .finally use it as a Promise",
      code: method(
        `this.ctx.storage.get(k).then((v) => v);\n    this.ctx.storage.list()["catch"](() => {});\n    this.ctx.storage.getAlarm().finally(() => {});`,
        false,
      ),
    },
    { name: "a ternary of reads, awaited", code: method(`return await (n ? this.ctx.storage.get("a") : this.ctx.storage.get("b"));`) },
    { name: "the right side of a logical, returned", code: method(`return n > 0 && this.ctx.storage.get(k);`, false) },
    {
      name: "logical assignment keeps the Promise",
      code: method(`let p: unknown;\n    p ||= this.ctx.storage.get(k);\n    return p;`, false),
    },
    { name: "a sequence whose last element is not the read", code: method(`return (this.ctx.storage.get(k), n);`, false) },
    {
      name: "`instanceof Promise` asks about the Promise on purpose",
      code: method(`return this.ctx.storage.get(k) instanceof Promise;`, false),
    },
    { name: "typeof is not reported", code: method(`return typeof this.ctx.storage.get(k) === "object";`, false) },
    { name: "a tagged template's tag receives the Promise", code: method(`return tag\`\${this.ctx.storage.get(k)}\`;`, false) },
    {
      name: "a local String() is not the built-in",
      code: method(`const String = (x: unknown) => x;\n    return String(this.ctx.storage.get(k));`, false),
    },
    {
      name: "a later argument of JSON.stringify",
      code: method(`return JSON.stringify({ n }, null, this.ctx.storage.get(k) as never);`, false),
    },
    {
      name: "a Promise used as a key of another object",
      code: method(`const m = new Map();\n    return m.get(this.ctx.storage.get(k));`, false),
    },
    { name: "for…of over an array of Promises", code: method(`for (const p of [this.ctx.storage.get("a")]) await p;`) },
    { name: "destructuring `then` is Promise use", code: method(`const { then } = this.ctx.storage.get(k);\n    return then;`, false) },
    { name: "yield", code: `${DO}export class Room extends DurableObject {\n  *reads() { yield this.ctx.storage.get("a"); }\n}` },
    { name: "SQL cursors are not Promises", code: method(`if (this.ctx.storage.sql.exec("SELECT 1 AS x").one().x > 0) return;`, false) },
    {
      name: "storage.kv.get is synchronous",
      code: method(
        `if (!this.ctx.storage.kv.get(k)) this.ctx.storage.kv.put(k, 1);\n    return this.ctx.storage.kv.get<number>(k)! + 1;`,
        false,
      ),
    },
    {
      name: "Workers KV without await is not this rule's (a bug, but not Durable Object storage)",
      code: method(`if (!this.env.CACHE.get(k)) return;`),
    },
    {
      name: "Map#get",
      code: method(
        `const storage = new Map<string, number>();\n    if (!storage.get(k)) storage.set(k, 1);\n    return storage.get(k)! + 1;`,
        false,
      ),
    },
    {
      name: "an object with a synchronous get",
      code: method(
        `const storage = { get: (key: string) => key.length, list: () => [1] };\n    for (const x of storage.list()) n += x;\n    return storage.get(k) > 0;`,
        false,
      ),
    },
    {
      name: "an RPC stub of another Durable Object",
      code: method(`const stub = this.env.ROOM.get(this.env.ROOM.idFromName(k));\n    if (!stub.get(k)) return;`),
    },
    {
      name: "writes that carry no value: an un-awaited put() or deleteAll() in a condition is another rule's concern",
      code: method(`if (this.ctx.storage.put(k, n)) return;\n    if (this.ctx.storage.deleteAll()) return;`),
    },
    {
      name: "bookmarks and delete() kept as Promises: awaited, returned, passed on",
      code: method(
        `const b = await this.ctx.storage.getCurrentBookmark();\n    await this.ctx.storage.put("bookmark", b);\n    return Promise.all([this.ctx.storage.delete(k), this.ctx.storage.getBookmarkForTime(n)]);`,
      ),
    },
    {
      name: "a .then() result in a condition (the call reported would be `then`, not a read)",
      code: method(`if (this.ctx.storage.get(k).then((v) => !v)) return;`),
    },
    {
      name: "a transaction callback, awaited",
      code: method(`await this.ctx.storage.transaction(async (txn) => {\n      if (!(await txn.get(k))) await txn.put(k, 1);\n    });`),
    },
    { name: "no storage in the file", code: `const m = new Map();\nif (!m.get("a")) m.set("a", 1);` },
    // A Promise kept in a const: silent as soon as one use keeps it as a Promise.
    {
      name: "a read kept in a const and awaited later (started early on purpose)",
      code: method(
        `const alarm = this.ctx.storage.getAlarm();\n    await fetch("https://example.com");\n    if ((await alarm) === null) await this.ctx.storage.setAlarm(Date.now() + 1000);`,
      ),
    },
    {
      name: "a read kept in a const, compared once and also passed on",
      code: method(`const pending = this.ctx.storage.get(k);\n    if (pending !== undefined) return Promise.all([pending]);`),
    },
  ],
  invalid: [
    {
      name: "delete() in a test: the Promise is truthy, so it returns whether or not the key existed",
      code: method(`if (this.ctx.storage.delete(k)) return "deleted";`),
      errors: [
        {
          messageId: "truthy",
          data: { method: "delete", advice: AWAIT },
          line: 4,
          column: 9,
          endLine: 4,
          endColumn: 35,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "delete" },
              output: method(`if (await this.ctx.storage.delete(k)) return "deleted";`),
            },
          ],
        },
      ],
    },
    {
      name: "getCurrentBookmark() in a template, getBookmarkForTime() passed on as if it were the bookmark string",
      code: method(
        "const at = this.ctx.storage.getBookmarkForTime(n);\n    return `restore ${this.ctx.storage.getCurrentBookmark()} or ${at.slice(0, 8)}`;",
      ),
      errors: [
        {
          messageId: "string",
          data: { method: "getCurrentBookmark", advice: AWAIT, operator: "a template literal" },
          line: 5,
          column: 23,
          endLine: 5,
          endColumn: 60,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "getCurrentBookmark" },
              output: method(
                "const at = this.ctx.storage.getBookmarkForTime(n);\n    return `restore ${await this.ctx.storage.getCurrentBookmark()} or ${at.slice(0, 8)}`;",
              ),
            },
          ],
        },
        {
          messageId: "property",
          data: { method: "getBookmarkForTime", advice: AWAIT, access: ".slice" },
          line: 5,
          column: 67,
          endLine: 5,
          endColumn: 69,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "getBookmarkForTime" },
              output: method(
                "const at = await this.ctx.storage.getBookmarkForTime(n);\n    return `restore ${this.ctx.storage.getCurrentBookmark()} or ${at.slice(0, 8)}`;",
              ),
            },
          ],
        },
      ],
    },
    {
      name: "getAlarm() kept in a const that is only compared: the alarm is never set",
      code: method(
        `const current = this.ctx.storage.getAlarm();\n    if (current === null || current < Date.now()) await this.ctx.storage.setAlarm(Date.now() + 1000);`,
      ),
      errors: [
        {
          messageId: "compare",
          data: { method: "getAlarm", advice: AWAIT, operator: "`===`" },
          line: 5,
          column: 9,
          endLine: 5,
          endColumn: 16,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "getAlarm" },
              output: method(
                `const current = await this.ctx.storage.getAlarm();\n    if (current === null || current < Date.now()) await this.ctx.storage.setAlarm(Date.now() + 1000);`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "the alarm that is never scheduled: `!getAlarm()` is always false",
      code: method(`if (!this.ctx.storage.getAlarm()) await this.ctx.storage.setAlarm(Date.now() + 5000);`),
      errors: [
        {
          messageId: "truthy",
          data: { method: "getAlarm", advice: AWAIT },
          line: 4,
          column: 10,
          endLine: 4,
          endColumn: 37,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "getAlarm" },
              output: method(`if (!(await this.ctx.storage.getAlarm())) await this.ctx.storage.setAlarm(Date.now() + 5000);`),
            },
          ],
        },
      ],
    },
    {
      name: "arithmetic with `+` builds a string",
      code: method(`const v = this.ctx.storage.get<number>("n") + 1;`),
      errors: [
        {
          messageId: "string",
          data: { method: "get", operator: "`+`", advice: AWAIT },
          line: 4,
          column: 15,
          endLine: 4,
          endColumn: 48,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "get" },
              output: method(`const v = (await this.ctx.storage.get<number>("n")) + 1;`),
            },
          ],
        },
      ],
    },
    {
      name: "other arithmetic gives NaN; compound assignment too",
      code: method(`const v = this.ctx.storage.get<number>(k) * 2;\n    n -= this.ctx.storage.get<number>(k);`),
      errors: [
        {
          messageId: "nan",
          data: { method: "get", operator: "`*`", advice: AWAIT },
          line: 4,
          column: 15,
          endLine: 4,
          endColumn: 46,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "get" },
              output: method(`const v = (await this.ctx.storage.get<number>(k)) * 2;\n    n -= this.ctx.storage.get<number>(k);`),
            },
          ],
        },
        {
          messageId: "nan",
          data: { method: "get", operator: "`-=`", advice: AWAIT },
          line: 5,
          column: 10,
          endLine: 5,
          endColumn: 41,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "get" },
              output: method(`const v = this.ctx.storage.get<number>(k) * 2;\n    n -= await this.ctx.storage.get<number>(k);`),
            },
          ],
        },
      ],
    },
    {
      name: "a property of the Promise",
      code: method(`const c = this.ctx.storage.get<{ count: number }>(k).count;`),
      errors: [
        {
          messageId: "property",
          data: { method: "get", access: ".count", advice: AWAIT },
          line: 4,
          column: 15,
          endLine: 4,
          endColumn: 57,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "get" },
              output: method(`const c = (await this.ctx.storage.get<{ count: number }>(k)).count;`),
            },
          ],
        },
      ],
    },
    {
      name: "`await get(k).count` awaits the property: the await moves onto the call",
      code: method(`const c = await this.ctx.storage.get(k).count;`),
      errors: [
        {
          messageId: "awaitedProperty",
          data: { method: "get", access: ".count", call: "this.ctx.storage.get(…)" },
          line: 4,
          column: 21,
          endLine: 4,
          endColumn: 44,
          suggestions: [
            { messageId: "suggestMoveAwait", data: { method: "get" }, output: method(`const c = (await this.ctx.storage.get(k)).count;`) },
          ],
        },
      ],
    },
    {
      name: "`await list({…}).size` as a statement: the moved await starts it, after a `{`",
      code: `${DO}export class Room extends DurableObject<Env> {
  async m() {
    await this.ctx.storage.list({ prefix: "session:" }).size;
    await this.ctx.blockConcurrencyWhile(async () => {});
  }
}`,
      errors: [
        {
          messageId: "awaitedProperty",
          data: { method: "list", access: ".size", call: "this.ctx.storage.list(…)" },
          line: 4,
          column: 11,
          endLine: 4,
          endColumn: 56,
          suggestions: [
            {
              messageId: "suggestMoveAwait",
              data: { method: "list" },
              output: `${DO}export class Room extends DurableObject<Env> {
  async m() {
    (await this.ctx.storage.list({ prefix: "session:" })).size;
    await this.ctx.blockConcurrencyWhile(async () => {});
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "a method of the Map read from the Promise, at the start of a statement",
      code: method(`this.ctx.storage.list().forEach(() => n++);`),
      errors: [
        {
          messageId: "property",
          data: { method: "list", access: ".forEach", advice: AWAIT },
          line: 4,
          column: 5,
          endLine: 4,
          endColumn: 28,
          suggestions: [
            { messageId: "suggestAwait", data: { method: "list" }, output: method(`(await this.ctx.storage.list()).forEach(() => n++);`) },
          ],
        },
      ],
    },
    {
      name: "no suggestion where a leading `(` would join the previous line (no semicolon there)",
      code: method(`let m = n\n    this.ctx.storage.list().forEach(() => m++)`),
      errors: [
        {
          messageId: "property",
          data: { method: "list", access: ".forEach", advice: AWAIT },
          line: 5,
          column: 5,
          endLine: 5,
          endColumn: 28,
          suggestions: [],
        },
      ],
    },
    {
      name: "a computed member, and `!` behind a non-null assertion",
      code: method(`return this.ctx.storage.get<number[]>(k)![0];`),
      errors: [
        {
          messageId: "property",
          data: { method: "get", access: "[0]", advice: AWAIT },
          line: 4,
          column: 12,
          endLine: 4,
          endColumn: 45,
          suggestions: [
            { messageId: "suggestAwait", data: { method: "get" }, output: method(`return (await this.ctx.storage.get<number[]>(k))![0];`) },
          ],
        },
      ],
    },
    {
      name: "a call already in parentheses gets no second pair",
      code: method(`return (this.ctx.storage.list()).size > 0;`),
      errors: [
        {
          messageId: "property",
          data: { method: "list", access: ".size", advice: AWAIT },
          line: 4,
          column: 13,
          endLine: 4,
          endColumn: 36,
          suggestions: [
            { messageId: "suggestAwait", data: { method: "list" }, output: method(`return (await this.ctx.storage.list()).size > 0;`) },
          ],
        },
      ],
    },
    {
      name: "the right side of && reaching an if, through an alias",
      code: method(`const s = this.ctx.storage;\n    if (n > 0 && s.get(k)) return;`),
      errors: [
        {
          messageId: "truthy",
          data: { method: "get", advice: AWAIT },
          line: 5,
          column: 18,
          endLine: 5,
          endColumn: 26,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "get" },
              output: method(`const s = this.ctx.storage;\n    if (n > 0 && await s.get(k)) return;`),
            },
          ],
        },
      ],
    },
    {
      name: "the left side of || never falls back",
      code: method(`const v = this.ctx.storage.get(k) || "none";`),
      errors: [
        {
          messageId: "truthy",
          data: { method: "get", advice: AWAIT },
          line: 4,
          column: 15,
          endLine: 4,
          endColumn: 38,
          suggestions: [
            { messageId: "suggestAwait", data: { method: "get" }, output: method(`const v = (await this.ctx.storage.get(k)) || "none";`) },
          ],
        },
      ],
    },
    {
      name: "?? never falls back, even when the whole expression is awaited",
      code: method(`const v = await (this.ctx.storage.get<number>(k) ?? 0);`),
      errors: [
        {
          messageId: "nullish",
          data: { method: "get", advice: AWAIT },
          line: 4,
          column: 22,
          endLine: 4,
          endColumn: 53,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "get" },
              output: method(`const v = await ((await this.ctx.storage.get<number>(k)) ?? 0);`),
            },
          ],
        },
      ],
    },
    {
      name: "a ternary's test",
      code: method(`return this.ctx.storage.get(k) ? "yes" : "no";`),
      errors: [
        {
          messageId: "truthy",
          data: { method: "get", advice: AWAIT },
          line: 4,
          column: 12,
          endLine: 4,
          endColumn: 35,
          suggestions: [
            { messageId: "suggestAwait", data: { method: "get" }, output: method(`return await this.ctx.storage.get(k) ? "yes" : "no";`) },
          ],
        },
      ],
    },
    {
      name: "a ternary's branch reaching a condition",
      code: method(`if (n ? this.ctx.storage.get(k) : null) return;`),
      errors: [
        {
          messageId: "truthy",
          data: { method: "get", advice: AWAIT },
          line: 4,
          column: 13,
          endLine: 4,
          endColumn: 36,
          suggestions: [
            { messageId: "suggestAwait", data: { method: "get" }, output: method(`if (n ? await this.ctx.storage.get(k) : null) return;`) },
          ],
        },
      ],
    },
    {
      name: "loop tests",
      code: method(`while (this.ctx.storage.get(k)) break;\n    do n--; while (!this.ctx.storage.get(k));`),
      errors: [
        {
          messageId: "truthy",
          data: { method: "get", advice: AWAIT },
          line: 4,
          column: 12,
          endLine: 4,
          endColumn: 35,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "get" },
              output: method(`while (await this.ctx.storage.get(k)) break;\n    do n--; while (!this.ctx.storage.get(k));`),
            },
          ],
        },
        {
          messageId: "truthy",
          data: { method: "get", advice: AWAIT },
          line: 5,
          column: 21,
          endLine: 5,
          endColumn: 44,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "get" },
              output: method(`while (this.ctx.storage.get(k)) break;\n    do n--; while (!(await this.ctx.storage.get(k)));`),
            },
          ],
        },
      ],
    },
    {
      name: "comparisons",
      code: method(`if (this.ctx.storage.get(k) === undefined) return;\n    return this.ctx.storage.getAlarm() > Date.now();`),
      errors: [
        {
          messageId: "compare",
          data: { method: "get", operator: "`===`", advice: AWAIT },
          line: 4,
          column: 9,
          endLine: 4,
          endColumn: 32,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "get" },
              output: method(
                `if ((await this.ctx.storage.get(k)) === undefined) return;\n    return this.ctx.storage.getAlarm() > Date.now();`,
              ),
            },
          ],
        },
        {
          messageId: "compare",
          data: { method: "getAlarm", operator: "`>`", advice: AWAIT },
          line: 5,
          column: 12,
          endLine: 5,
          endColumn: 39,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "getAlarm" },
              output: method(
                `if (this.ctx.storage.get(k) === undefined) return;\n    return (await this.ctx.storage.getAlarm()) > Date.now();`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "instanceof and in",
      code: method(`if (this.ctx.storage.list() instanceof Map) return;\n    return "count" in this.ctx.storage.get<object>(k);`),
      errors: [
        {
          messageId: "compare",
          data: { method: "list", operator: "`instanceof`", advice: AWAIT },
          line: 4,
          column: 9,
          endLine: 4,
          endColumn: 32,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "list" },
              output: method(
                `if ((await this.ctx.storage.list()) instanceof Map) return;\n    return "count" in this.ctx.storage.get<object>(k);`,
              ),
            },
          ],
        },
        {
          messageId: "compare",
          data: { method: "get", operator: "`in`", advice: AWAIT },
          line: 5,
          column: 23,
          endLine: 5,
          endColumn: 54,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "get" },
              output: method(
                `if (this.ctx.storage.list() instanceof Map) return;\n    return "count" in (await this.ctx.storage.get<object>(k));`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "a switch",
      code: method(`switch (this.ctx.storage.get(k)) { case 1: return; }`),
      errors: [
        {
          messageId: "compare",
          data: { method: "get", operator: "`switch`", advice: AWAIT },
          line: 4,
          column: 13,
          endLine: 4,
          endColumn: 36,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "get" },
              output: method(`switch (await this.ctx.storage.get(k)) { case 1: return; }`),
            },
          ],
        },
      ],
    },
    {
      name: "a template literal",
      code: method(`return \`count: \${this.ctx.storage.get(k)}\`;`),
      errors: [
        {
          messageId: "string",
          data: { method: "get", operator: "a template literal", advice: AWAIT },
          line: 4,
          column: 22,
          endLine: 4,
          endColumn: 45,
          suggestions: [
            { messageId: "suggestAwait", data: { method: "get" }, output: method(`return \`count: \${await this.ctx.storage.get(k)}\`;`) },
          ],
        },
      ],
    },
    {
      name: "String(), Number(), Boolean(), JSON.stringify()",
      code: method(
        `const a = [String(this.ctx.storage.get(k)), Number(this.ctx.storage.get(k))];\n    return Boolean(this.ctx.storage.getAlarm()) && JSON.stringify(this.ctx.storage.list());`,
      ),
      errors: [
        {
          messageId: "string",
          data: { method: "get", operator: "`String()`", advice: AWAIT },
          line: 4,
          column: 23,
          endLine: 4,
          endColumn: 46,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "get" },
              output: method(
                `const a = [String(await this.ctx.storage.get(k)), Number(this.ctx.storage.get(k))];\n    return Boolean(this.ctx.storage.getAlarm()) && JSON.stringify(this.ctx.storage.list());`,
              ),
            },
          ],
        },
        {
          messageId: "nan",
          data: { method: "get", operator: "`Number()`", advice: AWAIT },
          line: 4,
          column: 56,
          endLine: 4,
          endColumn: 79,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "get" },
              output: method(
                `const a = [String(this.ctx.storage.get(k)), Number(await this.ctx.storage.get(k))];\n    return Boolean(this.ctx.storage.getAlarm()) && JSON.stringify(this.ctx.storage.list());`,
              ),
            },
          ],
        },
        {
          messageId: "truthy",
          data: { method: "getAlarm", advice: AWAIT },
          line: 5,
          column: 20,
          endLine: 5,
          endColumn: 47,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "getAlarm" },
              output: method(
                `const a = [String(this.ctx.storage.get(k)), Number(this.ctx.storage.get(k))];\n    return Boolean(await this.ctx.storage.getAlarm()) && JSON.stringify(this.ctx.storage.list());`,
              ),
            },
          ],
        },
        {
          messageId: "empty",
          data: { method: "list", operator: "`JSON.stringify()`", advice: AWAIT },
          line: 5,
          column: 67,
          endLine: 5,
          endColumn: 90,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "list" },
              output: method(
                `const a = [String(this.ctx.storage.get(k)), Number(this.ctx.storage.get(k))];\n    return Boolean(this.ctx.storage.getAlarm()) && JSON.stringify(await this.ctx.storage.list());`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "Object.entries() and Array.from() see nothing; Object.fromEntries() throws",
      code: method(
        `return [Object.entries(this.ctx.storage.list()), Array.from(this.ctx.storage.list()), Object.fromEntries(this.ctx.storage.list())];`,
      ),
      errors: [
        {
          messageId: "empty",
          data: { method: "list", operator: "`Object.entries()`", advice: AWAIT },
          line: 4,
          column: 28,
          endLine: 4,
          endColumn: 51,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "list" },
              output: method(
                `return [Object.entries(await this.ctx.storage.list()), Array.from(this.ctx.storage.list()), Object.fromEntries(this.ctx.storage.list())];`,
              ),
            },
          ],
        },
        {
          messageId: "empty",
          data: { method: "list", operator: "`Array.from()`", advice: AWAIT },
          line: 4,
          column: 65,
          endLine: 4,
          endColumn: 88,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "list" },
              output: method(
                `return [Object.entries(this.ctx.storage.list()), Array.from(await this.ctx.storage.list()), Object.fromEntries(this.ctx.storage.list())];`,
              ),
            },
          ],
        },
        {
          messageId: "notIterable",
          data: { method: "list", operator: "`Object.fromEntries()`", advice: AWAIT },
          line: 4,
          column: 110,
          endLine: 4,
          endColumn: 133,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "list" },
              output: method(
                `return [Object.entries(this.ctx.storage.list()), Array.from(this.ctx.storage.list()), Object.fromEntries(await this.ctx.storage.list())];`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "spreads",
      code: method(`const o = { ...this.ctx.storage.get(k), n };\n    return [...this.ctx.storage.list(), o];`),
      errors: [
        {
          messageId: "empty",
          data: { method: "get", operator: "object spread", advice: AWAIT },
          line: 4,
          column: 20,
          endLine: 4,
          endColumn: 43,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "get" },
              output: method(`const o = { ...await this.ctx.storage.get(k), n };\n    return [...this.ctx.storage.list(), o];`),
            },
          ],
        },
        {
          messageId: "notIterable",
          data: { method: "list", operator: "spread `...`", advice: AWAIT },
          line: 5,
          column: 16,
          endLine: 5,
          endColumn: 39,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "list" },
              output: method(`const o = { ...this.ctx.storage.get(k), n };\n    return [...await this.ctx.storage.list(), o];`),
            },
          ],
        },
      ],
    },
    {
      name: "for…of, for await…of and for…in",
      code: method(
        `for (const [key] of this.ctx.storage.list()) n++;\n    for await (const e of this.ctx.storage.list()) n++;\n    for (const key in this.ctx.storage.list()) n++;`,
      ),
      errors: [
        {
          messageId: "notIterable",
          data: { method: "list", operator: "`for…of`", advice: AWAIT },
          line: 4,
          column: 25,
          endLine: 4,
          endColumn: 48,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "list" },
              output: method(
                `for (const [key] of await this.ctx.storage.list()) n++;\n    for await (const e of this.ctx.storage.list()) n++;\n    for (const key in this.ctx.storage.list()) n++;`,
              ),
            },
          ],
        },
        {
          messageId: "notIterable",
          data: { method: "list", operator: "`for await…of`", advice: AWAIT },
          line: 5,
          column: 27,
          endLine: 5,
          endColumn: 50,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "list" },
              output: method(
                `for (const [key] of this.ctx.storage.list()) n++;\n    for await (const e of await this.ctx.storage.list()) n++;\n    for (const key in this.ctx.storage.list()) n++;`,
              ),
            },
          ],
        },
        {
          messageId: "empty",
          data: { method: "list", operator: "`for…in`", advice: AWAIT },
          line: 6,
          column: 23,
          endLine: 6,
          endColumn: 46,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "list" },
              output: method(
                `for (const [key] of this.ctx.storage.list()) n++;\n    for await (const e of this.ctx.storage.list()) n++;\n    for (const key in await this.ctx.storage.list()) n++;`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "destructuring",
      code: method(
        `const { count, ...rest } = this.ctx.storage.get<{ count: number }>(k);\n    const [first] = this.ctx.storage.get<number[]>(k);`,
      ),
      errors: [
        {
          messageId: "destructure",
          data: { method: "get", names: "`count`, `...rest`", advice: AWAIT },
          line: 4,
          column: 32,
          endLine: 4,
          endColumn: 74,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "get" },
              output: method(
                `const { count, ...rest } = await this.ctx.storage.get<{ count: number }>(k);\n    const [first] = this.ctx.storage.get<number[]>(k);`,
              ),
            },
          ],
        },
        {
          messageId: "notIterable",
          data: { method: "get", operator: "array destructuring", advice: AWAIT },
          line: 5,
          column: 21,
          endLine: 5,
          endColumn: 54,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "get" },
              output: method(
                `const { count, ...rest } = this.ctx.storage.get<{ count: number }>(k);\n    const [first] = await this.ctx.storage.get<number[]>(k);`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "`as` and `?.()` wrappers",
      code: method(`if (!(this.ctx.storage.get(k) as unknown)) return;\n    return this.ctx.storage.get?.(k) + "";`),
      errors: [
        {
          messageId: "truthy",
          data: { method: "get", advice: AWAIT },
          line: 4,
          column: 11,
          endLine: 4,
          endColumn: 34,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "get" },
              output: method(`if (!(await this.ctx.storage.get(k) as unknown)) return;\n    return this.ctx.storage.get?.(k) + "";`),
            },
          ],
        },
        {
          messageId: "string",
          data: { method: "get", advice: AWAIT, operator: "`+`" },
          line: 5,
          column: 12,
          endLine: 5,
          endColumn: 37,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "get" },
              output: method(`if (!(this.ctx.storage.get(k) as unknown)) return;\n    return (await this.ctx.storage.get?.(k)) + "";`),
            },
          ],
        },
      ],
    },
    {
      name: "no suggestion inside an optional chain that goes on past the call",
      code: method(`const s = this.ctx.storage;\n    return s?.get<{ count: number }>(k).count;`),
      errors: [
        {
          messageId: "property",
          data: { method: "get", access: ".count", advice: AWAIT },
          line: 5,
          column: 12,
          endLine: 5,
          endColumn: 40,
          suggestions: [],
        },
      ],
    },
    {
      name: "a non-async method: no suggestion, the message says to make it async",
      code: method(`return this.ctx.storage.get(k) === undefined;`, false),
      errors: [
        {
          messageId: "compare",
          data: { method: "get", operator: "`===`", advice: SYNC },
          line: 4,
          column: 12,
          endLine: 4,
          endColumn: 35,
          suggestions: [],
        },
      ],
    },
    {
      name: "a non-async callback in an async method",
      code: method(`return [k].filter((key) => !this.ctx.storage.get(key));`),
      errors: [
        { messageId: "truthy", data: { method: "get", advice: SYNC }, line: 4, column: 33, endLine: 4, endColumn: 58, suggestions: [] },
      ],
    },
    {
      name: "a class field initialiser and a parameter default: `await` is not allowed there",
      code: `${DO}export class Room extends DurableObject<Env> {
  fresh = !this.ctx.storage.get("init");
  async m(v = this.ctx.storage.get<number>("v") + 1) { return v; }
}`,
      errors: [
        {
          messageId: "truthy",
          data: { method: "get", advice: ELSEWHERE },
          line: 3,
          column: 12,
          endLine: 3,
          endColumn: 40,
          suggestions: [],
        },
        {
          messageId: "string",
          data: { method: "get", operator: "`+`", advice: ELSEWHERE },
          line: 4,
          column: 15,
          endLine: 4,
          endColumn: 48,
          suggestions: [],
        },
      ],
    },
    {
      name: "a transaction handle",
      code: method(`await this.ctx.storage.transaction(async (txn) => {\n      if (!txn.get(k)) await txn.put(k, 1);\n    });`),
      errors: [
        {
          messageId: "truthy",
          data: { method: "get", advice: AWAIT },
          line: 5,
          column: 12,
          endLine: 5,
          endColumn: 22,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "get" },
              output: method(
                `await this.ctx.storage.transaction(async (txn) => {\n      if (!(await txn.get(k))) await txn.put(k, 1);\n    });`,
              ),
            },
          ],
        },
      ],
    },
    {
      name: "a typed storage parameter outside a class",
      code: `export async function bump(storage: DurableObjectStorage) {
  await storage.put("n", storage.get<number>("n") + 1);
}`,
      errors: [
        {
          messageId: "string",
          data: { method: "get", advice: AWAIT, operator: "`+`" },
          line: 2,
          column: 26,
          endLine: 2,
          endColumn: 50,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "get" },
              output: `export async function bump(storage: DurableObjectStorage) {
  await storage.put("n", (await storage.get<number>("n")) + 1);
}`,
            },
          ],
        },
      ],
    },
    {
      name: "the old module style, in JavaScript",
      filename: "room.js",
      code: `export class Room {
  constructor(state, env) { this.state = state; }
  async fetch(request) {
    if (!this.state.storage.getAlarm()) await this.state.storage.setAlarm(Date.now() + 1000);
    return new Response("ok");
  }
  async alarm() {}
}`,
      errors: [
        {
          messageId: "truthy",
          data: { method: "getAlarm", advice: AWAIT },
          line: 4,
          column: 10,
          endLine: 4,
          endColumn: 39,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "getAlarm" },
              output: `export class Room {
  constructor(state, env) { this.state = state; }
  async fetch(request) {
    if (!(await this.state.storage.getAlarm())) await this.state.storage.setAlarm(Date.now() + 1000);
    return new Response("ok");
  }
  async alarm() {}
}`,
            },
          ],
        },
      ],
    },
    {
      name: "with type information: storage known only by its type",
      ...typed,
      code: `function storageOf(state: DurableObjectState) {
  return state.storage;
}
export async function arm(state: DurableObjectState) {
  const s = storageOf(state);
  if (!s.getAlarm()) await s.setAlarm(Date.now() + 1000);
}`,
      errors: [
        {
          messageId: "truthy",
          data: { method: "getAlarm", advice: AWAIT },
          line: 6,
          column: 8,
          endLine: 6,
          endColumn: 20,
          suggestions: [
            {
              messageId: "suggestAwait",
              data: { method: "getAlarm" },
              output: `function storageOf(state: DurableObjectState) {
  return state.storage;
}
export async function arm(state: DurableObjectState) {
  const s = storageOf(state);
  if (!(await s.getAlarm())) await s.setAlarm(Date.now() + 1000);
}`,
            },
          ],
        },
      ],
    },
  ],
});
