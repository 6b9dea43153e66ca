import path from "node:path";
import { fileURLToPath } from "node:url";
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import rule from "../../rules/require-delete-alarm-with-delete-all.js";
import { CURRENT_DOCS, docBlocks, patternDocCases } from "../helpers/pattern-docs.js";
import { RuleTester } from "../helpers/rule-tester.js";
import { CALENDAR_DATE_PATTERN, isCalendarDate } from "../../src/analysis/wrangler.js";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures");
const inFixture = (dir: string) => path.join(fixtures, dir, "src/room.ts");
const DO = `import { DurableObject } from "cloudflare:workers";\n`;

/** A Durable Object with an alarm whose `reset()` body is `body`. */
const withAlarm = (body: string, asyncReset = true) => `${DO}export class Room extends DurableObject {
  async alarm() { await this.ctx.storage.put("fired", Date.now()); }
  ${asyncReset ? "async " : ""}reset() {
    ${body}
  }
}`;

new RuleTester().run("require-delete-alarm-with-delete-all", rule, {
  valid: [
    ...patternDocCases(() => docBlocks(CURRENT_DOCS).map((b) => ({ name: `pattern docs: ${b.heading}`, code: b.code }))),
    {
      name: "deleteAlarm first (the pattern docs' Cleanup)",
      code: withAlarm("await this.ctx.storage.deleteAlarm();\n    await this.ctx.storage.deleteAll();"),
    },
    {
      name: "deleteAlarm after deleteAll also clears it",
      code: withAlarm("await this.ctx.storage.deleteAll();\n    await this.ctx.storage.deleteAlarm();"),
    },
    {
      // A limit the docs state: the rule looks for the word in the text first.
      name: "deleteAll written with a Unicode escape is not seen",
      code: withAlarm("await this.ctx.storage.delete\\u0041ll();"),
      options: [{ compatibilityDate: "2025-01-01" }],
    },
    {
      name: "a class that never uses alarms",
      code: `${DO}export class Room extends DurableObject { async reset() { await this.ctx.storage.deleteAll(); } }`,
    },
    {
      name: "inside alarm() itself, the firing alarm is consumed",
      code: `${DO}export class Room extends DurableObject { async alarm() { await this.ctx.storage.deleteAll(); } }`,
    },
    {
      name: "date option on or after 2026-02-24",
      code: withAlarm("await this.ctx.storage.deleteAll();"),
      options: [{ compatibilityDate: "2026-02-24" }],
    },
    {
      name: "flag delete_all_deletes_alarm at an old date",
      code: withAlarm("await this.ctx.storage.deleteAll();"),
      options: [{ compatibilityDate: "2025-01-01", compatibilityFlags: ["delete_all_deletes_alarm"] }],
    },
    { name: "wrangler.toml with a new date", code: withAlarm("await this.ctx.storage.deleteAll();"), filename: inFixture("wrangler-new") },
    {
      name: "an RPC stub's deleteAll() is the user's own method",
      code: `${DO}export class Room extends DurableObject<Env> {
  async alarm() {}
  async reset(id: DurableObjectId) { await this.env.ROOM.get(id).deleteAll(); }
}`,
    },
    {
      name: "a same-class helper deletes the alarm",
      code: `${DO}export class Room extends DurableObject {
  async alarm() {}
  async clearAlarm() { await this.ctx.storage.deleteAlarm(); }
  async stop() { await this.clearAlarm(); }
  async reset() { await this.stop(); await this.ctx.storage.deleteAll(); }
}`,
      options: [{ compatibilityDate: "2025-01-01" }],
    },
    {
      name: "a this.m() in a nested function counts as the instance's call: the helper it names deletes the alarm",
      code: `${DO}export class Room extends DurableObject {
  async alarm() {}
  clearAlarm() { void this.ctx.storage.deleteAlarm(); }
  async reset() {
    const self = this;
    function stop(this: Room) { this.clearAlarm(); }
    stop.call(self);
    await this.ctx.storage.deleteAll();
  }
}`,
      options: [{ compatibilityDate: "2025-01-01" }],
    },
    {
      name: "a helper inherited from a local base class deletes the alarm (callees.ts)",
      code: `${DO}class Base extends DurableObject {
  async clearAlarm() { await this.ctx.storage.deleteAlarm(); }
}
export class Room extends Base {
  async alarm() {}
  async reset() { await this.clearAlarm(); await this.ctx.storage.deleteAll(); }
}`,
      options: [{ compatibilityDate: "2025-01-01" }],
    },
    {
      name: "a method the file does not show (a framework base class's): it may delete the alarm, so silence",
      code: `${DO}import { Server } from "partyserver";
export class Room extends Server {
  async alarm() {}
  async reset() { await this.stopTimers(); await this.ctx.storage.deleteAll(); }
}`,
      options: [{ compatibilityDate: "2025-01-01" }],
    },
    {
      name: "the object or its storage is handed to other code first (it may delete the alarm)",
      code: `${DO}import { Lifecycle, wipeAlarms } from "./lifecycle";
export class Room extends DurableObject {
  readonly lifecycle = Lifecycle.install(this);
  async alarm() {}
  async destroy() { await this.lifecycle.disableAlarms(); await this.ctx.storage.deleteAll(); }
  async reset() { await wipeAlarms(this.ctx.storage); await this.ctx.storage.deleteAll(); }
}`,
      options: [{ compatibilityDate: "2025-01-01" }],
    },
    {
      name: "a Map named storage",
      code: `${DO}export class Room extends DurableObject {
  storage = new Map<string, number>();
  async alarm() {}
  reset() { this.storage.clear(); (this.storage as any).deleteAll(); }
}`,
    },
  ],
  invalid: [
    {
      name: "no compatibility date known: the message says so, the suggestion adds deleteAlarm first",
      code: withAlarm("await this.ctx.storage.deleteAll();"),
      filename: path.join(fixtures, "typed/room.ts"),
      errors: [
        {
          messageId: "unknownDate",
          line: 5,
          column: 11,
          endLine: 5,
          endColumn: 39,
          suggestions: [
            {
              messageId: "suggestDeleteAlarm",
              data: { receiver: "this.ctx.storage" },
              output: withAlarm("await this.ctx.storage.deleteAlarm();\n    await this.ctx.storage.deleteAll();"),
            },
          ],
        },
      ],
    },
    {
      name: "an old date from the option",
      code: withAlarm("return this.ctx.storage.deleteAll();", false),
      options: [{ compatibilityDate: "2025-06-01" }],
      errors: [
        {
          messageId: "oldDate",
          data: { date: "2025-06-01", source: "the `compatibilityDate` option" },
          line: 5,
          column: 12,
          endLine: 5,
          endColumn: 40,
          suggestions: [
            {
              messageId: "suggestDeleteAlarm",
              data: { receiver: "this.ctx.storage" },
              output: withAlarm("this.ctx.storage.deleteAlarm();\n    return this.ctx.storage.deleteAll();", false),
            },
          ],
        },
      ],
    },
    {
      name: "an old date from wrangler.jsonc, comments and trailing commas included",
      code: withAlarm("await this.ctx.storage.deleteAll();"),
      filename: inFixture("wrangler-old"),
      errors: [
        {
          messageId: "oldDate",
          data: { date: "2025-01-15", source: `\`../wrangler.jsonc\`` },
          line: 5,
          column: 11,
          endLine: 5,
          endColumn: 39,
          suggestions: [
            {
              messageId: "suggestDeleteAlarm",
              data: { receiver: "this.ctx.storage" },
              output: withAlarm("await this.ctx.storage.deleteAlarm();\n    await this.ctx.storage.deleteAll();"),
            },
          ],
        },
      ],
    },
    {
      name: "[env.*] sections: the oldest date applies, and the message names its section",
      code: withAlarm("await this.ctx.storage.deleteAll();"),
      filename: inFixture("wrangler-envs"),
      errors: [
        {
          messageId: "oldDate",
          data: { date: "2025-12-01", source: `\`[env.staging]\` of \`../wrangler.toml\`` },
          line: 5,
          column: 11,
          endLine: 5,
          endColumn: 39,
          suggestions: [
            {
              messageId: "suggestDeleteAlarm",
              data: { receiver: "this.ctx.storage" },
              output: withAlarm("await this.ctx.storage.deleteAlarm();\n    await this.ctx.storage.deleteAll();"),
            },
          ],
        },
      ],
    },
    {
      name: "a malformed wrangler.toml counts as absent, and the message names it as ignored",
      code: withAlarm("await this.ctx.storage.deleteAll();"),
      filename: inFixture("wrangler-broken"),
      errors: [
        {
          messageId: "ignoredConfig",
          data: { file: `\`../wrangler.toml\`` },
          line: 5,
          column: 11,
          endLine: 5,
          endColumn: 39,
          suggestions: [
            {
              messageId: "suggestDeleteAlarm",
              data: { receiver: "this.ctx.storage" },
              output: withAlarm("await this.ctx.storage.deleteAlarm();\n    await this.ctx.storage.deleteAll();"),
            },
          ],
        },
      ],
    },
    {
      name: "a new date with delete_all_preserves_alarm",
      code: withAlarm("await this.ctx.storage.deleteAll();"),
      options: [{ compatibilityDate: "2026-03-01", compatibilityFlags: ["delete_all_preserves_alarm"] }],
      errors: [
        {
          messageId: "preservesFlag",
          data: { source: "the `compatibilityFlags` option" },
          line: 5,
          column: 11,
          endLine: 5,
          endColumn: 39,
          suggestions: [
            {
              messageId: "suggestDeleteAlarm",
              data: { receiver: "this.ctx.storage" },
              output: withAlarm("await this.ctx.storage.deleteAlarm();\n    await this.ctx.storage.deleteAll();"),
            },
          ],
        },
      ],
    },
    {
      name: "env in wrangler.jsonc: the staging date, named as JSON writes it",
      code: withAlarm("await this.ctx.storage.deleteAll();"),
      filename: inFixture("wrangler-envs-json"),
      errors: [
        {
          messageId: "oldDate",
          data: { date: "2025-06-01", source: `\`env.staging\` of \`../wrangler.jsonc\`` },
          line: 5,
          column: 11,
          endLine: 5,
          endColumn: 39,
          suggestions: [
            {
              messageId: "suggestDeleteAlarm",
              data: { receiver: "this.ctx.storage" },
              output: withAlarm("await this.ctx.storage.deleteAlarm();\n    await this.ctx.storage.deleteAll();"),
            },
          ],
        },
      ],
    },
    {
      name: "an impossible date in an environment is not compared with: the message names the section",
      code: withAlarm("await this.ctx.storage.deleteAll();"),
      filename: inFixture("wrangler-bad-date"),
      errors: [
        {
          messageId: "noValidDate",
          data: { source: `\`[env.staging]\` of \`../wrangler.toml\`` },
          line: 5,
          column: 11,
          endLine: 5,
          endColumn: 39,
          suggestions: [
            {
              messageId: "suggestDeleteAlarm",
              data: { receiver: "this.ctx.storage" },
              output: withAlarm("await this.ctx.storage.deleteAlarm();\n    await this.ctx.storage.deleteAll();"),
            },
          ],
        },
      ],
    },
    {
      name: "delete_all_preserves_alarm from wrangler.toml: the message names the file",
      code: withAlarm("await this.ctx.storage.deleteAll();"),
      filename: inFixture("wrangler-preserves"),
      errors: [
        {
          messageId: "preservesFlag",
          data: { source: `\`../wrangler.toml\`` },
          line: 5,
          column: 11,
          endLine: 5,
          endColumn: 39,
          suggestions: [
            {
              messageId: "suggestDeleteAlarm",
              data: { receiver: "this.ctx.storage" },
              output: withAlarm("await this.ctx.storage.deleteAlarm();\n    await this.ctx.storage.deleteAll();"),
            },
          ],
        },
      ],
    },
    {
      name: "the date option with the flags of wrangler.toml: the date is named as the option's",
      code: withAlarm("await this.ctx.storage.deleteAll();"),
      filename: inFixture("wrangler-preserves"),
      options: [{ compatibilityDate: "2025-02-01" }],
      errors: [
        {
          messageId: "oldDate",
          data: { date: "2025-02-01", source: "the `compatibilityDate` option" },
          line: 5,
          column: 11,
          endLine: 5,
          endColumn: 39,
          suggestions: [
            {
              messageId: "suggestDeleteAlarm",
              data: { receiver: "this.ctx.storage" },
              output: withAlarm("await this.ctx.storage.deleteAlarm();\n    await this.ctx.storage.deleteAll();"),
            },
          ],
        },
      ],
    },
    {
      name: "setAlarm elsewhere in the class; an alias; a braceless if",
      code: `${DO}export class Room extends DurableObject {
  async schedule() { await this.ctx.storage.setAlarm(Date.now() + 1000); }
  async reset(force: boolean) {
    const storage = this.ctx.storage;
    if (force) await storage.deleteAll();
  }
}`,
      options: [{ compatibilityDate: "2024-09-01" }],
      errors: [
        {
          messageId: "oldDate",
          data: { date: "2024-09-01", source: "the `compatibilityDate` option" },
          line: 6,
          column: 22,
          endLine: 6,
          endColumn: 41,
          suggestions: [
            {
              messageId: "suggestDeleteAlarm",
              data: { receiver: "storage" },
              output: `${DO}export class Room extends DurableObject {
  async schedule() { await this.ctx.storage.setAlarm(Date.now() + 1000); }
  async reset(force: boolean) {
    const storage = this.ctx.storage;
    if (force) { await storage.deleteAlarm(); await storage.deleteAll(); }
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "old module style JavaScript",
      code: `export class Room {
  constructor(state, env) { this.state = state; }
  async alarm() {}
  async fetch(request) {
    await this.state.storage.deleteAll();
    return new Response("reset");
  }
}`,
      filename: "room.js",
      options: [{ compatibilityDate: "2023-05-01" }],
      errors: [
        {
          messageId: "oldDate",
          data: { date: "2023-05-01", source: "the `compatibilityDate` option" },
          line: 5,
          column: 11,
          endLine: 5,
          endColumn: 41,
          suggestions: [
            {
              messageId: "suggestDeleteAlarm",
              data: { receiver: "this.state.storage" },
              output: `export class Room {
  constructor(state, env) { this.state = state; }
  async alarm() {}
  async fetch(request) {
    await this.state.storage.deleteAlarm();
    await this.state.storage.deleteAll();
    return new Response("reset");
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "in a callback inside the method: the suggestion goes where deleteAll runs",
      code: `${DO}export class Room extends DurableObject {
  async alarm() {}
  async reset() {
    await this.ctx.blockConcurrencyWhile(async () => { await this.ctx.storage.deleteAll(); });
  }
}`,
      options: [{ compatibilityDate: "2025-01-01" }],
      errors: [
        {
          messageId: "oldDate",
          data: { date: "2025-01-01", source: "the `compatibilityDate` option" },
          line: 5,
          column: 62,
          endLine: 5,
          endColumn: 90,
          suggestions: [
            {
              messageId: "suggestDeleteAlarm",
              data: { receiver: "this.ctx.storage" },
              output: `${DO}export class Room extends DurableObject {
  async alarm() {}
  async reset() {
    await this.ctx.blockConcurrencyWhile(async () => { await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll(); });
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "a field of some other object, or a same-class method that does not delete the alarm, is not enough",
      code: `${DO}export class Room extends DurableObject<Env> {
  logger = createLogger("room");
  async alarm() {}
  async log() { this.logger.info("reset"); }
  async reset() { this.logger.info("x"); await this.log(); await this.ctx.storage.deleteAll(); }
}`,
      options: [{ compatibilityDate: "2025-01-01" }],
      errors: [
        {
          messageId: "oldDate",
          data: { date: "2025-01-01", source: "the `compatibilityDate` option" },
          line: 6,
          column: 66,
          endLine: 6,
          endColumn: 94,
          suggestions: [
            {
              messageId: "suggestDeleteAlarm",
              data: { receiver: "this.ctx.storage" },
              output: `${DO}export class Room extends DurableObject<Env> {
  logger = createLogger("room");
  async alarm() {}
  async log() { this.logger.info("reset"); }
  async reset() { this.logger.info("x"); await this.log(); await this.ctx.storage.deleteAlarm();
  await this.ctx.storage.deleteAll(); }
}`,
            },
          ],
        },
      ],
    },
    {
      name: "in a non-async callback of an async method: no await where it would not parse",
      code: withAlarm("items.forEach(() => { this.ctx.storage.deleteAll(); });").replace("reset() {", "reset(items: number[]) {"),
      options: [{ compatibilityDate: "2025-01-01" }],
      errors: [
        {
          messageId: "oldDate",
          data: { date: "2025-01-01", source: "the `compatibilityDate` option" },
          line: 5,
          column: 27,
          endLine: 5,
          endColumn: 55,
          suggestions: [
            {
              messageId: "suggestDeleteAlarm",
              data: { receiver: "this.ctx.storage" },
              output: withAlarm("items.forEach(() => { this.ctx.storage.deleteAlarm();\n    this.ctx.storage.deleteAll(); });").replace(
                "reset() {",
                "reset(items: number[]) {",
              ),
            },
          ],
        },
      ],
    },
  ],
});

describe("the compatibilityDate option", () => {
  /** What ESLint says about `compatibilityDate: date` when it checks the config ("" when it accepts it). */
  const configError = (date: string): string => {
    try {
      new Linter({ configType: "flat" }).verify("", [
        { plugins: { "durable-objects": { rules: { "require-delete-alarm-with-delete-all": rule as never } } } },
        { rules: { "durable-objects/require-delete-alarm-with-delete-all": ["error", { compatibilityDate: date }] } },
      ]);
      return "";
    } catch (error) {
      return (error as Error).message;
    }
  };
  const header = 'Key "rules": Key "durable-objects/require-delete-alarm-with-delete-all":\n';

  it("rejects a date that is not a day of the calendar, naming the value", () => {
    expect(configError("2025-13-45")).toBe(`${header}\tValue "2025-13-45" should match format "date".\n`);
    expect(configError("2099-99-99")).toBe(`${header}\tValue "2099-99-99" should match format "date".\n`);
    expect(configError("soon")).toBe(`${header}\tValue "soon" should match format "date".\n`);
    // The shape of a date, but no such day: the calendar pattern rejects it.
    expect(configError("2025-02-30")).toBe(`${header}\tValue "2025-02-30" should match pattern "${CALENDAR_DATE_PATTERN}".\n`);
    expect(configError("2025-02-29")).toBe(`${header}\tValue "2025-02-29" should match pattern "${CALENDAR_DATE_PATTERN}".\n`);
    expect(configError("2025-04-31")).toBe(`${header}\tValue "2025-04-31" should match pattern "${CALENDAR_DATE_PATTERN}".\n`);
  });

  it("accepts every day of the calendar, leap days included", () => {
    expect(configError("2024-02-29")).toBe("");
    expect(configError("2000-02-29")).toBe("");
    expect(configError("2025-12-31")).toBe("");
    expect(configError("1900-02-29")).not.toBe("");
  });

  it("has a pattern that agrees with the calendar on every day from 1896 to 2104", () => {
    const pattern = new RegExp(CALENDAR_DATE_PATTERN);
    const disagree: string[] = [];
    for (let y = 1896; y <= 2104; y++)
      for (let m = 1; m <= 12; m++)
        for (let d = 0; d <= 32; d++) {
          const date = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
          if (pattern.test(date) !== isCalendarDate(date)) disagree.push(date);
        }
    expect(disagree).toEqual([]);
    expect(isCalendarDate("2024-02-29")).toBe(true);
    expect(isCalendarDate("2100-02-29")).toBe(false);
  });
});

describe("messages", () => {
  it("are at most 160 characters besides the names and the date they quote", () => {
    for (const [id, text] of Object.entries(rule.meta.messages)) {
      expect(text.replace(/\{\{\w+\}\}/g, "").length, id).toBeLessThanOrEqual(160);
    }
  });
});
