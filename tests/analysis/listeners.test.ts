/**
 * Shared listeners (src/analysis/listeners.ts) and the call index built on them
 * (`DurableObjectModel#calls`): one `CallExpression` listener per file, however many rules read
 * the index. Each case checks the index against what a rule's own `CallExpression` listener sees,
 * and the claim protocol: every rule of a traversal sees the whole index, linting the same AST
 * again (also after a traversal that threw) gives the same index, never a doubled one.
 */
import tsParser from "@typescript-eslint/parser";
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { Linter, type SourceCode } from "eslint";
import { describe, expect, it } from "vitest";
import { calledMethod } from "../../src/analysis/ast.js";
import { createRule } from "../../src/rule-kit.js";
import { rules } from "../../src/rules.js";

const META = { type: "problem", docs: { description: "probe", recommended: false }, schema: [], messages: {} } as const;

type Seen = { indexed: string[]; visited: string[] };

/** A rule that records, for method `name`, the index's calls and the calls its own listener visits. */
function probeRule(name: string, seen: Seen[], options: { throwOnVisit?: boolean } = {}) {
  return createRule<[], never>({
    name: "probe",
    meta: META,
    // The probes' files hold no Durable Object.
    outsideRegions: true,
    create(context, model) {
      const sourceCode = context.sourceCode;
      const calls = model.calls([name]);
      const entry: Seen = { indexed: [], visited: [] };
      seen.push(entry);
      return {
        CallExpression(node: TSESTree.CallExpression) {
          if (options.throwOnVisit) throw new Error("probe threw");
          if (calledMethod(node) === name) entry.visited.push(sourceCode.getText(node));
        },
        "Program:exit"() {
          entry.indexed = calls.of(name).map((c) => sourceCode.getText(c));
        },
      };
    },
  });
}

function config(parser: "espree" | "ts", rules: Record<string, unknown>): Linter.Config[] {
  return [
    {
      files: ["**/*.ts"],
      languageOptions: parser === "ts" ? { parser: tsParser as Linter.Parser } : { ecmaVersion: "latest", sourceType: "module" },
      plugins: { probe: { rules: rules as never } },
      rules: Object.fromEntries(Object.keys(rules).map((r) => [`probe/${r}`, "error"])),
    },
  ];
}

function lint(linter: Linter, code: string | SourceCode, cfg: Linter.Config[]): void {
  const messages = linter.verify(code, cfg, "file.ts");
  const problem = messages.find((m) => m.fatal || m.ruleId?.startsWith("probe/"));
  if (problem) throw new Error(problem.message);
}

const cases: { name: string; code: string; expected: string[]; tsOnly?: boolean }[] = [
  {
    name: "plain, optional, computed by string and by template, parenthesised",
    code: "a.exec(1); a?.exec(2); a['exec'](3); a[`exec`](4); (a.exec)(5); a?.b.exec(6);",
    expected: ["a.exec(1)", "a?.exec(2)", "a['exec'](3)", "a[`exec`](4)", "(a.exec)(5)", "a?.b.exec(6)"],
  },
  {
    name: "not a call of the method: strings, comments, other names, bare calls, private names, super, a member not called",
    code:
      "const s = 'exec'; // a.exec(0)\n/* b.exec(0) */ execute(); a.execute(); exec(); a.exec; " +
      "class A extends B { #exec() {} m() { this.#exec(); super.exec(); } } x = { exec() {} }; f(a.exec);",
    expected: [],
  },
  {
    name: "chains and nested calls, in the order a traversal enters them",
    code: "a.exec(b.exec(1)).exec(2); c.exec(`${d.exec(3)}`);",
    expected: ["a.exec(b.exec(1)).exec(2)", "a.exec(b.exec(1))", "b.exec(1)", "c.exec(`${d.exec(3)}`)", "d.exec(3)"],
  },
  {
    name: "TypeScript: non-null, cast and type-argument callees",
    code: "a.exec!(1); (a.exec as F)(2); (a.exec satisfies F)(3); a.exec<T>(4); (<F>a.exec)(5);",
    expected: ["a.exec!(1)", "(a.exec as F)(2)", "(a.exec satisfies F)(3)", "a.exec<T>(4)", "(<F>a.exec)(5)"],
    tsOnly: true,
  },
];

