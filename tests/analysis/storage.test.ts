/**
 * What the shared analysis recognises as Durable Object storage, asked through a probe rule that
 * reports `<kind>.<method>` for every call on a handle — without and with type information.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import tsParser from "@typescript-eslint/parser";
import type { TSESTree } from "@typescript-eslint/utils";
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import { getModel } from "../../src/analysis/storage.js";
import { createRule } from "../../src/create-rule.js";

const fixtureDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/typed");

const probe = createRule({
  name: "probe",
  meta: { type: "problem", docs: { description: "probe", recommended: false }, schema: [], messages: { kind: "{{kind}}" } },
  defaultOptions: [],
  create(context) {
    const model = getModel(context);
    return {
      CallExpression(node: TSESTree.CallExpression) {
        const h = model.handleCall(node);
        if (h) context.report({ node, messageId: "kind", data: { kind: `${h.kind}.${h.method}` } });
      },
    };
  },
});

function kinds(code: string, typed = false, filename = "file.ts"): string[] {
  const linter = new Linter({ configType: "flat" });
  const messages = linter.verify(
    code,
    [
      {
        files: ["**/*.{ts,js}"],
        languageOptions: {
          parser: tsParser as Linter.Parser,
          parserOptions: typed ? { projectService: true, tsconfigRootDir: fixtureDir } : {},
        },
        plugins: { t: { rules: { probe: probe as never } } },
        rules: { "t/probe": "error" },
      },
    ],
    { filename: typed ? path.join(fixtureDir, "file.ts") : filename },
  );
  const fatal = messages.find((m) => m.fatal);
  if (fatal) throw new Error(fatal.message);
  return messages.map((m) => `${m.line}:${m.message}`);
}

const DO = `import { DurableObject } from "cloudflare:workers";\n`;

