// `node scripts/lint-package.js [--json]`: checks the package as npm would publish it (run after
// `npm run build`).
//
// - publint, every message level (suggestions too);
// - @arethetypeswrong/cli on the packed tarball, profile `esm-only`: the package is ESM only, and
//   on the Node versions it supports (`engines`: ^20.19.0 || ^22.13.0 || >=24) `require()` of an
//   ES module works, so the CommonJS resolutions (node10, node16 from CJS) are not checked;
// - `npm pack --dry-run --json`: the tarball holds the build (dist/src, dist/rules), the docs,
//   README.md, LICENSE and package.json, nothing from tests/, examples/ or scripts/, and no build
//   output whose source is gone (tsc never deletes a file from dist/);
// - package-lock.json: no dependency resolved through a moving spec (`latest`, `*`, …) that no
//   `overrides` entry pins (scripts/lockfile-check.js).
//
// Prints what it checked and exits 1 when anything fails. `--json` prints the report as JSON;
// `--lockfile-dir=<dir>` checks that directory's package-lock.json and package.json instead of the
// repo's (the tests use it on an altered copy).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { checkLockfile } from "./lockfile-check.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const bin = (name) => path.join(root, "node_modules/.bin", name);

/** Runs a command in the repo root; throws when it cannot run at all. */
function run(command, args) {
  const r = spawnSync(command, args, { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  if (r.error) throw r.error;
  return r;
}

async function checkPublint() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const { messages } = await publint({ pkgDir: root, level: "suggestion", strict: true, pack: "npm" });
  return messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`);
}

function checkTypes() {
  const r = run(bin("attw"), ["--pack", ".", "--profile", "esm-only", "--format", "json"]);
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    return [`attw did not run (exit ${r.status}): ${r.stderr.trim() || r.stdout.trim()}`];
  }
  // The JSON lists every problem by kind; the profile only decides which ones fail the run.
  const ignored = new Set(["node10", "node16-cjs"]);
  const problems = Object.values(report.problems ?? {})
    .flat()
    .filter((p) => !ignored.has(p.resolutionKind))
    .map((p) => `${p.kind}${p.entrypoint ? ` (${p.entrypoint}, ${p.resolutionKind})` : ""}`);
  if (r.status !== 0 && problems.length === 0) problems.push(`attw exited with ${r.status}: ${r.stderr.trim()}`);
  return problems;
}

/** Every path a source compiles to, relative to the repo root: `src/a/b.ts` → `dist/src/a/b.js` and `.d.ts`. */
function buildOutputs() {
  const out = new Set();
  const walk = (dir) => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) {
        out.add(`dist/${rel.slice(0, -3)}.js`);
        out.add(`dist/${rel.slice(0, -3)}.d.ts`);
      }
    }
  };
  walk("src");
  walk("rules");
  return out;
}

function checkTarball() {
  const r = run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"]);
  if (r.status !== 0) return { problems: [`npm pack failed: ${r.stderr.trim()}`], files: [] };
  const files = JSON.parse(r.stdout)[0]
    .files.map((f) => f.path)
    .sort();
  const problems = [];
  for (const required of ["package.json", "README.md", "LICENSE", "dist/src/index.js", "dist/src/index.d.ts"]) {
    if (!files.includes(required)) problems.push(`missing ${required}`);
  }
  for (const dir of ["dist/src/", "dist/rules/", "docs/"]) {
    if (!files.some((f) => f.startsWith(dir))) problems.push(`nothing from ${dir}`);
  }
  const allowed = [/^dist\/(src|rules)\//, /^docs\//, /^(README\.md|LICENSE|package\.json)$/];
  for (const f of files) {
    if (/^(tests|examples|scripts)\//.test(f)) problems.push(`${f} is from ${f.split("/")[0]}/`);
    else if (!allowed.some((re) => re.test(f))) problems.push(`${f} is not meant to be published`);
  }
  const outputs = buildOutputs();
  for (const f of files.filter((x) => x.startsWith("dist/"))) {
    if (!outputs.has(f)) problems.push(`${f} has no source in src/ or rules/ (stale build output: delete dist/ and rebuild)`);
  }
  for (const f of outputs) if (!files.includes(f)) problems.push(`${f} is not in the tarball (run npm run build)`);
  for (const rule of fs.readdirSync(path.join(root, "rules")).filter((x) => x.endsWith(".ts"))) {
    const doc = `docs/rules/${rule.replace(/\.ts$/, ".md")}`;
    if (!files.includes(doc)) problems.push(`${doc} is not in the tarball`);
  }
  return { problems, files };
}

function lockfileDir() {
  const arg = process.argv.find((a) => a.startsWith("--lockfile-dir="));
  return arg ? path.resolve(arg.slice("--lockfile-dir=".length)) : root;
}

async function main() {
  const json = process.argv.includes("--json");
  const tarball = checkTarball();
  const report = {
    publint: await checkPublint(),
    attw: checkTypes(),
    tarball: tarball.problems,
    files: tarball.files,
    lockfile: checkLockfile(lockfileDir()),
  };
  const failed = report.publint.length + report.attw.length + report.tarball.length + report.lockfile.length > 0;
  if (json) {
    console.log(JSON.stringify({ ok: !failed, ...report }, null, 2));
  } else {
    const section = (name, problems) =>
      console.log(problems.length === 0 ? `${name}: ok` : `${name}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    section("publint", report.publint);
    section("attw (esm-only)", report.attw);
    section(`tarball (${tarball.files.length} files)`, report.tarball);
    section("lockfile", report.lockfile);
  }
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
