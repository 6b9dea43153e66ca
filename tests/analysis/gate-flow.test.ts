/**
 * The segment bookkeeping of the gate flow is kept once per file for both flow rules
 * (`SegmentTracker` in gate-flow.ts): only the first flow rule created gets the code path
 * listeners. These tests check that each rule reports the same with the other on (in either
 * order) as alone, and that linting the same parsed file again starts over.
 */
import tsParser from "@typescript-eslint/parser";
import { Linter, type SourceCode } from "eslint";
import { describe, expect, it } from "vitest";
import noCursorAfterAwait from "../../rules/no-cursor-after-await.js";
import noUnsafeReadModifyWrite from "../../rules/no-unsafe-read-modify-write.js";
import { MAX_LIVE_SITES } from "../../src/analysis/gate-flow.js";

const CODE = `import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  async bump(url: string) {
    const n = (await this.ctx.storage.get<number>("n")) ?? 0;
    if (url) await fetch(url);
    await this.ctx.storage.put("n", n + 1);
  }
  async rows(url: string) {
    const cursor = this.ctx.storage.sql.exec("SELECT * FROM t");
    const helper = async () => {
      const m = (await this.ctx.storage.get<number>("m")) ?? 0;
      await fetch(url);
      await this.ctx.storage.put("m", m + 1);
    };
    await fetch(url);
    for (const row of cursor) console.log(row);
    await helper();
  }
  async fine() {
    const n = (await this.ctx.storage.get<number>("n")) ?? 0;
    await this.ctx.storage.put("n", n + 1);
  }
}
`;

const RULES = {
  "no-cursor-after-await": noCursorAfterAwait,
  "no-unsafe-read-modify-write": noUnsafeReadModifyWrite,
} as const;
type RuleName = keyof typeof RULES;

function config(names: RuleName[]): Linter.Config[] {
  return [
    {
      files: ["**/*.ts"],
      languageOptions: { parser: tsParser as Linter.Parser },
      plugins: { d: { rules: RULES as never } },
      rules: Object.fromEntries(names.map((n) => [`d/${n}`, "error"])),
    },
  ];
}

const summary = (messages: Linter.LintMessage[]): string[] =>
  messages.map((m) => `${m.ruleId} ${m.line}:${m.column} ${m.messageId}`).sort();

describe("gate flow: one segment tracker for both flow rules", () => {
  const linter = new Linter({ configType: "flat" });
  const alone = (name: RuleName) => summary(linter.verify(CODE, config([name]), "counter.ts"));
  const cursor = alone("no-cursor-after-await");
  const rmw = alone("no-unsafe-read-modify-write");

  it("each rule finds its own problems alone", () => {
    expect(cursor).toEqual(["d/no-cursor-after-await 16:23 afterAwait"]);
    expect(rmw).toEqual(["d/no-unsafe-read-modify-write 11:24 staleKey", "d/no-unsafe-read-modify-write 4:22 staleKey"]);
  });

  for (const order of [
    ["no-cursor-after-await", "no-unsafe-read-modify-write"],
    ["no-unsafe-read-modify-write", "no-cursor-after-await"],
  ] as RuleName[][]) {
    it(`both on (${order.join(" first, then ")}) report what each reports alone`, () => {
      expect(summary(linter.verify(CODE, config(order), "counter.ts"))).toEqual([...cursor, ...rmw].sort());
    });
  }

  it("linting the same parsed file again reports the same", () => {
    const both = config(["no-cursor-after-await", "no-unsafe-read-modify-write"]);
    const first = summary(linter.verify(CODE, both, "counter.ts"));
    const sourceCode = linter.getSourceCode() as SourceCode;
    expect(summary(linter.verify(sourceCode, both, "counter.ts"))).toEqual(first);
    expect(summary(linter.verify(sourceCode, both, "counter.ts"))).toEqual(first);
  });
});