describe.each([false, true])("storage resolution (type information: %s)", (typed) => {
  it("this.ctx.storage in a DurableObject subclass, and what hangs off it", () => {
    expect(
      kinds(
        `${DO}export class A extends DurableObject {
  async m() {
    await this.ctx.storage.put("a", 1);
    this.ctx.storage.sql.exec("SELECT 1");
    this.ctx.storage.kv.get("k");
    await this.ctx.blockConcurrencyWhile(async () => {});
  }
}`,
        typed,
      ),
    ).toEqual(["4:storage.put", "5:sql.exec", "6:kv.get", "7:state.blockConcurrencyWhile"]);
  });

  it("aliases: const, destructuring, fields of any name, #private, this.sql, field initialisers", () => {
    expect(
      kinds(
        `${DO}export class A extends DurableObject {
  #store = this.ctx.storage;
  db = this.ctx.storage.sql;
  doStorage: DurableObjectStorage;
  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    this.doStorage = ctx.storage;
    this.sql = ctx.storage.sql;
  }
  sql: SqlStorage;
  async m() {
    const s = this.ctx.storage;
    const { storage } = this.ctx;
    const { sql } = this.ctx.storage;
    const { ctx: { storage: nested } } = this;
    const self = this;
    await s.get("a");
    await storage.delete("b");
    sql.exec("SELECT 1");
    await nested.list();
    await self.#store.getAlarm();
    this.db.exec("SELECT 2");
    await this.doStorage.deleteAll();
    this.sql.exec("SELECT 3");
  }
}`,
        typed,
      ),
    ).toEqual([
      "18:storage.get",
      "19:storage.delete",
      "20:sql.exec",
      "21:storage.list",
      "22:storage.getAlarm",
      "23:sql.exec",
      "24:storage.deleteAll",
      "25:sql.exec",
    ]);
  });

  it("typed parameters, parameter properties, and a transaction callback's txn", () => {
    expect(
      kinds(
        `export class Room implements DurableObject {
  constructor(private readonly state: DurableObjectState, private env: unknown) {}
  async fetch() {
    await this.state.storage.transaction(async (txn) => {
      await txn.put("n", 1);
    });
    return new Response();
  }
}
export function helper(storage: DurableObjectStorage, sql: SqlStorage, t?: DurableObjectTransaction) {
  storage.put("x", 1);
  sql.exec("SELECT 1");
  t?.rollback();
}
export async function sweep(storage: Pick<DurableObjectStorage, "list" | "delete">, ro: Readonly<SqlStorage>) {
  await storage.list();
  ro.exec("SELECT 1");
}`,
        typed,
      ),
    ).toEqual(["4:storage.transaction", "5:txn.put", "11:storage.put", "12:sql.exec", "13:txn.rollback", "16:storage.list", "17:sql.exec"]);
  });

  it("framework base classes imported from their packages, and subclasses in the same file", () => {
    expect(
      kinds(
        `import { Agent } from "agents";
import * as cf from "cloudflare:workers";
export class A extends Agent<Env> { async m() { await this.ctx.storage.put("a", 1); } }
export class B extends cf.DurableObject { async m() { await this.ctx.storage.put("b", 1); } }
class C extends B { async n() { await this.ctx.storage.put("c", 1); } }`,
        typed,
      ),
    ).toEqual(["3:storage.put", "4:storage.put", "5:storage.put"]);
  });

  it("is not fooled by names: KV, R2, D1, Map, objects with put/exec, RPC stubs, unrelated classes", () => {
    expect(
      kinds(
        `${DO}export class A extends DurableObject<Env> {
  storage = new Map<string, number>();
  async m(id: DurableObjectId) {
    await this.env.CACHE.put("k", "v");
    await this.env.BUCKET.put("k", "v");
    await this.env.DB.exec("SELECT 1");
    this.storage.set("a", 1);
    const storage = { put: async (k: string, v: unknown) => {} };
    await storage.put("a", 1);
    const sql = { exec: (q: string) => q };
    sql.exec("PRAGMA user_version");
    await this.env.ROOM.get(id).deleteAll();
  }
}
class NotADo extends Base { async m() { await this.ctx.storage.put("a", 1); } }
class Plain { constructor(state: any) { this.state = state; } state: any; async m() { await this.state.storage.put("a", 1); } }
interface Env { CACHE: KVNamespace; BUCKET: R2Bucket; DB: D1Database; ROOM: DurableObjectNamespace }`,
        typed,
      ),
    ).toEqual([]);
  });

  it("a field assigned two different things, or a variable reassigned, is not trusted by syntax (types are the contract)", () => {
    expect(
      kinds(
        `${DO}export class A extends DurableObject {
  s = this.ctx.storage;
  swap(other: { put(k: string, v: unknown): void }) { this.s = other as never; }
  async m() { await this.s.put("a", 1); let t = this.ctx.storage; t = makeFake(); await t.put("b", 2); }
}`,
        typed,
      ),
    ).toEqual(typed ? ["5:storage.put", "5:storage.put"] : []);
  });
});

describe("storage resolution: base classes from settings", () => {
  const code = `import { BaseObject } from "@acme/do-kit";
export class A extends BaseObject { async m() { await this.ctx.storage.put("a", 1); } }`;
  const withSettings = (settings: Record<string, unknown>) =>
    new Linter({ configType: "flat" })
      .verify(
        code,
        [
          {
            files: ["**/*.ts"],
            languageOptions: { parser: tsParser as Linter.Parser },
            settings,
            plugins: { t: { rules: { probe: probe as never } } },
            rules: { "t/probe": "error" },
          },
        ],
        { filename: "file.ts" },
      )
      .map((m) => `${m.line}:${m.message}`);
  it("an unknown base class is not a Durable Object", () => {
    expect(withSettings({})).toEqual([]);
  });
  it("settings['durable-objects'].baseClasses names more, by module", () => {
    expect(withSettings({ "durable-objects": { baseClasses: { "@acme/do-kit": ["BaseObject"] } } })).toEqual(["2:storage.put"]);
  });
  it("a malformed setting is ignored", () => {
    expect(withSettings({ "durable-objects": { baseClasses: ["BaseObject"] } })).toEqual([]);
    expect(withSettings({ "durable-objects": { baseClasses: { "@acme/do-kit": "BaseObject" } } })).toEqual([]);
  });
});

