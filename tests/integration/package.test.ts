/**
 * The package as npm publishes it: scripts/lint-package.js (publint, @arethetypeswrong/cli with
 * the esm-only profile, and the `npm pack --dry-run` file list) passes, and the tarball holds what
 * a user needs and nothing else.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { run } from "./helpers/findings.js";
import { repoRoot } from "./helpers/paths.js";

interface Report {
  ok: boolean;
  publint: string[];
  attw: string[];
  tarball: string[];
  files: string[];
}

let report: Report;
let ms: number;

beforeAll(() => {
  const r = run(process.execPath, [path.join(repoRoot, "scripts/lint-package.js"), "--json"], repoRoot, 120_000);
  if (!r.stdout.trim().startsWith("{")) throw new Error(`lint-package.js failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  report = JSON.parse(r.stdout) as Report;
  ms = r.ms;
}, 120_000);

describe("the published package", () => {
  it("passes publint (suggestions included) and attw --profile esm-only", () => {
    expect(report.publint).toEqual([]);
    expect(report.attw).toEqual([]);
  });

  it("packs the build, the docs, README.md, LICENSE and package.json, and nothing else", () => {
    expect(report.tarball).toEqual([]);
    expect(report.ok).toBe(true);
    const top = [
      ...new Set(report.files.map((f) => (f.startsWith("dist/") ? f.split("/").slice(0, 2).join("/") : f.split("/")[0]))),
    ].sort();
    expect(top).toEqual(["LICENSE", "README.md", "dist/rules", "dist/src", "docs", "package.json"]);
    expect(report.files).toContain("dist/src/index.js");
    expect(report.files).toContain("dist/src/index.d.ts");
    expect(report.files.filter((f) => /^(tests|examples|scripts)\//.test(f))).toEqual([]);
    expect(ms).toBeLessThan(60_000);
  });

  it("ships one docs page per rule, and the docs the README links to", () => {
    const rules = fs.readdirSync(path.join(repoRoot, "rules")).filter((f) => f.endsWith(".ts"));
    for (const rule of rules) expect(report.files).toContain(`docs/rules/${rule.replace(/\.ts$/, ".md")}`);
    const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
    const linked = [...readme.matchAll(/\]\((docs\/[^)#\s]+)/g)].map((m) => m[1]);
    expect(linked.length).toBeGreaterThan(0);
    for (const doc of linked) expect(report.files, doc).toContain(doc);
  });

  it("has an MIT LICENSE, as package.json says", () => {
    const license = fs.readFileSync(path.join(repoRoot, "LICENSE"), "utf8");
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) 2026 eslint-plugin-durable-objects contributors\n/);
    expect(JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).license).toBe("MIT");
  });
});
