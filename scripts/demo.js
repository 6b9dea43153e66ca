// `npm run demo`: lints the example Worker in examples/worker exactly as a user would (its own
// eslint.config.js, which imports this package's build), prints what the plugin finds, and checks
// the example's promise: every function or class marked ❌ is flagged, nothing else is.
//
// Findings are the expected output of a demo, so it exits 0; it exits 1 only when something throws.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { parse } from "@typescript-eslint/parser";

const exampleDir = fileURLToPath(new URL("../examples/worker/", import.meta.url));
const PATTERN = "src/**/*.ts";

/**
 * The classes and methods of a file whose doc comment starts with ❌ or ✅, with their line spans.
 * A finding belongs to the innermost marked span around it.
 */
function markedSpans(file, text) {
  const ast = parse(text, { comment: true, loc: true, range: true, sourceType: "module" });
  const spans = [];
  const mark = (start) => {
    const comment = ast.comments.findLast((c) => c.range[1] <= start);
    if (!comment || text.slice(comment.range[1], start).trim() !== "") return undefined;
    const body = comment.value.replace(/^[*\s]+/, "");
    return body.startsWith("❌") ? "bad" : body.startsWith("✅") ? "good" : undefined;
  };
  for (const stmt of ast.body) {
    const cls = stmt.type === "ExportNamedDeclaration" ? stmt.declaration : stmt;
    if (cls?.type !== "ClassDeclaration") continue;
    const className = cls.id?.name ?? "(anonymous)";
    const classMark = mark(stmt.range[0]);
    if (classMark) spans.push({ file, name: className, mark: classMark, start: cls.loc.start.line, end: cls.loc.end.line });
    for (const member of cls.body.body) {
      const memberMark = mark(member.range[0]);
      if (!memberMark) continue;
      const name = member.key?.type === "Identifier" ? member.key.name : "(computed)";
      spans.push({ file, name: `${className}.${name}`, mark: memberMark, start: member.loc.start.line, end: member.loc.end.line });
    }
  }
  return spans;
}

async function main() {
  const eslint = new ESLint({ cwd: exampleDir });
  const results = await eslint.lintFiles([PATTERN]);
  const formatter = await eslint.loadFormatter("stylish");

  console.log(`eslint-plugin-durable-objects demo: linting examples/worker/${PATTERN} with examples/worker/eslint.config.js`);
  const output = await formatter.format(results);
  console.log(output === "" ? "\n(no findings)\n" : output);

  const findings = results.flatMap((r) =>
    r.messages.map((m) => ({ ...m, file: path.relative(exampleDir, r.filePath).split(path.sep).join("/") })),
  );
  const spans = results.flatMap((r) =>
    markedSpans(path.relative(exampleDir, r.filePath).split(path.sep).join("/"), fs.readFileSync(r.filePath, "utf8")),
  );
  const problems = [];
  const flagged = new Set();
  for (const f of findings) {
    if (f.fatal || !f.ruleId) {
      problems.push(`${f.file}:${f.line}:${f.column} could not be linted: ${f.message}`);
      continue;
    }
    const owner = spans.filter((s) => s.file === f.file && s.start <= f.line && f.line <= s.end).sort((a, b) => b.start - a.start)[0];
    if (owner?.mark === "bad") flagged.add(owner);
    else
      problems.push(
        `${f.file}:${f.line}:${f.column} ${f.ruleId} is outside every ❌ twin (${owner ? `in ✅ ${owner.name}` : "unmarked code"})`,
      );
  }
  const bad = spans.filter((s) => s.mark === "bad");
  const good = spans.filter((s) => s.mark === "good");
  for (const s of bad) if (!flagged.has(s)) problems.push(`❌ ${s.name} (${s.file}:${s.start}) has no finding`);

  const rules = new Set(findings.filter((f) => f.ruleId).map((f) => f.ruleId));
  const files = new Set(findings.map((f) => f.file));
  const counts = `${findings.length} findings from ${rules.size} rules in ${files.size} files`;
  if (problems.length === 0) {
    console.log(`${counts}; every ❌ twin flagged (${bad.length}), every ✅ twin clean (${good.length}), no other code flagged.`);
  } else {
    console.log(`${counts}; the example does not behave as marked:`);
    for (const p of problems) console.log(`  - ${p}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
