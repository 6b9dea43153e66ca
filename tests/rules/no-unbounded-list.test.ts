import rule from "../../rules/no-unbounded-list.js";
import { CURRENT_DOCS, OLDER_DOCS, docBlocks, patternDocCases } from "../helpers/pattern-docs.js";
import { RuleTester } from "../helpers/rule-tester.js";

const DO = `import { DurableObject } from "cloudflare:workers";\n`;
/**
 * A Durable Object whose `m(opts)` body (line 4) is `body`, and which stores one key per item it is
 * given (so its key set can grow: see "a fixed set of keys" below for objects whose keys cannot).
 */
const m = (body: string) => `${DO}export class C extends DurableObject<Env> {
  async m(opts: DurableObjectListOptions) {
    ${body}
  }

  async add(item: unknown) {
    await this.ctx.storage.put(crypto.randomUUID(), item);
  }
}`;
/** A Durable Object with `body` as its class body. */
const cls = (body: string) => `${DO}export class Room extends DurableObject<Env> {\n${body}\n}`;

new RuleTester().run("no-unbounded-list", rule, {
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
    // A fixed set of keys: every put in the class names a constant key, so list() returns at most that many entries.
    {
      name: "a fixed set of keys: literals and an object literal of named fields",
      code: cls(`  async create(name: string, hp: number) {
    await this.ctx.storage.put({ name, hp, ["level"]: 1 });
    await this.ctx.storage.put("createdAt", Date.now());
  }

  async snapshot() {
    return Object.fromEntries(await this.ctx.storage.list());
  }`),
    },
    {
      name: "a fixed set of keys: a const object of key names, an enum, a static readonly field",
      code: `${DO}const KEYS = { ROOM: "room", SEATS: "seats" } as const;
enum Slot { Turn = "turn" }
export class Room extends DurableObject<Env> {
  static readonly CHAT = "chat";
  async save(room: unknown, seats: unknown[], turn: number, chat: string[]) {
    await this.ctx.storage.put(KEYS.ROOM, room);
    await this.ctx.storage.put(KEYS.SEATS, seats);
    await this.ctx.storage.put(Slot.Turn, turn);
    await this.ctx.storage.put(Room.CHAT, chat);
  }
  async audit() {
    return [...(await this.ctx.storage.list()).keys()];
  }
}`,
    },
    {
      name: "a fixed set of keys: a private helper whose callers all pass constants",
      code: cls(`  private async write(key: string, value: unknown) {
    await this.ctx.storage.put(key, value);
  }

  async join(seat: number) {
    const SEATS = "seats";
    await this.write(SEATS, [seat]);
    await this.write(seat > 3 ? "overflow" : "lobby", true);
  }

  async keys() {
    return (await this.ctx.storage.list()).size;
  }`),
    },
    {
      name: "keys that vary, but none can fall under the listed prefix",
      code: cls(`  async post(id: string, text: string) {
    await this.ctx.storage.put(\`msg:\${id}\`, text);
    await this.ctx.storage.put("reaction:" + id, 0);
  }

  async settings() {
    return this.ctx.storage.list({ prefix: "config:" });
  }`),
    },
    {
      name: "the old module style, with constant keys only",
      code: `export class Counter {\n  constructor(state, env) { this.state = state; }\n  async fetch() {\n    await this.state.storage.put("hits", 1);\n    const all = await this.state.storage.list();\n    return new Response(String(all.size));\n  }\n}`,
    },
    // Where the file cannot show the keys growing, a whole-storage list() is left alone.
    {
      name: "constant keys here; the storage also goes to a function of another module (its keys are not seen)",
      code: `${DO}import { track } from "./usage";
export class Room extends DurableObject<Env> {
  async hit() {
    await this.ctx.storage.put("hits", 1);
    await track(this.ctx.storage);
  }
  async all() {
    return this.ctx.storage.list();
  }
}`,
    },
    {
      name: "constant keys under a framework base class: a whole list is left alone",
      code: `import { Agent } from "agents";
export class Helper extends Agent<Env> {
  async all() {
    await this.ctx.storage.put("seen", true);
    return this.ctx.storage.list();
  }
}`,
    },
    {
      name: "a function taking DurableObjectStorage that lists it all, with no write in the file",
      code: `export function dump(storage: DurableObjectStorage) {\n  return storage.list();\n}`,
    },
  ],
  invalid: [
    // A whole-storage list() where the file shows keys that keep coming.
    {
      name: "no argument",
      code: m(`return this.ctx.storage.list();`),
      errors: [
        {
          messageId: "unbounded",
          data: { what: "the key `crypto.randomUUID()`", line: 8 },
          line: 4,
          column: 12,
          endLine: 4,
          endColumn: 35,
        },
      ],
    },
    {
      name: "options that bound nothing: reverse, noCache",
      code: m(`return this.ctx.storage.list({ reverse: true, noCache: true });`),
      errors: [
        {
          messageId: "unbounded",
          data: { what: "the key `crypto.randomUUID()`", line: 8 },
          line: 4,
          column: 12,
          endLine: 4,
          endColumn: 67,
        },
      ],
    },
    {
      name: "a transaction's list()",
      code: m(
        `await this.ctx.storage.transaction(async (txn) => {\n      const all = await txn.list();\n      await txn.put("count", all.size);\n    });`,
      ),
      errors: [
        {
          messageId: "unbounded",
          data: { what: "the key `crypto.randomUUID()`", line: 11 },
          line: 5,
          column: 25,
          endLine: 5,
          endColumn: 35,
        },
      ],
    },
    {
      name: "the old module style, untyped: one key per request path",
      code: `export class Room {\n  constructor(state, env) { this.state = state; }\n  async fetch(request) {\n    const all = await this.state.storage.list();\n    await this.state.storage.put(new URL(request.url).pathname, Date.now());\n    return new Response(String(all.size));\n  }\n}`,
      errors: [
        {
          messageId: "unbounded",
          data: { what: "the key `new URL(request.url).pathname`", line: 5 },
          line: 4,
          column: 23,
          endLine: 4,
          endColumn: 48,
        },
      ],
    },
    {
      name: "a public method stores the key it is given (any Worker can call it over RPC)",
      code: cls(`  async set(key: string, value: unknown) {
    await this.ctx.storage.put(key, value);
  }

  async all() {
    return this.ctx.storage.list();
  }`),
      errors: [
        {
          messageId: "unbounded",
          data: { what: "the key callers pass as `key`", line: 4 },
          line: 8,
          column: 12,
          endLine: 8,
          endColumn: 35,
        },
      ],
    },
    {
      name: "a private helper called with a key built from input: the message names the call",
      code: cls(`  private async write(key: string, value: unknown) {
    await this.ctx.storage.put(key, value);
  }

  async vote(user: string) {
    await this.write("votes:" + user, 1);
  }

  async tally() {
    return (await this.ctx.storage.list()).size;
  }`),
      errors: [
        { messageId: "unbounded", data: { what: 'the key `"votes:" + user`', line: 8 }, line: 12, column: 19, endLine: 12, endColumn: 42 },
      ],
    },
    {
      name: "a private helper also used as a value: its callers choose the key",
      code: cls(`  private async write(key: string) {
    await this.ctx.storage.put(key, true);
  }

  async mark(keys: string[]) {
    await this.write("first");
    await Promise.all(keys.map(this.write, this));
  }

  async marks() {
    return this.ctx.storage.list();
  }`),
      errors: [
        {
          messageId: "unbounded",
          data: { what: "the key callers pass as `key`", line: 4 },
          line: 13,
          column: 12,
          endLine: 13,
          endColumn: 35,
        },
      ],
    },
    {
      name: "put() of an object the rule does not read",
      code: cls(`  async import(entries: Record<string, unknown>) {
    await this.ctx.storage.put(entries);
  }

  async export() {
    return this.ctx.storage.list();
  }`),
      errors: [
        { messageId: "unbounded", data: { what: "the keys of `entries`", line: 4 }, line: 8, column: 12, endLine: 8, endColumn: 35 },
      ],
    },
    {
      name: "a subclass in the file shares the storage",
      code: `${DO}export class Base extends DurableObject<Env> {
  async all() {
    return this.ctx.storage.list();
  }
}
export class Chat extends Base {
  async post(text: string) {
    await this.ctx.storage.put(crypto.randomUUID(), text);
  }
}`,
      errors: [
        {
          messageId: "unbounded",
          data: { what: "the key `crypto.randomUUID()`", line: 9 },
          line: 4,
          column: 12,
          endLine: 4,
          endColumn: 35,
        },
      ],
    },
    {
      name: "an exported module function stores the key it is given",
      code: `${DO}export async function remember(storage: DurableObjectStorage, key: string) {
  await storage.put(key, Date.now());
}
export class Room extends DurableObject<Env> {
  async all() {
    await remember(this.ctx.storage, "opened");
    return this.ctx.storage.list();
  }
}`,
      errors: [
        {
          messageId: "unbounded",
          data: { what: "the key callers pass as `key`", line: 3 },
          line: 8,
          column: 12,
          endLine: 8,
          endColumn: 35,
        },
      ],
    },
    // A range: reported with the write that grows it, or where the file cannot show the object's keys are a fixed set.
    {
      name: "a prefix alone does not bound it",
      code: m(`const items = await this.ctx.storage.list<string>({ prefix: "item:" });\n    return items.size;`),
      errors: [
        {
          messageId: "rangeGrows",
          data: { what: "the key `crypto.randomUUID()`", line: 9 },
          line: 4,
          column: 25,
          endLine: 4,
          endColumn: 75,
        },
      ],
    },
    {
      name: "start and end alone, through a const alias of storage",
      code: m(`const storage = this.ctx.storage;\n    return storage.list({ start: "a", end: "b" });`),
      errors: [
        {
          messageId: "rangeGrows",
          data: { what: "the key `crypto.randomUUID()`", line: 9 },
          line: 5,
          column: 12,
          endLine: 5,
          endColumn: 50,
        },
      ],
    },
    {
      name: "an options literal wrapped in satisfies; an optional call",
      code: m(`await this.ctx.storage.list({ prefix: "a" } satisfies DurableObjectListOptions);\n    await this.ctx.storage?.list();`),
      errors: [
        {
          messageId: "rangeGrows",
          data: { what: "the key `crypto.randomUUID()`", line: 9 },
          line: 4,
          column: 11,
          endLine: 4,
          endColumn: 84,
        },
        {
          messageId: "unbounded",
          data: { what: "the key `crypto.randomUUID()`", line: 9 },
          line: 5,
          column: 11,
          endLine: 5,
          endColumn: 35,
        },
      ],
    },
    {
      name: "a key that varies falls under the prefix",
      code: cls(`  async post(id: string, text: string) {
    await this.ctx.storage.put(\`msg:\${id}\`, text);
  }

  async history() {
    return this.ctx.storage.list({ prefix: "msg:" });
  }`),
      errors: [
        { messageId: "rangeGrows", data: { what: "the key ``msg:${id}``", line: 4 }, line: 8, column: 12, endLine: 8, endColumn: 53 },
      ],
    },
    {
      name: "a function taking DurableObjectStorage: its keys are written elsewhere",
      code: `export function dump(storage: DurableObjectStorage) {\n  return storage.list({ prefix: "user:" });\n}`,
      errors: [{ messageId: "rangeOnly", line: 2, column: 10, endLine: 2, endColumn: 43 }],
    },
    {
      name: "constant keys here, but the storage also goes to another module",
      code: `${DO}import { track } from "./usage";
export class Room extends DurableObject<Env> {
  async hit() {
    await this.ctx.storage.put("hits", 1);
    await track(this.ctx.storage);
  }
  async usage() {
    return this.ctx.storage.list({ prefix: "usage:" });
  }
}`,
      errors: [{ messageId: "rangeOnly", line: 9, column: 12, endLine: 9, endColumn: 55 }],
    },
    {
      name: "constant keys here, but the object itself goes to other code",
      code: `${DO}import { Router } from "./router";
export class Room extends DurableObject<Env> {
  router = new Router(this);
  async routes() {
    await this.ctx.storage.put("opened", true);
    return this.ctx.storage.list({ prefix: "route:" });
  }
}`,
      errors: [{ messageId: "rangeOnly", line: 7, column: 12, endLine: 7, endColumn: 55 }],
    },
    {
      name: "constant keys here, but a framework base class may store keys of its own",
      code: `import { Agent } from "agents";
export class Helper extends Agent<Env> {
  async tasks() {
    await this.ctx.storage.put("seen", true);
    return this.ctx.storage.list({ prefix: "task:" });
  }
}`,
      errors: [{ messageId: "rangeOnly", line: 5, column: 12, endLine: 5, endColumn: 54 }],
    },
  ],
});
