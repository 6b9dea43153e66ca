/**
 * The playground's parts that need no browser, in Node: the `#code=…` link round trip, the flat
 * config the settings give (the compatibility date and flags as rule options), and the rule
 * examples the build reads from the docs pages. The page itself is tested in Chromium
 * (browser.test.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { configFor, lint } from "../../playground/src/lint.js";
import { decodeState, encodeState } from "../../playground/src/share.js";

const root = path.resolve(import.meta.dirname, "../..");
const { readExamples } = (await import(pathToFileURL(path.join(root, "scripts/playground-build.js")).href)) as {
  readExamples(): { rule: string; code: string; needsWranglerConfig: boolean }[];
};

describe("the #code= link", () => {
  it("brings back the code and every setting", async () => {
    const state = {
      code: "// ❌ naïve: get() without await\nconst v = storage.get('k');\n",
      rule: "",
      config: "strict" as const,
      compatibilityDate: "2025-01-01",
      compatibilityFlags: ["nodejs_compat", "delete_all_deletes_alarm"],
    };
    const hash = await encodeState(state);
    expect(hash).toMatch(/^#code=[A-Za-z0-9_-]+$/);
    expect(await decodeState(hash)).toEqual(state);
  });

  it("is ignored when it is not one, or does not decode", async () => {
    expect(await decodeState("")).toBeUndefined();
    expect(await decodeState("#section")).toBeUndefined();
    expect(await decodeState("#code=not-deflate")).toBeUndefined();
  });
});

describe("the settings", () => {
  it("give the date and flags as options of the rules that take them, at the config's severity", () => {
    const [, shipped, overrides] = configFor({ config: "all", compatibilityDate: "2025-01-01", compatibilityFlags: ["a", "b", "a"] });
    expect(shipped.name).toBe("durable-objects/all");
    expect(overrides.rules).toEqual({
      "durable-objects/require-delete-alarm-with-delete-all": [
        "error",
        { compatibilityDate: "2025-01-01", compatibilityFlags: ["a", "b"] },
      ],
      "durable-objects/valid-websocket-close": ["error", { compatibilityDate: "2025-01-01", compatibilityFlags: ["a", "b"] }],
    });
  });

  it("give no options when both are empty: the rules judge as with no wrangler config", () => {
    const [, shipped, overrides] = configFor({ config: "recommended", compatibilityDate: "", compatibilityFlags: [] });
    expect(shipped.name).toBe("durable-objects/recommended");
    expect(overrides.rules).toEqual({});
  });

  it("reject a date that is not a day of the calendar before ESLint does", () => {
    expect(() => lint("", { config: "recommended", compatibilityDate: "2025-02-29", compatibilityFlags: [] })).toThrow(
      'The compatibility date "2025-02-29" is not a day of the calendar: write it YYYY-MM-DD.',
    );
  });
});

describe("the rule picker's examples", () => {
  it("has the first ❌ example of every rule's docs page", () => {
    const pages = fs.readdirSync(path.join(root, "docs/rules")).filter((f) => f.endsWith(".md"));
    const examples = readExamples();
    expect(examples.map((e) => `${e.rule}.md`)).toEqual(pages.sort());
    const first = examples.find((e) => e.rule === "no-unsafe-read-modify-write")!;
    const page = fs.readFileSync(path.join(root, "docs/rules/no-unsafe-read-modify-write.md"), "utf8");
    expect(page).toContain(`<!-- example: incorrect -->\n\`\`\`ts\n${first.code}\`\`\``);
    expect(examples.filter((e) => e.needsWranglerConfig).map((e) => e.rule)).toEqual(["require-sqlite-backend"]);
  });
});