describe("storage resolution: old module style (plain JavaScript, no types)", () => {
  it("recognises (state, env) stored and used as a state in a class with a handler", () => {
    expect(
      kinds(
        `export class Counter {
  constructor(state, env) { this.state = state; this.env = env; }
  async fetch(request) { const v = await this.state.storage.get("n"); return new Response(String(v)); }
}
export class Helper {
  constructor(state, env) { this.state = state; }
  async run() { await this.state.storage.get("n"); }
}`,
        false,
        "counter.js",
      ),
    ).toEqual(["3:storage.get"]);
  });

  it("treats a TypeScript parameter property like the assignment, whatever the parameter's type", () => {
    expect(
      kinds(
        `interface AppState { storage: any }
export class Room {
  constructor(private readonly state: AppState, env: unknown) {}
  async fetch(request: Request) { return new Response(String(await this.state.storage.get("n"))); }
}
export class Untyped {
  constructor(public state: any) {}
  alarm() { return this.state.storage.deleteAll(); }
}
export class NoHandler {
  constructor(private readonly state: AppState) {}
  run() { return this.state.storage.get("n"); }
}`,
        false,
        "room.ts",
      ),
    ).toEqual(["4:storage.get", "8:storage.deleteAll"]);
  });
});

describe("storage resolution: type information extends what syntax sees", () => {
  const code = `declare function getStorage(): DurableObjectStorage;
declare const kv: KVNamespace;
export async function f() {
  const s = getStorage();
  await s.put("a", 1);
  await kv.put("a", "1");
}`;
  it("without types: a value returned by a function is unknown", () => {
    expect(kinds(code, false)).toEqual([]);
  });
  it("with types: DurableObjectStorage is storage; KVNamespace is not", () => {
    expect(kinds(code, true)).toEqual(["5:storage.put"]);
  });
});

/**
 * Handles are only resolved inside the regions where one can exist (`mayHoldHandles`). These cases
 * put the source of a handle in one place and its use in another, to show each kind of region
 * reaches the use; and a look-alike outside every region, to show it is left alone.
 */
describe("storage resolution: regions where a handle can exist", () => {
  it("a handle type named in one member makes the whole class a region", () => {
    expect(
      kinds(`export class Store {
  constructor(private readonly storage: DurableObjectStorage) {}
  async go() { await this.storage.get("a"); }
}`),
    ).toEqual(["3:storage.get"]);
  });

  it("a subclass inherits its base's fields, though it names no handle type itself", () => {
    expect(
      kinds(`class Base { constructor(protected storage: DurableObjectStorage) {} }
class Sub extends Base { go() { return this.storage.get("a"); } }
const Anon = class extends Sub { go2() { return this.storage.list(); } };
class Sub2 extends Anon { go3() { return this.storage.delete("a"); } }`),
    ).toEqual(["2:storage.get", "3:storage.list"]);
  });

  it("a local subclass of a Durable Object class, and a wrapped or namespaced base", () => {
    expect(
      kinds(`${DO}import * as cf from "cloudflare:workers";
class A extends DurableObject {}
class B extends A { go() { return this.ctx.storage.get("b"); } }
class C extends (DurableObject as any) { go() { return this.ctx.storage.get("c"); } }
class D extends cf.DurableObject { go() { return this.ctx.storage.get("d"); } }`),
    ).toEqual(["4:storage.get", "5:storage.get", "6:storage.get"]);
  });

  it("a field set from another field follows it, whichever method assigns which first", () => {
    // Each field is resolved on its own: `sql` asks for `store`, which is resolved then, though `bind()` comes later in the class.
    expect(
      kinds(`${DO}export class A extends DurableObject {
  open() { this.sql = this.store.sql; }
  bind() { this.store = this.ctx.storage; }
  m() {
    this.sql.exec("SELECT 1");
    return this.store.get("k");
  }
}`),
    ).toEqual(["6:sql.exec", "7:storage.get"]);
  });

  it("a field assigned from itself keeps the kind it has so far", () => {
    expect(
      kinds(`${DO}export class A extends DurableObject {
  sql = this.ctx.storage.sql;
  reopen() { this.sql = this.sql ?? this.ctx.storage.sql; }
  m() { this.sql.exec("SELECT 1"); }
}`),
    ).toEqual(["5:sql.exec"]);
  });

  it("a handle type named at module level makes the whole file a region", () => {
    expect(
      kinds(`declare const shared: DurableObjectStorage;
const s = shared;
export function f() { return s.get("a"); }`),
    ).toEqual(["3:storage.get"]);
  });

  it("a typed parameter of a function outside any class: that function", () => {
    expect(
      kinds(`export function f(s: DurableObjectStorage) { const g = () => s.get("a"); return g; }
export function h(s: { get(k: string): unknown }) { return s.get("a"); }`),
    ).toEqual(["1:storage.get"]);
  });

  it("outside every region nothing is storage, whatever its name", () => {
    expect(
      kinds(`${DO}export class Room extends DurableObject { async m() { await this.ctx.storage.get("a"); } }
export class Cache {
  storage = new Map<string, number>();
  get(k: string) { return this.storage.get(k); }
}
export function helper(storage: Map<string, number>) { return storage.get("a"); }`),
    ).toEqual(["2:storage.get"]);
  });
});

