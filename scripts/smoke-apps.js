/**
 * Application smoke run (opt-in): lints the Durable Object code of pinned public applications
 * (games, chat rooms, rate limiters, queues, collaborative editors, agents) with every rule of the
 * plugin and compares the findings with the reviewed list in tests/smoke/apps-reviewed.tsv.
 *
 * Run with `npm run smoke:apps` (builds first). The applications are listed in tests/smoke/apps.json
 * as { repo, commit, files }. No third-party code is in this repository: for each entry the script
 *   1. copies the pinned files out of a local mirror of the repository (a bare git directory under
 *      $APPS_MIRROR/<owner>+<name>/, default <repo root>/../.mirror) with `git show <commit>:<path>`
 *      into .cache/apps/<owner>+<name>@<commit>/<path> (git-ignored),
 *   2. or, when there is no mirror, uses the files already in that cache folder,
 *   3. or, when neither is there, skips the application (and says so).
 * When no application could be materialised at all, it prints one line and exits 0, so CI (which has
 * no mirror) skips it visibly.
 *
 * Every finding goes to .cache/apps/report.tsv; findings nobody has reviewed yet also go to
 * .cache/apps/unreviewed.tsv, in the format of tests/smoke/apps-reviewed.tsv.
 *
 * Exit 1 when: a rule throws, a file cannot be parsed or matches no config, a finding is not in the
 * reviewed list, a reviewed finding of a linted application is gone, or a list is malformed.
 *
 * Options: --only=<owner/name>[,…] lints only those applications (and checks only their rows).
 * scripts/bench/ imports readApps / materialise / appDirOf to time the plugin on the same files.
 * See tests/smoke/README.md ("Application corpus") for the key format and how to review.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compareWithReviewed, printRuleTable, readReviewed, reportFailures, sec, writeReports } from "./smoke-review.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const APPS = path.join(ROOT, "tests", "smoke", "apps.json");
const REVIEWED = path.join(ROOT, "tests", "smoke", "apps-reviewed.tsv");
const CACHE = path.join(ROOT, ".cache", "apps");
const REPORT = path.join(CACHE, "report.tsv");
const UNREVIEWED = path.join(CACHE, "unreviewed.tsv");
const MIRROR = path.resolve(process.env.APPS_MIRROR || path.join(ROOT, "..", ".mirror"));
/** Written last into an application's cache folder: the files it holds are complete. */
const COMPLETE = ".complete.json";

// ---------------------------------------------------------------------------------------------
// Command line

/** The applications named by `--only=owner/name,…` (undefined: all); exits 2 on an unknown argument. */
function parseOnly(args) {
  for (const a of args) {
    if (!/^--only=.+$/.test(a)) {
      console.error(`smoke-apps: unknown argument ${a}\nusage: node scripts/smoke-apps.js [--only=owner/name,…]`);
      process.exit(2);
    }
  }
  return args
    .find((a) => a.startsWith("--only="))
    ?.slice("--only=".length)
    .split(",")
    .filter(Boolean);
}

// ---------------------------------------------------------------------------------------------
// The pinned list

export function readApps() {
  const problems = [];
  let list;
  try {
    list = JSON.parse(fs.readFileSync(APPS, "utf8"));
  } catch (err) {
    return { apps: [], problems: [`${path.relative(ROOT, APPS)}: ${err.message}`] };
  }
  if (!Array.isArray(list)) return { apps: [], problems: [`${path.relative(ROOT, APPS)}: not a JSON array`] };
  const seen = new Set();
  list.forEach((a, i) => {
    const where = `${path.relative(ROOT, APPS)} entry ${i + 1}`;
    if (typeof a?.repo !== "string" || !/^[\w.-]+\/[\w.-]+$/.test(a.repo)) problems.push(`${where}: repo must be "owner/name"`);
    if (typeof a?.commit !== "string" || !/^[0-9a-f]{40}$/.test(a.commit)) problems.push(`${where}: commit must be 40 hex digits`);
    if (!Array.isArray(a?.files) || !a.files.length) problems.push(`${where}: files must be a non-empty array`);
    for (const f of a?.files ?? []) {
      if (typeof f !== "string" || f.startsWith("/") || f.split("/").includes("..") || !/\.(?:ts|tsx|js|mjs)$/.test(f)) {
        problems.push(`${where}: bad file path ${JSON.stringify(f)}`);
      }
    }
    if (a?.configs !== undefined && !Array.isArray(a.configs)) problems.push(`${where}: configs must be an array`);
    for (const f of a?.configs ?? []) {
      if (typeof f !== "string" || f.startsWith("/") || f.split("/").includes("..") || !/(?:^|\/)wrangler\.(?:toml|json|jsonc)$/.test(f)) {
        problems.push(`${where}: bad config path ${JSON.stringify(f)}`);
      }
    }
    if (seen.has(a?.repo)) problems.push(`${where}: ${a.repo} is listed twice`);
    seen.add(a?.repo);
  });
  return { apps: problems.length ? [] : list, problems };
}

