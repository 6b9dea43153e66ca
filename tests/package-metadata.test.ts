/**
 * What a user reaches from the installed package: package.json's links, each rule's docs URL (the
 * page of the installed version), and the relative links of the shipped Markdown, which must stay
 * inside what the package ships (tests/, scripts/ and examples/ are not in the tarball).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { REPO_URL } from "../src/create-rule.js";
import { rules } from "../src/rules.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
  version: string;
  files: string[];
  repository: { type: string; url: string };
  homepage: string;
  bugs: { url: string };
};

describe("package metadata", () => {
  it("links the repository, its README and its issues", () => {
    expect(pkg.repository).toEqual({ type: "git", url: `git+${REPO_URL}.git` });
    expect(pkg.homepage).toBe(`${REPO_URL}#readme`);
    expect(pkg.bugs).toEqual({ url: `${REPO_URL}/issues` });
  });

  it("gives every rule the docs URL of the installed version, a page the package also ships", () => {
    expect(pkg.files).toContain("docs");
    for (const [name, rule] of Object.entries(rules)) {
      expect(rule.meta.docs?.url).toBe(`${REPO_URL}/blob/v${pkg.version}/docs/rules/${name}.md`);
      expect(fs.existsSync(path.join(root, `docs/rules/${name}.md`)), name).toBe(true);
    }
  });

  it("has relative links in the shipped Markdown only to shipped files", () => {
    const shipped = (file: string): boolean =>
      pkg.files.some((entry) => file === entry || file.startsWith(`${entry}/`)) || file === "package.json";
    const markdown = [
      "README.md",
      ...fs.readdirSync(path.join(root, "docs"), { recursive: true, encoding: "utf8" }).map((f) => `docs/${f}`),
    ]
      .filter((f) => f.endsWith(".md"))
      .map((f) => f.split(path.sep).join("/"));
    const broken: string[] = [];
    let links = 0;
    for (const file of markdown) {
      const text = fs.readFileSync(path.join(root, file), "utf8");
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target) || target.startsWith("#")) continue;
        links++;
        const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), target.split("#")[0]));
        if (!shipped(resolved) || !fs.existsSync(path.join(root, resolved))) broken.push(`${file}: ${target}`);
      }
    }
    expect(links).toBeGreaterThan(20);
    expect(broken).toEqual([]);
  });
});
