/**
 * Every `eslint.config.js` snippet of the README, run as written on a new Worker project with
 * `.ts`, `.tsx` (JSX), `.mts` and `.js` files (examples/mixed-worker, copied): ESLint 10 (the repo's)
 * run in the project's folder, in its `src/` and in the folder above finds no parsing error in any
 * file and exactly the expected findings; `tsc` accepts each snippet (`checkJs`) against ESLint's
 * and the plugin's types. A snippet that loses a file type, a finding or its types fails here.
 *
 * The snippets import `eslint-plugin-durable-objects` by name: the scratch folder's node_modules
 * links the repo's packages and, under the package's name, the repo itself (its build).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeBlocks } from "./helpers/docs.js";
import { eslintCli, rel, run } from "./helpers/findings.js";
import { bin, repoRoot } from "./helpers/paths.js";
import { removeScratch } from "./helpers/scratch.js";

const projectDir = path.join(repoRoot, "examples/mixed-worker");

/** What every config finds without type information, as `file:line:column rule`. */
const UNTYPED = [
  "src/app.tsx:13:10 durable-objects/no-unawaited-storage-read",
  "src/index.ts:11:27 durable-objects/no-unsafe-read-modify-write",
  "src/legacy.js:7:48 durable-objects/no-pragma-user-version",
  "src/reminders.mts:17:11 durable-objects/require-delete-alarm-with-delete-all",
];
/** With type information: the storage a helper of another module returns is known by its type. */
const TYPED = [...UNTYPED.slice(0, 2), "src/ledger.ts:12:5 durable-objects/prefer-coalesced-writes", ...UNTYPED.slice(2)].sort();

/** The README's snippets, by marker, and what each must find. */
const EXPECTED: Record<string, string[]> = {
  "config-plain": UNTYPED,
  "config-define": UNTYPED,
  "config-extends": UNTYPED,
  "config-tseslint": UNTYPED,
  "config-type-checked": TYPED,
  "config-project-service": TYPED,
};

const blocks = codeBlocks("README.md");
const snippets = new Map(blocks.filter((b) => b.marker?.startsWith("config-")).map((b) => [b.marker!, b.code]));

/** Where ESLint runs, and what it is given to lint, relative to the scratch root. */
const WHERE = {
  project: (name: string) => ({ cwd: name, args: ["."] }),
  src: (name: string) => ({ cwd: `${name}/src`, args: ["."] }),
  parent: (name: string) => ({ cwd: ".", args: [name] }),
};
type Where = keyof typeof WHERE;

interface Outcome {
  linted: string[];
  /** Parsing errors and other fatal messages, as `file: message`. */
  fatal: string[];
  findings: string[];
  /** The message of require-delete-alarm-with-delete-all, which names the wrangler config relative to the linted file. */
  dateMessage: string | undefined;
}

let root: string;
const outcomes = new Map<string, Outcome>();

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "do-readme-"));
  fs.writeFileSync(path.join(root, "package.json"), JSON.stringify({ private: true, type: "module" }));
  const modules = path.join(root, "node_modules");
  fs.mkdirSync(modules);
  for (const entry of fs.readdirSync(path.join(repoRoot, "node_modules"))) {
    fs.symlinkSync(path.join(repoRoot, "node_modules", entry), path.join(modules, entry), "dir");
  }
  fs.symlinkSync(repoRoot, path.join(modules, "eslint-plugin-durable-objects"), "dir");

  for (const [name, code] of snippets) {
    const dir = path.join(root, name);
    fs.cpSync(projectDir, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "eslint.config.js"), code);
    for (const [where, at] of Object.entries(WHERE) as [Where, (typeof WHERE)[Where]][]) {
      const { cwd, args } = at(name);
      const { results } = eslintCli(bin("eslint"), args, path.join(root, cwd));
      const messages = results.flatMap((r) => r.messages.map((m) => ({ file: rel(dir, r.filePath), ...m })));
      outcomes.set(`${name} ${where}`, {
        linted: results.map((r) => rel(dir, r.filePath)).sort(),
        fatal: messages.filter((m) => m.fatal || m.ruleId === null).map((m) => `${m.file}: ${m.message}`),
        findings: messages.map((m) => `${m.file}:${m.line}:${m.column} ${m.ruleId}`).sort(),
        dateMessage: messages.find((m) => m.ruleId === "durable-objects/require-delete-alarm-with-delete-all")?.message,
      });
    }
  }
}, 300_000);

afterAll(() => {
  removeScratch(root);
});

describe("the README's config snippets", () => {
  it("are every eslint.config.js of the README, each with its expected findings", () => {
    const configs = blocks.filter((b) => /^export default /m.test(b.code));
    expect(configs.length).toBeGreaterThan(0);
    expect(configs.filter((b) => !b.marker?.startsWith("config-"))).toEqual([]);
    expect([...snippets.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  const SOURCES = ["src/app.tsx", "src/index.ts", "src/ledger.ts", "src/legacy.js", "src/reminders.mts", "src/storage.ts"];
  const WHOLE_PROJECT = ["eslint.config.js", ...SOURCES, "worker-configuration.d.ts"];

  for (const name of Object.keys(EXPECTED)) {
    describe(name, () => {
      for (const where of Object.keys(WHERE) as Where[]) {
        it(`run from ${where === "project" ? "the project's folder" : where === "src" ? "src/" : "the folder above"}: no parsing error, the expected findings`, () => {
          const outcome = outcomes.get(`${name} ${where}`)!;
          expect(outcome.linted).toEqual(where === "src" ? SOURCES : WHOLE_PROJECT);
          expect(outcome.fatal).toEqual([]);
          expect(outcome.findings).toEqual(EXPECTED[name]);
        });
      }

      it("names the wrangler config (from the linted file) and its environment, the same wherever ESLint runs", () => {
        const message =
          "At compatibility date 2025-06-01 (from `env.staging` of `../wrangler.jsonc`), `deleteAll()` leaves the alarm set, so `alarm()` fires on the emptied object. Call `deleteAlarm()` too.";
        for (const where of Object.keys(WHERE)) expect(outcomes.get(`${name} ${where}`)!.dateMessage, where).toBe(message);
      });
    });
  }

  it("type-check with tsc (checkJs) against ESLint's types and the plugin's", () => {
    const tsconfig = path.join(root, "tsconfig.snippets.json");
    fs.writeFileSync(
      tsconfig,
      JSON.stringify({
        compilerOptions: {
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          strict: true,
          allowJs: true,
          checkJs: true,
          noEmit: true,
          skipLibCheck: true,
          types: ["node"],
        },
        files: [...snippets.keys()].map((name) => `${name}/eslint.config.js`),
      }),
    );
    const tsc = run(process.execPath, [path.join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", tsconfig], root, 120_000);
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
  });
});