const slug = (repo) => repo.replace("/", "+");
export const appDirOf = (a) => path.join(CACHE, `${slug(a.repo)}@${a.commit}`);
export const shortCommit = (c) => c.slice(0, 12);

/** The bare git directory for owner/name: the mirror folder itself, or the one git dir inside it. */
function mirrorGitDir(repo) {
  const folder = path.join(MIRROR, slug(repo));
  if (!fs.existsSync(folder)) return undefined;
  const isGitDir = (d) => fs.existsSync(path.join(d, "HEAD")) && fs.existsSync(path.join(d, "objects"));
  if (isGitDir(folder)) return folder;
  const inner = fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory() && isGitDir(path.join(folder, e.name)))
    .map((e) => path.join(folder, e.name));
  return inner.length === 1 ? inner[0] : undefined;
}

const git = (gitDir, ...a) =>
  execFileSync("git", ["--git-dir", gitDir, ...a], { maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });

/** Whether the cache folder holds exactly the pinned files (written by a complete copy). */
function cacheComplete(a) {
  try {
    const done = JSON.parse(fs.readFileSync(path.join(appDirOf(a), COMPLETE), "utf8"));
    return (
      done.commit === a.commit &&
      JSON.stringify(done.files) === JSON.stringify(a.files) &&
      JSON.stringify(done.configs ?? []) === JSON.stringify(a.configs ?? []) &&
      [...a.files, ...(a.configs ?? [])].every((f) => fs.existsSync(path.join(appDirOf(a), ...f.split("/"))))
    );
  } catch {
    return false;
  }
}

/** Copy the pinned files out of the mirror, or use the cache. Returns { source } or { skipped }. */
export function materialise(a) {
  if (cacheComplete(a)) return { source: "cache" };
  const gitDir = mirrorGitDir(a.repo);
  if (!gitDir) return { skipped: `no mirror in ${path.join(MIRROR, slug(a.repo))} and no complete cache` };
  try {
    git(gitDir, "cat-file", "-e", `${a.commit}^{commit}`);
  } catch {
    return { skipped: `the mirror ${gitDir} does not have commit ${a.commit}, and the cache is incomplete` };
  }
  const dir = appDirOf(a);
  fs.rmSync(dir, { recursive: true, force: true });
  const missing = [];
  // The app's wrangler configs sit where they are in the repository, next to its files, so the
  // rules that read the nearest config (compatibility date, storage backends) see the real one.
  for (const f of [...a.files, ...(a.configs ?? [])]) {
    let text;
    try {
      text = git(gitDir, "show", `${a.commit}:${f}`);
    } catch {
      missing.push(f);
      continue;
    }
    const out = path.join(dir, ...f.split("/"));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, text);
  }
  if (missing.length) return { error: `${a.repo}@${shortCommit(a.commit)}: not in the commit: ${missing.join(", ")}` };
  fs.writeFileSync(
    path.join(dir, COMPLETE),
    `${JSON.stringify({ commit: a.commit, files: a.files, configs: a.configs ?? [] }, null, 2)}\n`,
  );
  return { source: "mirror" };
}

// ---------------------------------------------------------------------------------------------
// Lint (same configuration and code as the package smoke run: scripts/smoke-corpus.js). The reviewed
// list has the format of tests/smoke/reviewed.tsv; `package` is owner/name, `version` the first 12
// digits of the pinned commit.

