/**
 * Which calls and templates run SQL (src/analysis/sql-source.ts), asked through a probe rule that
 * reports each run of a file: its form, its text as the database gets it, and where the first
 * statement stands.
 */
import tsParser from "@typescript-eslint/parser";
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import { sqlRuns } from "../../src/analysis/sql-source.js";
import { createRule } from "../../src/rule-kit.js";

const probe = createRule({
  name: "probe",
  meta: { type: "problem", docs: { description: "probe", recommended: false }, schema: [], messages: { run: "{{run}}" } },
  defaultOptions: [],
  create(context, model) {
    const runs = sqlRuns(model);
    return {
      "Program:exit"() {
        for (const run of runs.all()) {
          const first = run.statements[0];
          const fixable = first && run.range(first.start, first.end) ? "fixable" : "not fixable";
          context.report({
            loc: first ? run.loc(first.start, first.end) : run.query.loc,
            messageId: "run",
            data: { run: `${run.form} [${run.bindings.length}] ${run.sql.text} (${fixable})` },
          });
        }
      },
    };
  },
});

/** Each run as `line:column-endColumn form [bindings] text (fixable?)`. */
function runsOf(code: string): string[] {
  const linter = new Linter({ configType: "flat" });
  const messages = linter.verify(
    code,
    [
      {
        files: ["**/*.ts"],
        languageOptions: { parser: tsParser as Linter.Parser },
        plugins: { t: { rules: { probe: probe as never } } },
        rules: { "t/probe": "error" },
      },
    ],
    "file.ts",
  );
  for (const m of messages) if (m.fatal) throw new Error(m.message);
  return messages.map((m) => `${m.line}:${m.column}-${m.endColumn} ${m.message}`);
}

const AGENT = `import { Agent } from "agents";\n`;

describe("sql-source: the Agents SDK's sql tagged template", () => {
  it("reads this.sql`…` in a class extending Agent: each ${…} is a bound parameter", () => {
    expect(
      runsOf(`${AGENT}export class Chat extends Agent<Env> { m(id: string) { return this.sql\`SELECT * FROM msgs WHERE id = \${id}\`; } }`),
    ).toEqual(["2:72-107 tag [1] SELECT * FROM msgs WHERE id = ? (not fixable)"]);
  });

  it("reads a template with type arguments, and one without placeholders is fixable", () => {
    expect(runsOf(`${AGENT}export class Chat extends Agent<Env> { m() { return this.sql<{ n: number }>\`SELECT 1 AS n\`; } }`)).toEqual([
      "2:77-90 tag [0] SELECT 1 AS n (fixable)",
    ]);
  });

  it("follows the other framework bases, local subclasses, this aliases and arrow functions", () => {
    const code = `import { AIChatAgent } from "@cloudflare/ai-chat";
import { Server } from "partyserver";
import * as agents from "agents";
class Base extends agents.Agent<Env> {}
export class Room extends Base {
  m() {
    const self = this;
    const f = () => self.sql\`DELETE FROM a\`;
    return f;
  }
}
export class Chat extends AIChatAgent<Env> { m() { this.sql\`DELETE FROM b\`; } }
export class Party extends Server { m() { this.sql\`DELETE FROM c\`; } }`;
    expect(runsOf(code)).toEqual([
      "8:30-43 tag [0] DELETE FROM a (fixable)",
      "12:61-74 tag [0] DELETE FROM b (fixable)",
      "13:52-65 tag [0] DELETE FROM c (fixable)",
    ]);
  });

  it("stays silent where sql is not the framework's tag", () => {
    const code = `import { Agent } from "agents";
import { DurableObject } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { Agent as Other } from "./my-agents";
export class Own extends Agent<Env> { sql(s: TemplateStringsArray) { return s.join(""); } m() { this.sql\`DELETE FROM a\`; } }
class Base extends Agent<Env> { sql = makeSql(); }
export class Sub extends Base { m() { this.sql\`DELETE FROM b\`; } }
export class Assigned extends Agent<Env> { constructor(ctx: DurableObjectState, env: Env) { super(ctx, env); this.sql = tag; } m() { this.sql\`DELETE FROM c\`; } }
export class Plain extends DurableObject { m() { this.sql\`DELETE FROM d\`; } }
export class Local extends Other { m() { this.sql\`DELETE FROM e\`; } }
export class Uses extends Agent<Env> { m(db: { sql: typeof sql }) { db.sql\`DELETE FROM f\`; sql\`DELETE FROM g\`; } }`;
    expect(runsOf(code)).toEqual([]);
  });

  it("reads exec calls and tags of one file", () => {
    const code = `${AGENT}export class Chat extends Agent<Env> {
  m(n: number) {
    this.sql\`UPDATE t SET n = \${n}\`;
    this.ctx.storage.sql.exec("UPDATE t SET n = ?", n);
  }
}`;
    expect(runsOf(code)).toEqual(["4:14-35 tag [1] UPDATE t SET n = ? (not fixable)", "5:32-50 exec [1] UPDATE t SET n = ? (fixable)"]);
  });

  it("reads a class whose file names no storage at all", () => {
    expect(
      runsOf(
        `import { McpAgent } from "agents/mcp";\nexport class M extends McpAgent { async init() { this.sql\`CREATE TABLE IF NOT EXISTS t (x)\`; } }`,
      ),
    ).toEqual(["2:59-91 tag [0] CREATE TABLE IF NOT EXISTS t (x) (fixable)"]);
  });
});