describe("call index", () => {
  for (const c of cases) {
    for (const parser of c.tsOnly ? (["ts"] as const) : (["espree", "ts"] as const)) {
      it(`${c.name} (${parser})`, () => {
        const seen: Seen[] = [];
        lint(new Linter({ configType: "flat" }), c.code, config(parser, { a: probeRule("exec", seen) }));
        expect(seen).toEqual([{ indexed: c.expected, visited: c.expected }]);
      });
    }
  }

  it("every rule of a traversal sees the whole index, though only the first collects it", () => {
    const seen: Seen[] = [];
    const code = "s.exec(1); s.list(); s.exec(2);";
    lint(
      new Linter({ configType: "flat" }),
      code,
      config("espree", { a: probeRule("exec", seen), b: probeRule("exec", seen), c: probeRule("list", seen) }),
    );
    const exec = ["s.exec(1)", "s.exec(2)"];
    expect(seen).toEqual([
      { indexed: exec, visited: exec },
      { indexed: exec, visited: exec },
      { indexed: ["s.list()"], visited: ["s.list()"] },
    ]);
  });

  it("linting the same AST again gives the same index, also after a traversal that threw", () => {
    const linter = new Linter({ configType: "flat" });
    const code = "s.exec(1); s.exec(2);";
    const seen: Seen[] = [];
    lint(linter, code, config("espree", { a: probeRule("exec", seen) }));
    const sourceCode = linter.getSourceCode() as SourceCode;
    lint(linter, sourceCode, config("espree", { a: probeRule("exec", seen), b: probeRule("exec", seen) }));
    expect(() => lint(linter, sourceCode, config("espree", { t: probeRule("exec", [], { throwOnVisit: true }) }))).toThrow("probe threw");
    lint(linter, sourceCode, config("espree", { a: probeRule("exec", seen) }));
    const exec = ["s.exec(1)", "s.exec(2)"];
    expect(seen).toEqual([1, 2, 3, 4].map(() => ({ indexed: exec, visited: exec })));
  });

  it("asking for a name not asked for at creation is an error, not an empty list", () => {
    const rule = createRule<[], never>({
      name: "probe",
      meta: META,
      outsideRegions: true,
      create(_context, model) {
        const calls = model.calls(["exec"]);
        return { "Program:exit": () => void calls.of("fetch") };
      },
    });
    expect(() => lint(new Linter({ configType: "flat" }), "a.fetch();", config("espree", { a: rule }))).toThrow(/was not asked for/);
  });
});

/**
 * A file where no handle can be (no region, see `DurableObjectModel#hasRegions`) costs ESLint
 * nothing per node: every rule returns no listeners for it. The first file below mentions
 * `storage`, `alarm` and `transactionSync`, which pass the rules' text checks, yet holds no Durable
 * Object. (A rule may also skip a file by a word its reports need, such as `deleteAll`, `exec`,
 * `list`, `constructor`, `await` or `PRAGMA`: the Durable Object below mentions them all.)
 */
describe("rules listen to nothing where no handle can be", () => {
  function listenerKeys(code: string): Record<string, string[]> {
    const keys: Record<string, string[]> = {};
    const spied = Object.fromEntries(
      Object.entries(rules).map(([name, rule]) => [
        name,
        {
          meta: rule.meta,
          create(context: TSESLint.RuleContext<string, []>) {
            const listeners = (rule.create as (c: typeof context) => TSESLint.RuleListener)(context);
            keys[name] = Object.keys(listeners);
            return listeners;
          },
        },
      ]),
    );
    lint(new Linter({ configType: "flat" }), code, config("ts", spied));
    return keys;
  }

  it("a file with a storage look-alike and no Durable Object: no rule listens", () => {
    const keys = listenerKeys(`const storage = new Map<string, number>();
export class Cache {
  storage = storage;
  async alarm() { this.storage.transactionSync?.(); await this.storage.get("a"); this.storage.put("a", 1); }
}`);
    expect(Object.keys(keys)).toEqual(Object.keys(rules));
    expect(Object.entries(keys).filter(([, k]) => k.length > 0)).toEqual([]);
  });

  it("a Durable Object that lacks a rule's words: that rule listens to nothing", () => {
    // No `exec`, `sql`, `list`, `constructor`, PRAGMA, alarm, WebSocket or `deleteAll`: only the rules about reads, writes and awaits are left.
    const keys = listenerKeys(`import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  async fetch() { const n = (await this.ctx.storage.get<number>("n")) ?? 0; await this.ctx.storage.put("n", n + 1); return new Response(); }
}`);
    expect(
      Object.entries(keys)
        .filter(([, k]) => k.length > 0)
        .map(([name]) => name),
    ).toEqual(["no-unawaited-storage-read", "no-unsafe-read-modify-write", "prefer-coalesced-writes", "require-sqlite-backend"]);
  });

  it("the same code in a Durable Object: every rule listens", () => {
    const keys = listenerKeys(`import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  constructor(ctx: DurableObjectState, env: unknown) { super(ctx, env); }
  rows() { return this.ctx.storage.sql.exec("PRAGMA table_list").toArray(); }
  async keys() { return [...(await this.ctx.storage.list())]; }
  async alarm() { this.ctx.storage.transactionSync(() => {}); await this.ctx.storage.get("a"); this.ctx.storage.put("a", 1); }
  async reset() { await this.ctx.storage.deleteAlarm(); await this.ctx.storage.deleteAll(); }
  fetch() { const [client, server] = Object.values(new WebSocketPair()); this.ctx.acceptWebSocket(server); server.close(1000); return new Response(null, { status: 101, webSocket: client }); }
}`);
    expect(Object.keys(keys)).toEqual(Object.keys(rules));
    expect(Object.entries(keys).filter(([, k]) => k.length === 0)).toEqual([]);
  });
});
