/**
 * ESLint 9 and 10 give the same findings on the bundled example: ESLint 9 (ESLINT9_VERSION, installed
 * outside the repo) with a config equivalent to examples/worker/eslint.config.js that imports the
 * build, against ESLint 10 (the repo's) with the example's own config.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ESLINT9_VERSION, installEslint9, type Eslint9 } from "./helpers/eslint9.js";
import { eslintCli, findings, type Finding } from "./helpers/findings.js";
import { EXAMPLE_FILES, bin, distEntryUrl, exampleDir } from "./helpers/paths.js";

let eslint9: Eslint9;
let configDir: string;
let with9: Finding[];
let with10: Finding[];
let linted9: string[];

beforeAll(async () => {
  eslint9 = await installEslint9(); // the first run installs (network); later runs reuse it
  configDir = fs.mkdtempSync(path.join(os.tmpdir(), "do-eslint9-"));
  const config = path.join(configDir, "eslint.config.mjs");
  fs.writeFileSync(
    config,
    `import tsParser from ${JSON.stringify(pathToFileURL(eslint9.parser).href)};
import durableObjects from ${JSON.stringify(distEntryUrl)};

export default [
  { ignores: ["**/*.d.ts"] },
  { files: ["**/*.ts"], languageOptions: { parser: tsParser } },
  durableObjects.configs.recommended,
];
`,
  );
  const nine = eslintCli(eslint9.cli, ["--config", config, "src"], exampleDir);
  const ten = eslintCli(bin("eslint"), ["src"], exampleDir);
  linted9 = nine.results.map((r) => path.relative(exampleDir, r.filePath).split(path.sep).join("/")).sort();
  with9 = findings(exampleDir, nine.results);
  with10 = findings(exampleDir, ten.results);
}, 180_000);

afterAll(() => {
  if (configDir) fs.rmSync(configDir, { recursive: true, force: true });
});

describe("ESLint 9", () => {
  it("is the pinned 9.x release", () => {
    expect(eslint9.version).toBe(ESLINT9_VERSION);
  });

  it("lints every source file of the example, none fatally", () => {
    expect(linted9).toEqual(EXAMPLE_FILES);
    expect(with9.filter((f) => f.ruleId === null)).toEqual([]);
  });

  it("reports exactly what ESLint 10 reports: rule, position, message, severity and suggestions", () => {
    expect(with10.length).toBeGreaterThan(0);
    expect(with10.every((f) => f.ruleId?.startsWith("durable-objects/"))).toBe(true);
    expect(with9).toEqual(with10);
  });
});
