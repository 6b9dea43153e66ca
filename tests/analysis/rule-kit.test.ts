/**
 * The rule kit (src/rule-kit.ts) owns the listeners the rules share (the call index, the code
 * path tracker, see FileListeners in src/analysis/listeners.ts): whichever rule is the first to use
 * a part returns its listeners. So every rule finds the same alone as with all the others on, in
 * the plugin's order or the reverse; a rule that returns no listeners of its own does not take the
 * shared ones away from the others; and a rule made without the kit cannot use a shared part.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import tsParser from "@typescript-eslint/parser";
import type { TSESLint } from "@typescript-eslint/utils";
import { Linter, type SourceCode } from "eslint";
import { describe, expect, it } from "vitest";
import { GateFlow } from "../../src/analysis/gate-flow.js";
import { getGateModel } from "../../src/analysis/gate.js";
import { getModel } from "../../src/analysis/storage.js";
import { createRule, mentionsAll } from "../../src/rule-kit.js";
import { rules } from "../../src/rules.js";

/** A file next to a wrangler config that declares `Room` key-value backed (for require-sqlite-backend). */
const FILENAME = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/backend-migrations/src/room.ts");

/** One Durable Object with a finding of every rule. */
const CODE = `import { DurableObject } from "cloudflare:workers";

export class Room extends DurableObject<Env> {
  sql = this.ctx.storage.sql;
  settings: unknown;
  pending: string[] = [];

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.loadSettings();
  }

  async loadSettings(): Promise<void> {
    const url = await this.ctx.storage.get<string>("settingsUrl");
    const res = await fetch(url ?? "https://example.com/settings.json");
    this.settings = await res.json();
  }

  async bump(url: string): Promise<void> {
    const n = (await this.ctx.storage.get<number>("n")) ?? 0;
    await fetch(url);
    await this.ctx.storage.put("n", n + 1);
  }

  async flush(): Promise<void> {
    const rows = this.sql.exec("SELECT id, body FROM outbox ORDER BY id");
    for (const row of rows) await fetch("https://hooks.example.com", { method: "POST", body: String(row.body) });
  }

  async addItem(item: string): Promise<void> {
    this.pending.push(item);
    if (!(await this.ctx.storage.getAlarm())) await this.ctx.storage.setAlarm(Date.now() + 5000);
  }

  async alarm(): Promise<void> {
    const items = [...this.pending];
    this.pending = [];
    this.sql.exec("INSERT INTO done (item) VALUES (?)", items.join(","));
  }

  async save(item: string): Promise<void> {
    await this.ctx.storage.put(\`item:\${Date.now()}\`, item);
  }

  async markDone(items: string[]): Promise<void> {
    for (const item of items) await this.ctx.storage.put(\`done:\${item}\`, true);
  }

  async items(): Promise<number> {
    const all = await this.ctx.storage.list({ prefix: "item:" });
    return all.size + (this.ctx.storage.get<number>("extra") ? 1 : 0);
  }

  migrate(sku: string): number {
    this.sql.exec("PRAGMA user_version = 2");
    this.sql.exec("PRAGMA journal_mode = WAL");
    this.sql.exec("BEGIN");
    this.sql.exec("DELETE FROM outbox");
    this.sql.exec("COMMIT");
    return this.sql.exec<{ qty: number }>("SELECT qty FROM stock WHERE sku = ?", sku).one()?.qty ?? 0;
  }

  place(orderId: string): void {
    this.ctx.storage.transactionSync(async () => {
      this.sql.exec("INSERT INTO orders (id) VALUES (?)", orderId);
      await fetch("https://example.com/hooks/order");
    });
  }

  async reset(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  async fetch(request: Request): Promise<Response> {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    server.addEventListener("message", () => server.close(1005, "bye"));
    return new Response(null, { status: 101, webSocket: client });
  }
}
`;

/** Every finding in CODE with every rule on: rule, line:column, message id (in the order ESLint gives them). */
const EXPECTED = [
  "no-memory-only-alarm-state 6:3 memoryOnly",
  "no-unguarded-constructor-init 10:5 opensGate",
  "no-unsafe-read-modify-write 20:22 staleKey",
  "require-sqlite-backend 26:18 kvMigrations",
  "no-cursor-after-await 27:23 loopAwaits",
  "prefer-coalesced-writes 46:31 loop",
  "no-unbounded-list 50:23 rangeGrows",
  "no-unawaited-storage-read 51:24 truthy",
  "no-pragma-user-version 55:20 write",
  "no-unsupported-pragma 56:20 pragma",
  "no-sql-transaction-statements 57:20 pair",
  "valid-sql-exec 60:87 oneNeverUndefined",
  "no-async-transaction-sync 64:38 awaits",
  "require-delete-alarm-with-delete-all 71:11 oldDate",
  "no-mixed-websocket-accept 77:5 listenerNeverRuns",
  "valid-websocket-close 77:59 invalidCode",
];

