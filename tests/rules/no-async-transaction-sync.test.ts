import path from "node:path";
import { fileURLToPath } from "node:url";
import rule from "../../rules/no-async-transaction-sync.js";
import { CURRENT_DOCS, docBlocks, patternDocCases } from "../helpers/pattern-docs.js";
import { RuleTester } from "../helpers/rule-tester.js";

const typedDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/typed");
const typed = {
  filename: path.join(typedDir, "file.ts"),
  languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: typedDir } },
};

const DO = `import { DurableObject } from "cloudflare:workers";\n`;
/** A Durable Object whose `async m()` body (line 4, column 5) is `body`. */
const m = (body: string, asyncM = true) => `${DO}export class C extends DurableObject<Env> {
  ${asyncM ? "async " : ""}m() {
    ${body}
  }
}`;
/** A Durable Object whose `m()` passes `arg` to `transactionSync` (line 4, column 38), with `members` below. */
const ref = (arg: string, members: string, before = "") => `${DO}${before}export class C extends DurableObject<Env> {
  m() {
    this.ctx.storage.transactionSync(${arg});
  }
${members}
}`;

const APPLY_AWAITS = `  async apply() {
    this.ctx.storage.sql.exec("DELETE FROM t");
    await fetch("https://example.com");
  }`;

const noAwait = { messageId: "asyncNoAwait" } as const;
const drop = (output: string, returnType = "") => ({ messageId: "suggestDropAsync", data: { returnType }, output }) as const;

