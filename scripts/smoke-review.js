/**
 * The review side of both smoke runs (scripts/smoke.js over npm packages, scripts/smoke-apps.js over
 * pinned applications): finding keys, the reviewed list (tests/smoke/reviewed.tsv and
 * tests/smoke/apps-reviewed.tsv, one format), the comparison of a run's findings with it, the
 * report and unreviewed TSV files, the per-rule precision table and the failure report.
 *
 * Imports neither ESLint nor the built plugin, so that the application run can load it before it
 * knows whether it lints anything.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// ---------------------------------------------------------------------------------------------
// Findings

export const normalise = (line) => line.trim().replace(/\s+/g, " ");
export const contextHash = (line) => crypto.createHash("sha1").update(normalise(line)).digest("hex").slice(0, 12);
export const shortRule = (id) => id.replace(/^durable-objects\//, "");
export const sec = (ms) => `${(ms / 1000).toFixed(1)}s`;

/**
 * Sort a target's findings and number them: the occurrence of a finding is the n-th finding of the
 * same rule on the same normalised line in the same file.
 */
export function numberFindings(findings) {
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
  const counts = new Map();
  for (const f of findings) {
    const k = `${f.file}\t${f.rule}\t${f.context}`;
    f.occurrence = (counts.get(k) ?? 0) + 1;
    counts.set(k, f.occurrence);
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------
// Reviewed list

export const REVIEWED_COLUMNS = ["package", "version", "file", "line", "rule", "context", "occurrence", "verdict", "reason"];
const VERDICTS = new Set(["true-positive", "false-positive"]);
export const keyOf = (f) => [f.package, f.file, f.rule, f.context, f.occurrence].join("\t");
const clean = (s) => String(s).replace(/[\t\r\n]+/g, " ");

/** The rows of a reviewed list by key, and what is wrong with it. A missing file is a problem when `required`. */
export function readReviewed(file, { required }) {
  if (!fs.existsSync(file)) return { rows: new Map(), problems: required ? [`${path.relative(ROOT, file)} does not exist`] : [] };
  const rows = new Map();
  const problems = [];
  const lines = fs.readFileSync(file, "utf8").split("\n");
  lines.forEach((line, i) => {
    if (!line.trim() || line.startsWith("#")) return;
    const cells = line.split("\t");
    if (cells[0] === "package") {
      if (cells.join("\t") !== REVIEWED_COLUMNS.join("\t")) problems.push(`line ${i + 1}: header must be: ${REVIEWED_COLUMNS.join(" ")}`);
      return;
    }
    if (cells.length !== REVIEWED_COLUMNS.length) {
      problems.push(`line ${i + 1}: ${cells.length} columns, expected ${REVIEWED_COLUMNS.length}`);
      return;
    }
    const row = Object.fromEntries(REVIEWED_COLUMNS.map((c, j) => [c, cells[j]]));
    row.occurrence = Number(row.occurrence);
    row.lineNo = i + 1;
    if (!VERDICTS.has(row.verdict)) problems.push(`line ${i + 1}: verdict must be true-positive or false-positive, not "${row.verdict}"`);
    if (!row.reason.trim()) problems.push(`line ${i + 1}: reason is empty`);
    const key = keyOf(row);
    if (rows.has(key)) problems.push(`line ${i + 1}: same key as line ${rows.get(key).lineNo}`);
    rows.set(key, row);
  });
  return { rows, problems };
}

/**
 * Compare a run's findings with the reviewed rows: the findings nobody reviewed, the reviewed rows
 * of linted targets (`linted`, a set of package names) that are gone, and the names of reviewed
 * rows that are not pinned any more (`isPinned(name)` is false).
 */
export function compareWithReviewed(findings, reviewed, linted, isPinned) {
  const current = new Map(findings.map((f) => [keyOf(f), f]));
  const unreviewed = findings.filter((f) => !reviewed.has(keyOf(f)));
  const gone = [...reviewed.values()].filter((r) => linted.has(r.package) && !current.has(keyOf(r)));
  const stale = [...new Set([...reviewed.values()].map((r) => r.package))].filter((n) => !isPinned(n));
  return { unreviewed, gone, stale };
}

// ---------------------------------------------------------------------------------------------
// Output

const reviewedLine = (f, verdict = "", reason = "") =>
  [f.package, f.version, f.file, f.line, f.rule, f.context, f.occurrence, verdict, reason].map(clean).join("\t");

/** Write every finding with its verdict to `reportFile`, and the unreviewed ones as reviewed-list rows to `unreviewedFile`. */
export function writeReports({ findings, reviewed, unreviewed, reportFile, unreviewedFile }) {
  const reportHeader = ["package", "version", "file", "line", "column", "rule", "context", "occurrence", "verdict", "message", "source"];
  const reportRows = findings.map((f) =>
    [
      f.package,
      f.version,
      f.file,
      f.line,
      f.column,
      f.rule,
      f.context,
      f.occurrence,
      reviewed.get(keyOf(f))?.verdict ?? "UNREVIEWED",
      f.message,
      f.source.slice(0, 240),
    ]
      .map(clean)
      .join("\t"),
  );
  fs.writeFileSync(reportFile, `${reportHeader.join("\t")}\n${reportRows.join("\n")}${reportRows.length ? "\n" : ""}`);
  fs.writeFileSync(
    unreviewedFile,
    `${REVIEWED_COLUMNS.join("\t")}\n${unreviewed.map((f) => reviewedLine(f)).join("\n")}${unreviewed.length ? "\n" : ""}`,
  );
}

/** Print the per-rule table: findings, verdicts and precision of every rule (full rule ids in `ruleIds`). */
export function printRuleTable(ruleIds, findings, reviewed) {
  const ruleNames = ruleIds.map(shortRule).sort();
  console.log("\n| rule | findings | true positives | false positives | unreviewed | precision |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const rule of ruleNames) {
    const of = findings.filter((f) => f.rule === rule);
    const tp = of.filter((f) => reviewed.get(keyOf(f))?.verdict === "true-positive").length;
    const fp = of.filter((f) => reviewed.get(keyOf(f))?.verdict === "false-positive").length;
    const precision = tp + fp ? `${Math.round((100 * tp) / (tp + fp))}%` : "–";
    console.log(`| ${rule} | ${of.length} | ${tp} | ${fp} | ${of.length - tp - fp} | ${precision} |`);
  }
}

/**
 * Print every failure of a run and its last line (`<name>: OK …` or `<name>: FAILED`). Returns
 * whether it failed. `fetchFailures` and `staleFailures` are [title, items] pairs for the targets
 * that could not be had and the reviewed rows of targets no longer pinned; `errors` are lint errors
 * ({ kind, where, file, detail }).
 */
export function reportFailures({ name, fetchFailures, errors, reviewedFile, unreviewedFile, problems, unreviewed, gone, staleFailures }) {
  let failed = false;
  const fail = (title, items) => {
    if (!items.length) return;
    failed = true;
    console.log(`\nFAIL: ${title} (${items.length})`);
    for (const item of items) console.log(`  ${item}`);
  };
  const reviewedRel = path.relative(ROOT, reviewedFile);
  fail(...fetchFailures);
  fail(
    "rules that threw",
    errors.filter((e) => e.kind === "crash").map((e) => `${e.where} ${e.file}\n    ${e.detail.split("\n").join("\n    ")}`),
  );
  fail(
    "files that could not be parsed",
    errors.filter((e) => e.kind === "parse").map((e) => `${e.where} ${e.file}: ${e.detail}`),
  );
  fail(
    "files with a configuration problem",
    errors.filter((e) => e.kind === "config").map((e) => `${e.where} ${e.file}: ${e.detail}`),
  );
  fail(`problems in ${reviewedRel}`, problems);
  fail(
    `findings not in ${reviewedRel}: review them (read the code), then add their rows from ${path.relative(ROOT, unreviewedFile)} with a verdict and a reason`,
    unreviewed.map(
      (f) => `${f.package}@${f.version} ${f.file}:${f.line}:${f.column} ${f.rule}  [${f.context} #${f.occurrence}]\n    ${f.message}`,
    ),
  );
  fail(
    `reviewed findings that are gone: remove their rows from ${reviewedRel} (or find out why the rule stopped reporting them)`,
    gone.map(
      (r) =>
        `${r.package}@${r.version} ${r.file}:${r.line} ${r.rule} [${r.context} #${r.occurrence}] was ${r.verdict} (${path.basename(reviewedFile)} line ${r.lineNo})`,
    ),
  );
  fail(...staleFailures);
  console.log(failed ? `\n${name}: FAILED` : `\n${name}: OK — every finding is reviewed and nothing crashed`);
  return failed;
}
