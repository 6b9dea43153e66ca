/**
 * The bench's "listeners only" plugins (scripts/bench/lib.js): after one lint with `record`, the
 * `hollow` rules give ESLint, for each file, the same listener names as the real rules did there,
 * as fresh functions that do nothing, and report nothing.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import tsParser from "@typescript-eslint/parser";
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";

const root = path.resolve(import.meta.dirname, "..");
const { listenersOnlyPlugins } = (await import(pathToFileURL(path.join(root, "scripts/bench/lib.js")).href)) as {
  listenersOnlyPlugins(p: unknown): { record: { rules: Record<string, unknown> }; hollow: { rules: Record<string, unknown> } };
};

const RULE = "durable-objects/no-unsafe-read-modify-write";
const STALE = `import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  async fetch(request: Request) {
    const n = (await this.ctx.storage.get<number>("n")) ?? 0;
    await fetch("https://example.com");
    await this.ctx.storage.put("n", n + 1);
    return new Response("ok");
  }
}
`;
const PLAIN = "export const x = 1;\n";
/** Virtual names under the project, never written: the linter lints the text given. */
const A_TS = path.join(root, "__bench__", "a.ts");
const B_TS = path.join(root, "__bench__", "b.ts");

function config(p: unknown) {
  return [
    {
      files: ["**/*.ts"],
      languageOptions: { parser: tsParser },
      plugins: { "durable-objects": p as never },
      rules: { [RULE]: "error" as const },
    },
  ];
}

describe("listenersOnlyPlugins", () => {
  const linter = new Linter({ configType: "flat", cwd: root });

  it("keeps the real rule's reports while it records", () => {
    const { record } = listenersOnlyPlugins(plugin);
    expect(linter.verify(STALE, config(record), A_TS).map((m) => m.ruleId)).toEqual([RULE]);
  });

  it("gives each file the listener names its real rule returned there, as empty functions", () => {
    const { record, hollow } = listenersOnlyPlugins(plugin);
    linter.verify(STALE, config(record), A_TS);
    linter.verify(PLAIN, config(record), B_TS);
    const seen: Record<string, string[]> = {};
    const spy = {
      rules: {
        "no-unsafe-read-modify-write": {
          ...(hollow.rules["no-unsafe-read-modify-write"] as object),
          create(context: { filename: string }) {
            const listeners = (hollow.rules["no-unsafe-read-modify-write"] as { create(c: unknown): Record<string, () => void> }).create(
              context,
            );
            seen[path.basename(context.filename)] = Object.keys(listeners).sort();
            return listeners;
          },
        },
      },
    };
    expect(linter.verify(STALE, config(spy), A_TS)).toEqual([]);
    expect(linter.verify(PLAIN, config(spy), B_TS)).toEqual([]);
    expect(seen["a.ts"]).toContain("CallExpression:exit");
    expect(seen["a.ts"]).toContain("onCodePathSegmentStart");
    expect(seen["b.ts"]).toEqual([]);
  });
});
