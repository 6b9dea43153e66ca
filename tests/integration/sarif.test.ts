/**
 * SARIF for GitHub code scanning: the example's findings through `@microsoft/eslint-formatter-sarif`
 * (ESLint's `loadFormatter`, as `--format @microsoft/eslint-formatter-sarif` does) carry our rule
 * ids, each rule's docs URL (`meta.docs.url`) and description, and every finding's level, message
 * and region. The ESLint step of docs/ci.md's workflow writes the same results.
 *
 * The formatter is not a dev dependency: it declares `"jschardet": "latest"` (which broke `npm ci`
 * whenever jschardet published) and depends on ESLint 8. It is installed outside the repo at an
 * exact version, with jschardet pinned (pinned-install.ts), and a scratch copy of the example
 * inside that install finds it as a user's project finds its own.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ESLint } from "eslint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testedBlock } from "./helpers/docs.js";
import { run } from "./helpers/findings.js";
import { bin, distEntryUrl, repoRoot } from "./helpers/paths.js";
import { installPinned } from "./helpers/pinned-install.js";
import { removeScratch, scratchExample } from "./helpers/scratch.js";

const PACKAGE_VERSION = (JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }).version;

/** The install docs/ci.md gives: the formatter at an exact version, and its `"jschardet": "latest"` pinned by its `overrides`. */
const SARIF_FORMATTER = {
  "@microsoft/eslint-formatter-sarif": /@microsoft\/eslint-formatter-sarif@(\S+)/.exec(
    fs.readFileSync(path.join(repoRoot, "docs/ci.md"), "utf8"),
  )![1],
};
const SARIF_OVERRIDES = (JSON.parse(testedBlock("ci.md", "sarif-overrides")) as { overrides: Record<string, string> }).overrides;

interface SarifRule {
  id: string;
  helpUri?: string;
  shortDescription?: { text: string };
}
interface SarifResult {
  level: string;
  message: { text: string };
  ruleId: string;
  ruleIndex: number;
  locations: { physicalLocation: { artifactLocation: { uri: string; index: number }; region: Record<string, number> } }[];
}
interface Sarif {
  version: string;
  $schema: string;
  runs: {
    tool: { driver: { name: string; version: string; rules: SarifRule[] } };
    artifacts: { location: { uri: string } }[];
    results: SarifResult[];
  }[];
}
interface RuleMeta {
  meta: { docs: { url: string; description: string } };
}

let results: ESLint.LintResult[];
let sarif: Sarif;
let rules: Record<string, RuleMeta>;
let outDir: string;
let exampleDir: string;

beforeAll(async () => {
  rules = ((await import(distEntryUrl)) as { default: { rules: Record<string, RuleMeta> } }).default.rules;
  exampleDir = scratchExample("sarif", undefined, await installPinned("sarif", SARIF_FORMATTER, SARIF_OVERRIDES));
  const eslint = new ESLint({ cwd: exampleDir });
  results = await eslint.lintFiles(["src"]);
  const formatter = await eslint.loadFormatter("@microsoft/eslint-formatter-sarif");
  sarif = JSON.parse(await formatter.format(results)) as Sarif;
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), "do-sarif-"));
}, 180_000);

afterAll(() => {
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
  removeScratch(exampleDir);
});

const messages = () => results.flatMap((r) => r.messages.map((m) => ({ ...m, filePath: r.filePath })));

describe("SARIF from @microsoft/eslint-formatter-sarif", () => {
  it("is a SARIF 2.1.0 log of one ESLint run", () => {
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs).toHaveLength(1);
    // (`version` is left out under vitest: the formatter looks for ESLint next to the main script.)
    expect(sarif.runs[0].tool.driver.name).toBe("ESLint");
  });

  it("describes each reported rule with its id, docs URL (meta.docs.url) and description", () => {
    const reported = [...new Set(messages().map((m) => m.ruleId!))].sort();
    expect(reported.length).toBeGreaterThan(0);
    const driverRules = sarif.runs[0].tool.driver.rules;
    expect(driverRules.map((r) => r.id).sort()).toEqual(reported);
    for (const r of driverRules) {
      expect(r.id).toMatch(/^durable-objects\//);
      const meta = rules[r.id.slice("durable-objects/".length)].meta;
      expect(r.helpUri, r.id).toBe(meta.docs.url);
      // The page at this version's release tag (src/create-rule.ts), not at `main`.
      expect(r.helpUri).toBe(
        `https://github.com/eslint-plugin-durable-objects/eslint-plugin-durable-objects/blob/v${PACKAGE_VERSION}/docs/rules/${r.id.slice("durable-objects/".length)}.md`,
      );
      expect(r.shortDescription?.text).toBe(meta.docs.description);
    }
  });

  it("has one result per finding, with its rule, level, message, file and region", () => {
    const run0 = sarif.runs[0];
    const expected = messages().map((m) => ({
      ruleId: m.ruleId,
      level: m.severity === 2 ? "error" : "warning",
      message: m.message,
      uri: pathToFileURL(m.filePath).href,
      region: { startLine: m.line, startColumn: m.column, endLine: m.endLine, endColumn: m.endColumn },
    }));
    const got = run0.results.map((r) => {
      const loc = r.locations[0].physicalLocation;
      expect(run0.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
      expect(run0.artifacts[loc.artifactLocation.index].location.uri).toBe(loc.artifactLocation.uri);
      return { ruleId: r.ruleId, level: r.level, message: r.message.text, uri: loc.artifactLocation.uri, region: loc.region };
    });
    expect(got).toEqual(expected);
  });

  it("the ESLint step of docs/ci.md's workflow writes the same results", () => {
    const step = testedBlock("ci.md", "workflow")
      .split("\n")
      .map((l) => /^\s*run: npx eslint (.*)$/.exec(l)?.[1])
      .find((x) => x !== undefined);
    expect(step).toBe(". --format @microsoft/eslint-formatter-sarif --output-file eslint-results.sarif");
    // The same arguments, with the output in a temporary directory rather than in the example.
    const args = step!.split(" ").map((a) => (a === "eslint-results.sarif" ? path.join(outDir, a) : a));
    const out = path.join(outDir, "eslint-results.sarif");
    const r = run(process.execPath, [bin("eslint"), ...args], exampleDir);
    expect(r.status, r.stderr).toBe(1); // findings are errors
    const cli = JSON.parse(fs.readFileSync(out, "utf8")) as Sarif;
    expect(cli.runs[0].tool.driver).toMatchObject({ name: "ESLint", version: ESLint.version });
    expect(cli.runs[0].tool.driver.rules).toEqual(sarif.runs[0].tool.driver.rules);
    // `.` also lints eslint.config.mjs (no findings), which shifts the artifact indices.
    const comparable = (log: Sarif) =>
      log.runs[0].results.map(({ locations, ...r }) => ({
        ...r,
        locations: locations.map((l) => ({ uri: l.physicalLocation.artifactLocation.uri, region: l.physicalLocation.region })),
      }));
    expect(comparable(cli)).toEqual(comparable(sarif));
  });
});