new RuleTester().run("no-async-transaction-sync", rule, {
  valid: [
    ...patternDocCases(() => docBlocks(CURRENT_DOCS).map((b) => ({ name: `pattern docs: ${b.heading}`, code: b.code }))),
    {
      name: "a synchronous callback (SQL and synchronous KV)",
      code: m(
        `this.ctx.storage.transactionSync(() => {\n      this.ctx.storage.sql.exec("INSERT INTO t VALUES (1)");\n      this.ctx.storage.kv.put("n", 1);\n    });`,
      ),
    },
    { name: "a synchronous function declaration", code: m(`this.ctx.storage.transactionSync(function () { return 1; });`) },
    {
      name: "the async transaction API",
      code: m(
        `await this.ctx.storage.transaction(async (txn) => {\n      const n = (await txn.get<number>("n")) ?? 0;\n      await txn.put("n", n + 1);\n    });`,
      ),
    },
    {
      name: "blockConcurrencyWhile takes an async callback",
      code: m(`await this.ctx.blockConcurrencyWhile(async () => { await this.ctx.storage.get("n"); });`),
    },
    {
      name: "an async function inside a synchronous callback is the callback's own business",
      code: m(
        `this.ctx.storage.transactionSync(() => {\n      this.ctx.storage.kv.put("a", 1);\n      queueMicrotask(async () => { await fetch("https://example.com"); });\n    });`,
      ),
    },
    {
      name: "a synchronous callback returning a storage Promise (not measured: not reported)",
      code: m(`this.ctx.storage.transactionSync(() => this.ctx.storage.put("a", 1));`),
    },
    {
      name: "generators are not reported",
      code: m(
        `this.ctx.storage.transactionSync(function* () { yield 1; });\n    this.ctx.storage.transactionSync(async function* () { yield 1; });`,
      ),
    },
    {
      name: "no callback, or a spread",
      code: m(`(this.ctx.storage as any).transactionSync();\n    this.ctx.storage.transactionSync(...(args as [() => void]));`),
    },
    // Not Durable Object storage.
    { name: "an unknown object", code: `async function f(db: any) { db.transactionSync(async () => { await db.x(); }); }` },
    {
      name: "an object with a same-named method",
      code: `const store = { transactionSync<T>(cb: () => T) { return cb(); } };\nstore.transactionSync(async () => { await fetch("https://example.com"); });`,
    },
    {
      name: "Workers KV binding",
      code: m(`await (this.env.KV as any).transactionSync(async () => { await this.env.KV.put("a", "1"); });`),
    },
    { name: "D1", code: m(`await (this.env.DB as any).transactionSync(async () => { await this.env.DB.prepare("SELECT 1").run(); });`) },
    { name: "R2", code: m(`(this.env.BUCKET as any).transactionSync(async () => { await this.env.BUCKET.put("k", "v"); });`) },
    {
      name: "a Map named storage",
      code: `${DO}export class C extends DurableObject<Env> {\n  storage = new Map<string, number>();\n  m() { (this.storage as any).transactionSync(async () => { await 1; }); }\n}`,
    },
    {
      name: "an RPC stub's method of the same name",
      code: m(`await this.env.ROOM.get(this.env.ROOM.idFromName("a")).transactionSync(async () => { await fetch("x"); });`),
    },
    {
      name: "node:sqlite / better-sqlite3 transactions",
      code: `import Database from "better-sqlite3";\nconst db = new Database(":memory:");\ndb.transaction(async () => { await fetch("x"); })();`,
    },
    // References that cannot be proved to be the async function.
    { name: "a synchronous method", code: ref("this.apply", "  apply() { this.ctx.storage.kv.put('a', 1); }") },
    { name: "a wrapper calling a synchronous method", code: ref("() => this.apply()", "  apply() { this.ctx.storage.kv.put('a', 1); }") },
    {
      name: "a method reassigned in the class",
      code: ref(
        "this.apply",
        `  constructor(ctx: DurableObjectState, env: Env) { super(ctx, env); this.apply = this.apply.bind(this); }\n${APPLY_AWAITS}`,
      ),
    },
    {
      name: "a method written by destructuring",
      code: ref("this.apply", `  reset(o: { apply(): void }) { ({ apply: this.apply } = o); }\n${APPLY_AWAITS}`),
    },
    {
      name: "a computed member assignment",
      code: ref("this.apply", `  set(k: string, f: () => void) { (this as any)[k] = f; }\n${APPLY_AWAITS}`),
    },
    {
      name: "a method a subclass in the file overrides",
      code: `${ref("this.apply", APPLY_AWAITS)}\nclass D extends C { apply() {} }\nclass E extends D {}`,
    },
    {
      name: "a method a subclass in the file replaces through this",
      code: `${ref("this.apply", APPLY_AWAITS)}\nclass D extends C {\n  constructor(ctx: DurableObjectState, env: Env) { super(ctx, env); this.apply = async () => {}; }\n}`,
    },
    { name: "a static method", code: ref("C.apply", `  static async apply() { await fetch("x"); }`) },
    { name: "a parameter", code: m(`const f = (cb: () => void) => this.ctx.storage.transactionSync(cb);\n    f(() => {});`) },
    { name: "an imported function", code: ref("apply", "", `import { apply } from "./apply";\n`) },
    {
      name: "a reassigned local",
      code: m(
        `let step = async () => { await fetch("x"); };\n    step = () => Promise.resolve();\n    this.ctx.storage.transactionSync(step);`,
      ),
    },
    { name: "a wrapper with more than one statement", code: ref("() => { this.ctx.storage.kv.put('b', 2); this.apply(); }", APPLY_AWAITS) },
    { name: "`this` in a function expression is not the object", code: ref("function () { return this.apply(); }", APPLY_AWAITS) },
    {
      name: "with type information: an object typed with a same-named method",
      ...typed,
      code: `declare const other: { transactionSync<T>(f: () => T): T };\nexport async function f() {\n  other.transactionSync(async () => { await fetch("x"); });\n}`,
    },
    { name: "top-level await in a module", code: `await fetch("x");\nexport {};\n// storage.transactionSync` },
  ],
  invalid: [
    {
      name: "an async arrow that awaits fetch: the second INSERT is outside the transaction",
      code: m(`this.ctx.storage.transactionSync(async () => {
      this.ctx.storage.sql.exec("INSERT INTO log VALUES (1)");
      await fetch("https://example.com/hook");
      this.ctx.storage.sql.exec("INSERT INTO log VALUES (2)");
    });`),
      errors: [{ messageId: "awaits", data: { line: "6" }, line: 4, column: 38, endLine: 4, endColumn: 49, suggestions: [] }],
    },
    {
      name: "an async function expression: the head runs to the closing parenthesis",
      code: m(`this.ctx.storage.transactionSync(async function apply() {\n      await this.ctx.storage.put("a", 1);\n    });`),
      errors: [{ messageId: "awaits", data: { line: "5" }, line: 4, column: 38, endLine: 4, endColumn: 60 }],
    },
    {
      name: "for await counts as an await",
      code: m(
        `const storage = this.ctx.storage;\n    storage.transactionSync(async () => {\n      for await (const chunk of stream) storage.kv.put("c", chunk);\n    });`,
      ),
      errors: [{ messageId: "awaits", data: { line: "6" }, line: 5, column: 29, endLine: 5, endColumn: 40 }],
    },
    {
      name: "async without await: drop async (an await in a nested function does not count)",
      code: m(
        `this.ctx.storage.transactionSync(async () => {\n      this.ctx.storage.kv.put("a", 1);\n      queueMicrotask(async () => { await fetch("https://example.com"); });\n    });`,
      ),
      errors: [
        {
          ...noAwait,
          line: 4,
          column: 38,
          endLine: 4,
          endColumn: 49,
          suggestions: [
            drop(
              m(
                `this.ctx.storage.transactionSync(() => {\n      this.ctx.storage.kv.put("a", 1);\n      queueMicrotask(async () => { await fetch("https://example.com"); });\n    });`,
              ),
            ),
          ],
        },
      ],
    },
    {
      name: "an awaited call with a Promise<void> return type: the type is unwrapped too",
      code: m(`await this.ctx.storage.transactionSync(async (): Promise<void> => {\n      this.ctx.storage.kv.put("a", 1);\n    });`),
      errors: [
        {
          ...noAwait,
          line: 4,
          column: 44,
          endLine: 4,
          endColumn: 70,
          suggestions: [
            drop(
              m(`await this.ctx.storage.transactionSync((): void => {\n      this.ctx.storage.kv.put("a", 1);\n    });`),
              " and change the return type to `void`",
            ),
          ],
        },
      ],
    },
    {
      name: "an async function expression with a return type, awaited into a const",
      code: m(
        `const n = await this.ctx.storage.transactionSync(async function (): Promise<number> {\n      return this.ctx.storage.sql.exec<{ n: number }>("SELECT 1 AS n").one().n;\n    });`,
      ),
      errors: [
        {
          ...noAwait,
          line: 4,
          column: 54,
          endLine: 4,
          endColumn: 88,
          suggestions: [
            drop(
              m(
                `const n = await this.ctx.storage.transactionSync(function (): number {\n      return this.ctx.storage.sql.exec<{ n: number }>("SELECT 1 AS n").one().n;\n    });`,
              ),
              " and change the return type to `number`",
            ),
          ],
        },
      ],
    },
    {
      name: "the result is kept as a value: no suggestion (it would stop being a Promise)",
      code: m(`const p = this.ctx.storage.transactionSync(async () => 1);\n    p.then(console.log);`),
      errors: [{ ...noAwait, line: 4, column: 48, endLine: 4, endColumn: 59, suggestions: [] }],
    },
    {
      name: "returned from an async method: the suggestion keeps what the method resolves to",
      code: m(`return this.ctx.storage.transactionSync(async () => this.ctx.storage.kv.get("a"));`),
      errors: [
        {
          ...noAwait,
          line: 4,
          column: 45,
          endLine: 4,
          endColumn: 56,
          suggestions: [drop(m(`return this.ctx.storage.transactionSync(() => this.ctx.storage.kv.get("a"));`))],
        },
      ],
    },
    {
      name: "returned from a synchronous method: no suggestion",
      code: m(`return this.ctx.storage.transactionSync(async () => this.ctx.storage.kv.get("a"));`, false),
      errors: [{ ...noAwait, line: 4, column: 45, endLine: 4, endColumn: 56, suggestions: [] }],
    },
    {
      name: "a comment after async stays",
      code: m(`this.ctx.storage.transactionSync(async /* keeps */ () => {\n      this.ctx.storage.kv.delete("a");\n    });`),
      errors: [
        {
          ...noAwait,
          line: 4,
          column: 38,
          endLine: 4,
          endColumn: 61,
          suggestions: [drop(m(`this.ctx.storage.transactionSync(/* keeps */ () => {\n      this.ctx.storage.kv.delete("a");\n    });`))],
        },
      ],
    },
    {
      name: "a return type that is an alias: no suggestion",
      code: `type Done = Promise<void>;\n${m(`this.ctx.storage.transactionSync(async (): Done => {\n      this.ctx.storage.kv.put("a", 1);\n    });`)}`,
      errors: [{ ...noAwait, line: 5, column: 38, endLine: 5, endColumn: 55, suggestions: [] }],
    },
    {
      name: "a generic arrow: no suggestion",
      code: m(`this.ctx.storage.transactionSync(async <T,>(): Promise<void> => {});`),
      errors: [{ ...noAwait, line: 4, column: 38, endLine: 4, endColumn: 68, suggestions: [] }],
    },
    {
      name: "a callback behind a type assertion: no suggestion",
      code: m(`this.ctx.storage.transactionSync((async () => {\n      this.ctx.storage.kv.put("a", 1);\n    }) as () => void);`),
      errors: [{ ...noAwait, line: 4, column: 39, endLine: 4, endColumn: 50, suggestions: [] }],
    },
    {
      name: "optional call as a statement, void, and the body of an async arrow all keep the suggestion",
      code: m(
        `this.ctx.storage?.transactionSync(async () => {});\n    void this.ctx.storage.transactionSync(async () => {});\n    const run = async () => this.ctx.storage.transactionSync(async () => {});`,
      ),
      errors: [
        {
          ...noAwait,
          line: 4,
          column: 39,
          endLine: 4,
          endColumn: 50,
          suggestions: [
            drop(
              m(
                `this.ctx.storage?.transactionSync(() => {});\n    void this.ctx.storage.transactionSync(async () => {});\n    const run = async () => this.ctx.storage.transactionSync(async () => {});`,
              ),
            ),
          ],
        },
        {
          ...noAwait,
          line: 5,
          column: 43,
          endLine: 5,
          endColumn: 54,
          suggestions: [
            drop(
              m(
                `this.ctx.storage?.transactionSync(async () => {});\n    void this.ctx.storage.transactionSync(() => {});\n    const run = async () => this.ctx.storage.transactionSync(async () => {});`,
              ),
            ),
          ],
        },
        {
          ...noAwait,
          line: 6,
          column: 62,
          endLine: 6,
          endColumn: 73,
          suggestions: [
            drop(
              m(
                `this.ctx.storage?.transactionSync(async () => {});\n    void this.ctx.storage.transactionSync(async () => {});\n    const run = async () => this.ctx.storage.transactionSync(() => {});`,
              ),
            ),
          ],
        },
      ],
    },
    {
      name: "a same-class async method that awaits: reported at the argument",
      code: ref("this.apply", APPLY_AWAITS),
      errors: [{ messageId: "refAwaits", data: { name: "this.apply", line: "8" }, line: 4, column: 38, endLine: 4, endColumn: 48 }],
    },
    {
      name: "an async method inherited from a local base class (callees.ts follows it)",
      code: `${DO}class Base extends DurableObject<Env> {\n${APPLY_AWAITS}\n}\nexport class C extends Base {\n  m() { this.ctx.storage.transactionSync(this.apply); }\n}`,
      errors: [{ messageId: "refAwaits", data: { name: "this.apply", line: "5" }, line: 9, column: 42, endLine: 9, endColumn: 52 }],
    },
    {
      name: "a #private async arrow field that awaits nothing",
      code: ref("this.#apply", `  #apply = async () => { this.ctx.storage.kv.put("a", 1); };`),
      errors: [{ messageId: "refAsync", data: { name: "this.#apply" }, line: 4, column: 38, endLine: 4, endColumn: 49 }],
    },
    {
      name: "a module function through bind",
      code: ref("migrate.bind(this)", "", `async function migrate(this: DurableObject) {\n  await scheduler.wait(1);\n}\n`),
      errors: [{ messageId: "refAwaits", data: { name: "migrate", line: "3" }, line: 7, column: 38, endLine: 7, endColumn: 56 }],
    },
    {
      name: "a local const async arrow",
      code: m(`const step = async () => { this.ctx.storage.kv.put("a", 1); };\n    this.ctx.storage.transactionSync(step);`),
      errors: [{ messageId: "refAsync", data: { name: "step" }, line: 5, column: 38, endLine: 5, endColumn: 42 }],
    },
    {
      name: "a synchronous wrapper that returns an async method's Promise: reported at the call",
      code: ref("() => this.apply()", APPLY_AWAITS),
      errors: [{ messageId: "refAwaits", data: { name: "this.apply", line: "8" }, line: 4, column: 44, endLine: 4, endColumn: 56 }],
    },
    {
      name: "a block wrapper calling an async function declaration that uses for await",
      code: m(
        `this.ctx.storage.transactionSync(() => {\n      return save();\n    });\n    async function save() {\n      for await (const x of source()) void x;\n    }`,
      ),
      errors: [{ messageId: "refAwaits", data: { name: "save", line: "8" }, line: 5, column: 14, endLine: 5, endColumn: 20 }],
    },
    {
      name: "a typed storage parameter",
      code: `export function wipe(storage: DurableObjectStorage) {\n  storage.transactionSync(async () => {\n    storage.sql.exec("DELETE FROM t");\n    await notify();\n  });\n}`,
      errors: [{ messageId: "awaits", data: { line: "4" }, line: 2, column: 27, endLine: 2, endColumn: 38 }],
    },
    {
      name: "an old module-style class in JavaScript",
      filename: "room.js",
      code: `export class Room {\n  constructor(state, env) {\n    this.state = state;\n  }\n  async fetch(request) {\n    this.state.storage.transactionSync(async () => {\n      await this.state.storage.put("last", request.url);\n    });\n    return new Response("ok");\n  }\n}`,
      errors: [{ messageId: "awaits", data: { line: "7" }, line: 6, column: 40, endLine: 6, endColumn: 51 }],
    },
    {
      name: "with type information: storage known only by its type",
      ...typed,
      code: `declare function storageOf(name: string): DurableObjectStorage;\nexport function f() {\n  storageOf("a").transactionSync(async () => {\n    await fetch("x");\n  });\n}`,
      errors: [{ messageId: "awaits", data: { line: "4" }, line: 3, column: 34, endLine: 3, endColumn: 45 }],
    },
    {
      name: "destructured storage",
      code: m(`const { storage } = this.ctx;\n    storage.transactionSync(async () => {\n      await storage.put("a", 1);\n    });`),
      errors: [{ messageId: "awaits", data: { line: "6" }, line: 5, column: 29, endLine: 5, endColumn: 40 }],
    },
  ],
});