function lintApp(a, lintFiles) {
  const dir = appDirOf(a);
  const files = a.files.map((rel) => ({ rel, text: fs.readFileSync(path.join(dir, ...rel.split("/")), "utf8") }));
  const lines = files.reduce((n, f) => n + f.text.split(/\r\n|\r|\n/).length, 0);
  return { ...lintFiles({ dir, files, name: a.repo, version: shortCommit(a.commit) }), lines };
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const ONLY = parseOnly(process.argv.slice(2));
  const started = performance.now();
  const { apps: all, problems: appProblems } = readApps();
  if (appProblems.length) {
    console.log(`smoke-apps: FAILED, ${path.relative(ROOT, APPS)} is malformed`);
    for (const p of appProblems) console.log(`  ${p}`);
    process.exitCode = 1;
    return;
  }
  const selected = ONLY ? all.filter((a) => ONLY.includes(a.repo)) : all;
  if (ONLY && selected.length !== ONLY.length) {
    console.error(`smoke-apps: not in ${path.relative(ROOT, APPS)}: ${ONLY.filter((n) => !all.some((a) => a.repo === n)).join(", ")}`);
    process.exit(2);
  }

  // 1. Materialise. Needs git only when a mirror is there.
  fs.mkdirSync(CACHE, { recursive: true });
  const ready = [];
  const skipped = [];
  const materialiseErrors = [];
  for (const a of selected) {
    const r = materialise(a);
    if (r.error) materialiseErrors.push(r.error);
    else if (r.skipped) skipped.push(`${a.repo}@${shortCommit(a.commit)}: ${r.skipped}`);
    else ready.push({ app: a, source: r.source });
  }
  if (!ready.length && !materialiseErrors.length) {
    console.log(
      `smoke-apps: skipped, no application sources (no mirror under ${MIRROR} — set APPS_MIRROR — and nothing cached in ${path.relative(ROOT, CACHE)}/)`,
    );
    return;
  }

  // 2. Lint. The plugin is imported only now, so that a skipped run needs no build.
  const distEntry = path.join(ROOT, "dist", "src", "index.js");
  if (!fs.existsSync(distEntry)) {
    console.log("smoke-apps: dist/ is missing, running npm run build");
    execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "inherit" });
  }
  const { Linter } = await import("eslint");
  const { default: plugin } = await import("../dist/src/index.js");
  const { lintFiles } = await import("./smoke-corpus.js");
  console.log(
    `eslint-plugin-durable-objects application smoke run: ${ready.length} of ${selected.length} applications, ` +
      `${Object.keys(plugin.configs.all.rules).length} rules, ESLint ${Linter.version}`,
  );

  const findings = [];
  const errors = [];
  const notes = [];
  const perApp = [];
  let ignoredInline = 0;
  const lintStarted = performance.now();
  for (const { app, source } of ready) {
    const t0 = performance.now();
    const r = lintApp(app, lintFiles);
    findings.push(...r.findings);
    for (const e of r.errors) errors.push({ ...e, where: `${app.repo}@${shortCommit(app.commit)}` });
    notes.push(...r.notes);
    ignoredInline += r.ignoredInline;
    perApp.push({ app, source, files: app.files.length, lines: r.lines, findings: r.findings.length, ms: performance.now() - t0 });
  }
  const lintedAt = performance.now();

  // 3. Compare with the reviewed list.
  const { rows: reviewed, problems } = readReviewed(REVIEWED, { required: false });
  const linted = new Set(ready.map((x) => x.app.repo));
  const { unreviewed, gone, stale } = compareWithReviewed(findings, reviewed, linted, (n) => all.some((a) => a.repo === n));
  writeReports({ findings, reviewed, unreviewed, reportFile: REPORT, unreviewedFile: UNREVIEWED });

  console.log("\n| application | commit | from | files | lines | findings | lint |");
  console.log("| --- | --- | --- | ---: | ---: | ---: | ---: |");
  for (const x of perApp) {
    console.log(`| ${x.app.repo} | ${shortCommit(x.app.commit)} | ${x.source} | ${x.files} | ${x.lines} | ${x.findings} | ${sec(x.ms)} |`);
  }
  const totalFiles = perApp.reduce((n, x) => n + x.files, 0);
  const totalLines = perApp.reduce((n, x) => n + x.lines, 0);
  console.log(
    `\n${totalFiles} files, ${totalLines} lines linted in ${perApp.length} applications` +
      `${ignoredInline ? `; ${ignoredInline} inline eslint comments ignored (noInlineConfig)` : ""}`,
  );
  for (const s of skipped) console.log(`  skipped: ${s}`);
  for (const n of notes) console.log(`  note: ${n}`);

  printRuleTable(Object.keys(plugin.configs.all.rules), findings, reviewed);
  console.log(`\ntime: ${sec(lintedAt - started)} total, lint ${sec(lintedAt - lintStarted)}`);
  console.log(`report: ${path.relative(ROOT, REPORT)}`);

  const failed = reportFailures({
    name: "smoke-apps",
    fetchFailures: ["applications whose pinned files could not be copied", materialiseErrors],
    errors,
    reviewedFile: REVIEWED,
    unreviewedFile: UNREVIEWED,
    problems,
    unreviewed,
    gone,
    staleFailures: [`reviewed rows of applications no longer in ${path.relative(ROOT, APPS)}`, stale],
  });
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(err.stack ?? err);
    process.exit(1);
  });
}