/**
 * The code path tracker of the flow rules asks `regionRootBetween(fn, outer)` instead of
 * `mayHoldHandles(fn)`, from the answer for the enclosing function: the two must agree on every
 * function, whatever kind of region holds it.
 */
describe("regionRootBetween agrees with mayHoldHandles", () => {
  it("for every function, nested or not, in and out of regions", () => {
    const code = `import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  handler = () => { const inner = function () { return () => 1; }; return inner; };
  async fetch() { return [1].map((x) => x + 1); }
  static make() { return class Nested { m() { return () => 2; } }; }
}
class Plain { m() { return () => 3; } }
export function typed(s: DurableObjectStorage) { return function () { return () => s.get("a"); }; }
export function plain() { return () => { class Local extends Room { n() { return () => 4; } } return Local; }; }
const expr = function () { return { o() { return () => 5; } }; };`;
    const seen: string[] = [];
    const check = createRule({
      name: "check",
      meta: { type: "problem", docs: { description: "check", recommended: false }, schema: [], messages: { differ: "differ" } },
      defaultOptions: [],
      create(context) {
        const model = getModel(context);
        const stack: TSESTree.Node[] = [];
        const enter = (fn: TSESTree.Node) => {
          const outer = stack[stack.length - 1];
          const fast = (outer !== undefined && model.mayHoldHandles(outer)) || model.regionRootBetween(fn, outer);
          seen.push(`${fn.loc.start.line}:${fn.loc.start.column}:${fast}`);
          if (fast !== model.mayHoldHandles(fn)) context.report({ node: fn, messageId: "differ" });
          stack.push(fn);
        };
        const exit = () => void stack.pop();
        return {
          ":function": enter,
          ":function:exit": exit,
        };
      },
    });
    const linter = new Linter({ configType: "flat" });
    const messages = linter.verify(
      code,
      [
        {
          files: ["**/*.ts"],
          languageOptions: { parser: tsParser as Linter.Parser },
          plugins: { t: { rules: { check: check as never } } },
          rules: { "t/check": "error" },
        },
      ],
      "file.ts",
    );
    expect(messages).toEqual([]);
    // Both answers occur: functions in the Durable Object class, the typed function and the subclass are in regions; the rest are not.
    expect(seen.filter((s) => s.endsWith("true")).length).toBeGreaterThan(5);
    expect(seen.filter((s) => s.endsWith("false")).length).toBeGreaterThan(3);
  });
});
