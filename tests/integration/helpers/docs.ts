/** Code blocks of this repo's docs that the integration tests run as written. */
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "./paths.js";

/** The first fenced code block after `<!-- test: name -->` in `docs/<file>`. */
export function testedBlock(file: string, name: string): string {
  const text = fs.readFileSync(path.join(repoRoot, "docs", file), "utf8");
  const at = text.indexOf(`<!-- test: ${name} -->`);
  if (at < 0) throw new Error(`docs/${file} has no <!-- test: ${name} --> block`);
  const match = /```[a-z]*\n([\s\S]*?)```/.exec(text.slice(at));
  if (!match) throw new Error(`docs/${file}: no code block after <!-- test: ${name} -->`);
  return match[1];
}

export interface CodeBlock {
  /** The name of the `<!-- test: name -->` comment on the line before the block, if there is one. */
  marker: string | undefined;
  lang: string;
  code: string;
}

/** Every fenced code block of a Markdown file of the repo (`file` relative to the repo root), in order. */
export function codeBlocks(file: string): CodeBlock[] {
  const text = fs.readFileSync(path.join(repoRoot, file), "utf8");
  return [...text.matchAll(/(?:<!-- test: ([\w-]+) -->\n)?```(\w*)\n([\s\S]*?)```/g)].map((m) => ({
    marker: m[1],
    lang: m[2],
    code: m[3],
  }));
}
