import rule from "../../rules/no-unguarded-constructor-init.js";
import { CURRENT_DOCS, OLDER_DOCS, docBlocks, patternDocCases } from "../helpers/pattern-docs.js";
import { RuleTester } from "../helpers/rule-tester.js";

const DO = `import { DurableObject } from "cloudflare:workers";\n`;
/** A Durable Object whose constructor body starts on line 6, column 5, followed by `members`. */
const C = (body: string, members = "") => `${DO}export class C extends DurableObject<Env> {
  v: unknown;
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ${body}
  }${members}
}`;
/** A same-class async method that awaits a storage read and then sets `this.v`. */
const LOAD = `\n  async load() { this.v = await this.ctx.storage.get("v"); }`;
/** A same-class async method that awaits Workers KV (opening the input gate) before it sets `this.v` from storage. */
const KV_LOAD = `\n  async load() {\n    const key = await this.env.CONFIG.get("key");\n    this.v = await this.ctx.storage.get(key ?? "v");\n  }`;
const suggest = (output: string, state = "ctx") => [{ messageId: "suggestBlockConcurrency" as const, data: { state }, output }];

new RuleTester().run("no-unguarded-constructor-init", rule, {
  valid: [
    ...patternDocCases(() => docBlocks(CURRENT_DOCS).map((b) => ({ name: `pattern docs: ${b.heading}`, code: b.code }))),
    ...patternDocCases(() => docBlocks(OLDER_DOCS).map((b) => ({ name: `older pattern docs: ${b.heading}`, code: b.code }))),
    { name: "the Initialization Pattern, calling a method", code: C(`ctx.blockConcurrencyWhile(() => this.load());`, LOAD) },
    { name: "inside blockConcurrencyWhile, awaited", code: C(`ctx.blockConcurrencyWhile(async () => { await this.load(); });`, LOAD) },
    {
      name: "a .then chain inside blockConcurrencyWhile",
      code: C(`void ctx.blockConcurrencyWhile(() => ctx.storage.get("v").then((v) => { this.v = v; }));`),
    },
    {
      name: "synchronous SQL and the synchronous KV API",
      code: C(
        `ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v TEXT)");\n    this.v = ctx.storage.kv.get("v") ?? ctx.storage.sql.exec("SELECT v FROM t").toArray();`,
      ),
    },
    {
      name: "the promise is kept (handlers await it)",
      code: C(`this.ready = this.load();\n    this.ready2 = ctx.storage.get("v").then((v) => { this.v = v; });`, LOAD),
    },
    {
      name: "the promise is handed to something else",
      code: C(`ctx.waitUntil(this.load());\n    const p = ctx.storage.get("v").then((v) => { this.v = v; });\n    ctx.waitUntil(p);`, LOAD),
    },
    { name: "a .then callback that sets no instance state", code: C(`ctx.storage.get("v").then((v) => console.log(v));`) },
    {
      name: "a function expression callback: its `this` is not the instance",
      code: C(`ctx.storage.get("v").then(function (this: any, v) { this.v = v; });`),
    },
    {
      name: "the assignment is in a function nested in the callback",
      code: C(`ctx.storage.get("v").then((v) => { setTimeout(() => { this.v = v; }, 0); });`),
    },
    {
      name: "the method sets state only before it awaits",
      code: C(`this.load();`, `\n  async load() { this.v = "loading"; await this.ctx.storage.get("v"); }`),
    },
    {
      name: "the method does not read storage",
      code: C(`this.load();`, `\n  async load() { this.v = 1; await this.ctx.storage.put("v", 1); }`),
    },
    {
      name: "the method is not async",
      code: C(`this.load();`, `\n  load() { return this.ctx.storage.get("v").then((v) => { this.v = v; }); }`),
    },
    {
      name: "a generator method runs nothing when called",
      code: C(`this.load();`, `\n  async *load() { this.v = await this.ctx.storage.get("v"); yield; }`),
    },
    { name: "an inherited or unknown method", code: C(`this.init();\n    this.helper.load();`, LOAD) },
    {
      name: "the method sets state only inside its own blockConcurrencyWhile",
      code: C(
        `this.load();`,
        `\n  async load() { await this.ctx.blockConcurrencyWhile(async () => { this.v = await this.ctx.storage.get("v"); }); }`,
      ),
    },
    {
      name: "outside the constructor",
      code: C(
        ``,
        `\n  async fetch() { this.ctx.storage.get("v").then((v) => { this.v = v; }); this.load(); return new Response(); }${LOAD}`,
      ),
    },
    {
      name: "a callback in the constructor runs later, not at construction",
      code: C(`const init = () => this.load();\n    setTimeout(init, 0);`, LOAD),
    },
    {
      name: "a class expression in the constructor: its field initialiser is not constructor code",
      code: C(`const K = class { x = this.load(); };\n    void K;`, KV_LOAD),
    },
    {
      name: "a class expression in the constructor: its static block is not constructor code",
      code: C(`const K = class { static { this.load(); } };\n    void K;`, KV_LOAD),
    },
    {
      name: "a class that is not a Durable Object",
      code: `export class Cache {\n  v: unknown;\n  constructor(storage: DurableObjectStorage) {\n    storage.get("v").then((v) => { this.v = v; });\n  }\n}`,
    },
    {
      name: "Workers KV, an RPC stub and a Map are not this object's storage",
      code: C(
        `env.CACHE.get("v").then((v) => { this.v = v; });\n    env.ROOM.get(ctx.id).get("v").then((v) => { this.v = v; });\n    new Map().get("v").then((v) => { this.v = v; });`,
      ),
    },
    {
      name: `measured: a storage-only load finishes before the first request — ${"get().then((v) => { this.v = v; }): rewritten with await"}`,
      code: C(`ctx.storage.get<number>("v").then((v) => { this.v = v; });`),
    },
    {
      name: `measured: a storage-only load finishes before the first request — ${"getAlarm() with an expression-bodied callback"}`,
      code: C(`this.ctx.storage.getAlarm().then((t) => (this.v = t));`),
    },
    {
      name: `measured: a storage-only load finishes before the first request — ${"a fetch after the last assignment does not leave the state unset"}`,
      code: C(`ctx.storage.get("v")?.then(async (v) => { this.v = v; await fetch("https://example.com/log"); });`),
    },
    {
      name: `measured: a storage-only load finishes before the first request — ${"list() with a multi-line callback setting two fields"}`,
      code: C(`ctx.storage.list({ prefix: "session:" }).then((sessions) => {\n      this.v = sessions;\n      this.ready = true;\n    });`),
    },
    {
      name: `measured: a storage-only load finishes before the first request — ${"two .then steps: the chain is kept"}`,
      code: C(`ctx.storage.get<string>("cfg").then((s) => JSON.parse(s ?? "{}")).then((cfg) => { this.v = cfg; });`),
    },
    {
      name: `measured: a storage-only load finishes before the first request — ${"a .catch after the .then: the chain is kept"}`,
      code: C(`ctx.storage.get("v").then((v) => { this.v = v; }).catch(() => {});`),
    },
    {
      name: `measured: a storage-only load finishes before the first request — ${"a typed callback parameter: the chain is kept"}`,
      code: C(`ctx.storage.get("v").then((v: unknown) => { this.v = v; });`),
    },
    {
      name: `measured: a storage-only load finishes before the first request — ${"the read uses the parameter's name: the chain is kept"}`,
      code: C(`const v = "key";\n    ctx.storage.get(v).then((v) => { this.v = v; });`),
    },
    {
      name: `measured: a storage-only load finishes before the first request — ${"a comment between the read and .then: the chain is kept"}`,
      code: C(`ctx.storage.get("v") /* cached */ .then((v) => { this.v = v; });`),
    },
    {
      name: "a subclass declares load() again: which body runs is unknown, so silence",
      code: `${C(`this.load();`, KV_LOAD)}\nexport class D extends C {\n  override async load() { this.v = 1; }\n}`,
    },
    {
      name: `measured: a storage-only load finishes before the first request — ${"this.load(); a same-class method that loads from storage"}`,
      code: C(`this.load();`, LOAD),
    },
    {
      name: `measured: a storage-only load finishes before the first request — ${"void this.load();"}`,
      code: C(`void this.load();`, LOAD),
    },
    {
      name: `measured: a storage-only load finishes before the first request — ${"this.load().catch(…): the catch is kept"}`,
      code: C(`this.load().catch((e) => console.error(e));`, LOAD),
    },
    {
      name: `measured: a storage-only load finishes before the first request — ${"a private method, Promise.all of reads, destructuring into fields"}`,
      code: C(
        `this.#load();`,
        `\n  async #load() { [this.v, this.w] = await Promise.all([this.ctx.storage.get("a"), this.ctx.storage.get("b")]); }`,
      ),
    },
    {
      name: `measured: a storage-only load finishes before the first request — ${"an async arrow in a class field, called under a braceless if"}`,
      code: C(`if (env.PRELOAD) this.load();`, `\n  load = async () => { this.v = (await this.ctx.storage.get("v")) ?? 0; };`),
    },
    {
      name: `measured: a storage-only load finishes before the first request — ${"the old module style: the state parameter"}`,
      code: `export class Room {\n  constructor(state, env) {\n    this.state = state;\n    state.storage.get("v").then((v) => { this.v = v; });\n  }\n  async fetch() { return new Response(String(this.v)); }\n}`,
    },
    {
      name: `measured: a storage-only load finishes before the first request — ${"no named state parameter: this.ctx"}`,
      code: `${DO}export class C extends DurableObject {\n  v: unknown;\n  constructor(...args: ConstructorParameters<typeof DurableObject>) {\n    super(...args);\n    this.ctx.storage.get("v").then((v) => { this.v = v; });\n  }\n}`,
    },
  ],
  invalid: [
    {
      name: "an async callback that fetches before it sets the state: the gate opens",
      code: C(`ctx.storage.get<string>("url").then(async (url) => { const res = await fetch(url!); this.v = await res.json(); });`),
      errors: [
        {
          messageId: "opensGate",
          data: { call: "ctx.storage.get(…).then(…)", target: "`this.v`", awaited: "fetch(…)", line: "6" },
          line: 6,
          column: 5,
          endLine: 6,
          endColumn: 35,
          suggestions: suggest(
            C(
              `ctx.blockConcurrencyWhile(async () => { const url = await ctx.storage.get<string>("url"); const res = await fetch(url!); this.v = await res.json(); });`,
            ),
          ),
        },
      ],
    },
    {
      name: "the method awaits Workers KV before it sets the state: the gate opens",
      code: C(
        `this.load();`,
        `\n  async load() {\n    const key = await this.env.CONFIG.get("key");\n    this.v = await this.ctx.storage.get(key ?? "v");\n  }`,
      ),
      errors: [
        {
          messageId: "opensGate",
          data: { call: "this.load()", target: "`this.v`", awaited: "this.env.CONFIG.get(…)", line: "9" },
          line: 6,
          column: 5,
          endLine: 6,
          endColumn: 16,
          suggestions: suggest(
            C(
              `ctx.blockConcurrencyWhile(async () => { await this.load(); });`,
              `\n  async load() {\n    const key = await this.env.CONFIG.get("key");\n    this.v = await this.ctx.storage.get(key ?? "v");\n  }`,
            ),
          ),
        },
      ],
    },
    {
      name: "the method is inherited from a local base class (callees.ts)",
      code: `${DO}class Loader extends DurableObject<Env> {
  v: unknown;
  async load() {
    const key = await this.env.CONFIG.get("key");
    this.v = await this.ctx.storage.get(key ?? "v");
  }
}
export class C extends Loader {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.load();
  }
}`,
      errors: [
        {
          messageId: "opensGate",
          data: { call: "this.load()", target: "`this.v`", awaited: "this.env.CONFIG.get(…)", line: "5" },
          line: 12,
          column: 5,
          endLine: 12,
          endColumn: 16,
          suggestions: suggest(`${DO}class Loader extends DurableObject<Env> {
  v: unknown;
  async load() {
    const key = await this.env.CONFIG.get("key");
    this.v = await this.ctx.storage.get(key ?? "v");
  }
}
export class C extends Loader {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => { await this.load(); });
  }
}`),
        },
      ],
    },
    {
      name: "a fetch after the read, before the last assignment",
      code: C(
        `this.load();`,
        `\n  async load() {\n    const url = await this.ctx.storage.get<string>("url");\n    const res = await fetch(url!);\n    this.v = await res.json();\n  }`,
      ),
      errors: [
        {
          messageId: "opensGate",
          data: { call: "this.load()", target: "`this.v`", awaited: "fetch(…)", line: "10" },
          line: 6,
          column: 5,
          endLine: 6,
          endColumn: 16,
          suggestions: suggest(
            C(
              `ctx.blockConcurrencyWhile(async () => { await this.load(); });`,
              `\n  async load() {\n    const url = await this.ctx.storage.get<string>("url");\n    const res = await fetch(url!);\n    this.v = await res.json();\n  }`,
            ),
          ),
        },
      ],
    },
  ],
});