type AnyRule = TSESLint.RuleModule<string, readonly unknown[]>;
const RULE_NAMES = Object.keys(rules) as (keyof typeof rules)[];

function config(plugin: Record<string, AnyRule>, names: readonly string[]): Linter.Config[] {
  return [
    {
      files: ["**/*.ts"],
      languageOptions: { parser: tsParser as Linter.Parser },
      plugins: { d: { rules: plugin as never } },
      // The rules in the order given (ESLint creates them in the order of this object).
      rules: Object.fromEntries(
        names.map((n) => [
          `d/${n}`,
          n === "require-delete-alarm-with-delete-all" ? ["error", { compatibilityDate: "2025-01-01" }] : "error",
        ]),
      ),
    },
  ];
}

const linter = new Linter({ configType: "flat" });
const findings = (messages: Linter.LintMessage[]): string[] =>
  messages.map((m) => `${m.ruleId?.slice(2) ?? m.message} ${m.line}:${m.column} ${m.messageId}`);
const lint = (names: readonly string[], plugin: Record<string, AnyRule> = rules as never, code: string | SourceCode = CODE) =>
  findings(linter.verify(code, config(plugin, names), FILENAME));
const byRule = (list: string[], name: string) => list.filter((f) => f.startsWith(`${name} `));

describe("every rule finds the same alone as with the others, in any order", () => {
  it("all rules on, in the plugin's order", () => {
    expect(lint(RULE_NAMES)).toEqual(EXPECTED);
  });

  it("all rules on, in reverse order", () => {
    expect(lint([...RULE_NAMES].reverse())).toEqual(EXPECTED);
  });

  for (const name of RULE_NAMES) {
    it(`${name} alone`, () => {
      const alone = lint([name]);
      expect(alone.length).toBeGreaterThan(0);
      expect(alone).toEqual(byRule(EXPECTED, name));
    });
  }

  it("the same parsed file linted again, with other rules and in another order, reports the same", () => {
    lint(RULE_NAMES);
    const sourceCode = linter.getSourceCode() as SourceCode;
    const again = (names: readonly string[]) => lint(names, rules as never, sourceCode);
    expect(again(["no-cursor-after-await", "no-pragma-user-version"])).toEqual(
      [...byRule(EXPECTED, "no-cursor-after-await"), ...byRule(EXPECTED, "no-pragma-user-version")].sort(byPosition),
    );
    expect(again([...RULE_NAMES].reverse())).toEqual(EXPECTED);
    expect(again(["valid-sql-exec"])).toEqual(byRule(EXPECTED, "valid-sql-exec"));
  });
});

/** Findings in ESLint's order: by line, then column. */
function byPosition(a: string, b: string): number {
  const pos = (f: string) => f.split(" ")[1].split(":").map(Number);
  const [la, ca] = pos(a);
  const [lb, cb] = pos(b);
  return la - lb || ca - cb;
}

const META = { type: "problem", docs: { description: "probe", recommended: false }, schema: [], messages: {} } as const;

describe("a rule that returns no listeners of its own", () => {
  /** Uses the call index and a gate flow, and listens to nothing. */
  const silent = createRule<[], never>({
    name: "silent",
    meta: META,
    create(_context, model) {
      model.calls(["exec", "get", "list"]);
      new GateFlow(getGateModel(model));
      return undefined;
    },
  });
  const plugin = { ...(rules as unknown as Record<string, AnyRule>), silent: silent as unknown as AnyRule };

  for (const others of [["no-unsafe-read-modify-write", "no-cursor-after-await", "no-pragma-user-version", "no-unbounded-list"]]) {
    it(`created first, it leaves ${others.join(", ")} their findings`, () => {
      expect(lint(["silent", ...others], plugin)).toEqual(lint(others));
      expect(lint(others).length).toBe(others.length);
    });
  }
});

describe("a rule made without the kit", () => {
  it("cannot use a shared part: it would have no rule to return the part's listeners", () => {
    const raw = {
      meta: META,
      create(context: TSESLint.RuleContext<string, []>) {
        getModel(context).calls(["exec"]);
        return {};
      },
    };
    const plugin = { ...(rules as unknown as Record<string, AnyRule>), raw: raw as unknown as AnyRule };
    expect(() => lint(["no-pragma-user-version", "raw"], plugin)).toThrow(/a shared part is used outside a rule's create/);
  });
});

describe("mentions", () => {
  it("every entry must occur; a list is satisfied by any of its words", () => {
    expect(mentionsAll("ws.close(); WebSocket", ["close", ["WebSocket", "webSocket"]])).toBe(true);
    expect(mentionsAll("ws.close(); webSocket", ["close", ["WebSocket", "webSocket"]])).toBe(true);
    expect(mentionsAll("ws.close()", ["close", ["WebSocket", "webSocket"]])).toBe(false);
    expect(mentionsAll("WebSocket", ["close", ["WebSocket", "webSocket"]])).toBe(false);
    expect(mentionsAll("anything", [])).toBe(true);
  });
});
