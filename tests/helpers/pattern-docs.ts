/**
 * The code blocks of the shared DO storage pattern docs, as modules a rule can lint: each block
 * gets the `DurableObject` import, methods written bare get a class around them, and every class
 * gets the `sql = this.ctx.storage.sql` field the docs' snippets assume.
 *
 * The docs live in `../shared/pattern-docs`, beside the repo (CI has them); a user's clone does not.
 * There, every test made from them is skipped with the reason, and counted as skipped: take the
 * cases through `patternDocCases` and whole suites through `describePatternDocs`.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";

const here = path.dirname(fileURLToPath(import.meta.url));
export const PATTERN_DOCS_DIR = path.resolve(here, "../../../shared/pattern-docs");
export const CURRENT_DOCS = path.join(PATTERN_DOCS_DIR, "do-storage-patterns.md");
export const OLDER_DOCS = path.join(PATTERN_DOCS_DIR, "do-storage-patterns.older-variant.md");

/** Whether the pattern docs are beside this clone. */
export const HAVE_PATTERN_DOCS = fs.existsSync(CURRENT_DOCS) && fs.existsSync(OLDER_DOCS);
const SKIPPED = "needs ../shared/pattern-docs";
const WHY = `${PATTERN_DOCS_DIR} is not beside this clone: the tests made from the shared DO storage pattern docs are skipped (CI runs them).`;

/**
 * Test cases made from the pattern docs: `make()` where the docs are beside this clone; otherwise
 * none, and in their place one skipped test that says why. Call it at a test file's top level.
 */
export function patternDocCases<const T>(make: () => readonly T[]): T[] {
  if (HAVE_PATTERN_DOCS) return [...make()];
  it(`pattern docs cases (${SKIPPED})`, (ctx) => ctx.skip(WHY));
  return [];
}

/** `describe(name, body)` where the pattern docs are beside this clone; otherwise one skipped test that says why. */
export function describePatternDocs(name: string, body: () => void): void {
  if (HAVE_PATTERN_DOCS) describe(name, body);
  else it(`${name} (${SKIPPED})`, (ctx) => ctx.skip(WHY));
}

export interface DocBlock {
  heading: string;
  code: string;
}

export function docBlocks(file: string): DocBlock[] {
  const text = fs.readFileSync(file, "utf8");
  const out: DocBlock[] = [];
  let heading = "";
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith("## ")) heading = lines[i].slice(3).trim();
    if (lines[i].startsWith("```typescript")) {
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].startsWith("```"); i++) body.push(lines[i]);
      out.push({ heading, code: asModule(body.join("\n")) });
    }
  }
  return out;
}

function asModule(snippet: string): string {
  const hasClass = /^export class \w+ extends DurableObject \{/m.test(snippet);
  const body = hasClass ? snippet : `export class Snippet extends DurableObject {\n${snippet}\n}`;
  return `import { DurableObject } from "cloudflare:workers";\n${body.replace(
    /extends DurableObject \{/g,
    "extends DurableObject {\n  sql = this.ctx.storage.sql;",
  )}\n`;
}