describe("gate flow: at most MAX_LIVE_SITES reads followed per path, joins included", () => {
  const linter = new Linter({ configType: "flat" });
  /** A stale read of "first", then `reads` branch reads of other keys, each `if` joining again, then the write back. */
  const code = (reads: number): string => {
    let branches = "";
    for (let i = 0; i < reads; i++) branches += `    if (flag) await this.ctx.storage.get("k${i}");\n`;
    return `import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  async bump(flag: boolean) {
    const n = (await this.ctx.storage.get<number>("first")) ?? 0;
    await fetch("https://example.com");
${branches}    await this.ctx.storage.put("first", n + 1);
  }
}
`;
  };
  const stale = (reads: number): string[] => summary(linter.verify(code(reads), config(["no-unsafe-read-modify-write"]), "counter.ts"));

  it(`follows a read past ${MAX_LIVE_SITES - 1} later reads in branches`, () => {
    expect(stale(MAX_LIVE_SITES - 1)).toEqual(["d/no-unsafe-read-modify-write 4:22 staleKey"]);
  });

  it(`drops it, oldest first, past ${MAX_LIVE_SITES}: a join keeps no more than either path may (silence, and linear time)`, () => {
    expect(stale(MAX_LIVE_SITES + 6)).toEqual([]);
  });
});

/**
 * ESLint starts the head of a `for…of` / `for…in` loop (the `x` of `for (const x of xs)`) before
 * the segment of `xs` that leads into it, so the head has no started predecessor: it starts from
 * the state of the code before the loop. Before, every read and cursor was forgotten inside such
 * a loop.
 */
describe("gate flow: a for…of or for…in loop keeps what came before it", () => {
  const linter = new Linter({ configType: "flat" });
  const lint = (body: string, rule: RuleName = "no-unsafe-read-modify-write"): string[] =>
    summary(
      linter.verify(
        `import { DurableObject } from "cloudflare:workers";
export class Rows extends DurableObject {
  async go(url: string, ids: string[]) {
    ${body}
  }
}
`,
        config([rule]),
        "rows.ts",
      ),
    );

  it("a read before the loop, an await before it, the write in its body", () => {
    expect(
      lint(
        `const n = (await this.ctx.storage.get<number>("n")) ?? 0;\n    await fetch(url);\n    for (const id of ids) await this.ctx.storage.put("n", n + id.length);`,
      ),
    ).toEqual(["d/no-unsafe-read-modify-write 4:22 staleKey"]);
    expect(
      lint(
        `const n = (await this.ctx.storage.get<number>("n")) ?? 0;\n    await fetch(url);\n    for (const k in { a: 1 }) await this.ctx.storage.put("n", n + k.length);`,
      ),
    ).toEqual(["d/no-unsafe-read-modify-write 4:22 staleKey"]);
  });

  it("the items of a read result carry it", () => {
    expect(
      lint(
        `const rows = this.ctx.storage.sql.exec<{ id: string; n: number }>("SELECT id, n FROM t").toArray();\n    await fetch(url);\n    for (const r of rows) this.ctx.storage.sql.exec("UPDATE t SET n = ? WHERE id = ?", r.n + 1, r.id);`,
      ),
    ).toEqual(["d/no-unsafe-read-modify-write 4:18 staleRow"]);
  });

  it("a cursor read inside the loop's body after an await before the loop", () => {
    expect(
      lint(
        `const cursor = this.ctx.storage.sql.exec("SELECT * FROM t");\n    await fetch(url);\n    for (const id of ids) console.log(id, cursor.next());`,
        "no-cursor-after-await",
      ),
    ).toEqual(["d/no-cursor-after-await 6:43 afterAwait"]);
  });

  it("no await before the loop: nothing to report, as before", () => {
    expect(
      lint(
        `const n = (await this.ctx.storage.get<number>("n")) ?? 0;\n    for (const id of ids) await this.ctx.storage.put("n", n + id.length);`,
      ),
    ).toEqual([]);
  });
});
