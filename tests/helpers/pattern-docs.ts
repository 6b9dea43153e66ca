/**
 * The code blocks of the shared DO storage pattern docs, as modules a rule can lint: each block
 * gets the `DurableObject` import, methods written bare get a class around them, and every class
 * gets the `sql = this.ctx.storage.sql` field the docs' snippets assume.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const PATTERN_DOCS_DIR = path.resolve(here, "../../../shared/pattern-docs");
export const CURRENT_DOCS = path.join(PATTERN_DOCS_DIR, "do-storage-patterns.md");
export const OLDER_DOCS = path.join(PATTERN_DOCS_DIR, "do-storage-patterns.older-variant.md");

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
