/**
 * Smoke run: lints the Durable Object code of published npm packages with every rule of the plugin
 * and compares the findings with the reviewed list in tests/smoke/reviewed.tsv.
 *
 * Run with `npm run smoke` (builds first). For each pinned package it
 *   1. `npm pack`s the exact version into .cache/smoke/<name>@<version>/package.tgz (skipped when
 *      the tarball is already there),
 *   2. unpacks it into .../package/ and recovers the original sources from the published source
 *      maps (`sourcesContent`) into .../__sources__/<path>,
 *   3. lints every JS/TS file that mentions Durable Objects with `plugin.configs.all`, in-process.
 * Every finding goes to .cache/smoke/report.tsv; findings nobody has reviewed yet also go to
 * .cache/smoke/unreviewed.tsv, in the format of tests/smoke/reviewed.tsv.
 *
 * Exit 1 when: a rule throws, a file cannot be parsed or matches no config, a package cannot be
 * fetched, a finding is not in the reviewed list, or a reviewed finding is gone.
 *
 * Options: --only=<name>[,<name>…] lints only those packages (and checks only their reviewed rows),
 * --offline fails instead of calling npm when a tarball is missing, --jobs=<n> parallel downloads
 * (default 4). See tests/smoke/README.md for the key format and how to review.
 */
import { Buffer } from "node:buffer";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Linter } from "eslint";
import plugin from "../dist/src/index.js";
import { CACHE, PACKAGES, candidates, lintFiles, pkgDirOf, toPosix, walk } from "./smoke-corpus.js";
import { compareWithReviewed, printRuleTable, readReviewed, reportFailures, sec, writeReports } from "./smoke-review.js";

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const REVIEWED = path.join(ROOT, "tests", "smoke", "reviewed.tsv");
const REPORT = path.join(CACHE, "report.tsv");
const UNREVIEWED = path.join(CACHE, "unreviewed.tsv");

/** Bump when the unpacking or source-map recovery changes: cached unpacked trees are rebuilt. */
const UNPACK_FORMAT = 1;

// ---------------------------------------------------------------------------------------------
// Command line

const args = process.argv.slice(2);
const flag = (name) => args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
const flagValue = (name) => flag(name)?.split("=").slice(1).join("=");
const OFFLINE = Boolean(flag("offline"));
const JOBS = Math.max(1, Number(flagValue("jobs")) || 4);
const ONLY = flagValue("only")?.split(",").filter(Boolean);
for (const a of args) {
  if (!/^--(?:offline|jobs=\d+|only=.+)$/.test(a)) {
    console.error(`smoke: unknown argument ${a}\nusage: node scripts/smoke.js [--only=name,…] [--offline] [--jobs=n]`);
    process.exit(2);
  }
}
const selected = ONLY ? PACKAGES.filter((p) => ONLY.includes(p.name)) : PACKAGES;
if (ONLY && selected.length !== ONLY.length) {
  const unknown = ONLY.filter((n) => !PACKAGES.some((p) => p.name === n));
  console.error(`smoke: not in the pinned list: ${unknown.join(", ")}`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Download, unpack, recover sources

/** `npm pack` the exact version unless its tarball is cached. Returns whether it downloaded. */
async function download(p) {
  const dir = pkgDirOf(p);
  const tgz = path.join(dir, "package.tgz");
  if (fs.existsSync(tgz)) return false;
  if (OFFLINE) throw new Error(`${p.name}@${p.version}: not cached and --offline is set`);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(dir, ".pack-"));
  try {
    const { stdout } = await run("npm", ["pack", `${p.name}@${p.version}`, "--json", "--pack-destination", tmp], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const [info] = JSON.parse(stdout);
    if (info.version !== p.version) throw new Error(`npm packed ${info.name}@${info.version}, not ${p.version}`);
    fs.writeFileSync(path.join(dir, "pack.json"), JSON.stringify({ id: info.id, integrity: info.integrity, size: info.size }, null, 2));
    fs.renameSync(path.join(tmp, info.filename), tgz);
    fs.rmSync(path.join(dir, ".unpacked"), { force: true }); // a new tarball is unpacked anew
  } catch (err) {
    throw new Error(`${p.name}@${p.version}: npm pack failed: ${(err.stderr || err.message).trim()}`, { cause: err });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return true;
}

/**
 * Where a source-map entry lives inside the package, as a package-relative POSIX path, or
 * undefined when it is outside the package, in node_modules, or not a path at all.
 */
function sourcePath(mapRel, sourceRoot, source) {
  let s = sourceRoot ? `${sourceRoot.replace(/\/?$/, "/")}${source}` : source;
  let base = path.posix.dirname(mapRel);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\/[^/]*\/?/i.exec(s);
  if (scheme) {
    // webpack://<namespace>/./src/x.ts: relative to the package root. Other schemes (file://, http://)
    // name the author's machine or the network, not the package.
    if (scheme[1].toLowerCase() !== "webpack") return undefined;
    s = s.slice(scheme[0].length);
    base = "";
  }
  if (s.startsWith("/") || /^[a-z]:/i.test(s)) return undefined;
  const rel = path.posix.normalize(path.posix.join(base, s));
  if (rel === "." || rel.startsWith("../") || rel === ".." || rel.split("/").includes("node_modules")) return undefined;
  return rel;
}

/** Source maps in a file: a `.map` file, or an inline `data:` URL at the end of a JS file. */
function mapsOf(file, text) {
  if (file.endsWith(".map")) return [text];
  const inline = /\/\/[#@] sourceMappingURL=data:application\/json[^,]*?(;base64)?,(\S+)\s*$/.exec(text.slice(-2_000_000));
  if (!inline) return [];
  return [inline[1] ? Buffer.from(inline[2], "base64").toString("utf8") : decodeURIComponent(inline[2])];
}

/** Unpack the tarball and write the sources recovered from its source maps. Cached by a marker. */
async function unpack(p) {
  const dir = pkgDirOf(p);
  const marker = path.join(dir, ".unpacked");
  if (fs.existsSync(marker) && fs.readFileSync(marker, "utf8").trim() === String(UNPACK_FORMAT)) {
    return JSON.parse(fs.readFileSync(path.join(dir, "sources.json"), "utf8"));
  }
  const pkgRoot = path.join(dir, "package");
  const srcRoot = path.join(dir, "__sources__");
  fs.rmSync(pkgRoot, { recursive: true, force: true });
  fs.rmSync(srcRoot, { recursive: true, force: true });
  fs.mkdirSync(pkgRoot, { recursive: true });
  // Every npm tarball has a single top-level folder (usually `package/`, not always).
  await run("tar", [
    "-xzf",
    path.join(dir, "package.tgz"),
    "-C",
    pkgRoot,
    "--strip-components=1",
    "--no-same-owner",
    "--no-same-permissions",
  ]);

  const stats = { maps: 0, badMaps: 0, sources: 0, outside: 0, noContent: 0, conflicts: 0 };
  const written = new Map();
  for (const file of walk(pkgRoot)) {
    if (!file.endsWith(".map") && !/\.(?:js|mjs|cjs)$/.test(file)) continue;
    const mapRel = toPosix(path.relative(pkgRoot, file));
    let texts;
    try {
      texts = mapsOf(file, fs.readFileSync(file, "utf8"));
    } catch {
      continue;
    }
    for (const text of texts) {
      let map;
      try {
        map = JSON.parse(text);
      } catch {
        stats.badMaps++;
        continue;
      }
      // Index maps (`sections`) hold ordinary maps.
      const parts = Array.isArray(map.sections) ? map.sections.map((s) => s.map).filter(Boolean) : [map];
      for (const m of parts) {
        stats.maps++;
        const sources = Array.isArray(m.sources) ? m.sources : [];
        sources.forEach((source, i) => {
          const content = m.sourcesContent?.[i];
          if (typeof source !== "string") return;
          if (typeof content !== "string") return void stats.noContent++;
          const rel = sourcePath(mapRel, m.sourceRoot, source);
          if (!rel) return void stats.outside++;
          const prev = written.get(rel);
          if (prev !== undefined) {
            if (prev !== content) stats.conflicts++;
            return;
          }
          written.set(rel, content);
          const out = path.join(srcRoot, ...rel.split("/"));
          fs.mkdirSync(path.dirname(out), { recursive: true });
          fs.writeFileSync(out, content);
          stats.sources++;
        });
      }
    }
  }
  fs.writeFileSync(path.join(dir, "sources.json"), JSON.stringify(stats, null, 2));
  fs.writeFileSync(marker, `${UNPACK_FORMAT}\n`);
  return stats;
}

async function pool(items, n, fn) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i], i);
      }
    }),
  );
  return results;
}

// Lint

/** Lint one package. Findings, errors (parse / config / crash) and notes. */
function lintPackage(p) {
  const { files, skipped } = candidates(p);
  const r = lintFiles({ dir: pkgDirOf(p), files, name: p.name, version: p.version });
  return { files: files.length, skipped, ...r };
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const started = performance.now();
  fs.mkdirSync(CACHE, { recursive: true });
  console.log(
    `eslint-plugin-durable-objects smoke run: ${selected.length} packages, ${Object.keys(plugin.configs.all.rules).length} rules, ESLint ${Linter.version}`,
  );

  // 1. Download and unpack (in parallel; npm does the network part).
  const fetchErrors = [];
  const prepared = await pool(selected, JOBS, async (p) => {
    const t0 = performance.now();
    try {
      const downloaded = await download(p);
      const t1 = performance.now();
      const sources = await unpack(p);
      return { p, ok: true, downloaded, downloadMs: t1 - t0, unpackMs: performance.now() - t1, sources };
    } catch (err) {
      fetchErrors.push(String(err.message ?? err));
      return { p, ok: false, downloadMs: performance.now() - t0, unpackMs: 0 };
    }
  });
  const fetchedAt = performance.now();

  // 2. Lint, one package at a time.
  const findings = [];
  const errors = [];
  const notes = [];
  const perPackage = [];
  let skippedLarge = [];
  let skippedDecl = 0;
  let ignoredInline = 0;
  for (const item of prepared) {
    if (!item.ok) continue;
    const t0 = performance.now();
    const r = lintPackage(item.p);
    const lintMs = performance.now() - t0;
    findings.push(...r.findings);
    for (const e of r.errors) errors.push({ ...e, where: `${item.p.name}@${item.p.version}` });
    notes.push(...r.notes);
    skippedLarge = skippedLarge.concat(r.skipped.large.map((f) => `${item.p.name}: ${f}`));
    skippedDecl += r.skipped.declaration;
    ignoredInline += r.ignoredInline;
    perPackage.push({ ...item, files: r.files, skipped: r.skipped, findings: r.findings.length, lintMs });
  }
  const lintedAt = performance.now();

  // 3. Compare with the reviewed list.
  const { rows: reviewed, problems } = readReviewed(REVIEWED, { required: true });
  const inRun = new Set(selected.map((p) => p.name));
  const { unreviewed, gone, stale } = compareWithReviewed(findings, reviewed, inRun, (n) => PACKAGES.some((p) => p.name === n));

  // Report.
  writeReports({ findings, reviewed, unreviewed, reportFile: REPORT, unreviewedFile: UNREVIEWED });

  // Print: packages.
  console.log("\n| package | files linted | findings | fetch | lint |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  for (const x of perPackage) {
    const fetch = x.downloaded ? `${sec(x.downloadMs + x.unpackMs)} (downloaded)` : sec(x.downloadMs + x.unpackMs);
    console.log(`| ${x.p.name}@${x.p.version} | ${x.files} | ${x.findings} | ${fetch} | ${sec(x.lintMs)} |`);
  }
  const totalFiles = perPackage.reduce((n, x) => n + x.files, 0);
  const recovered = perPackage.reduce((n, x) => n + (x.sources?.sources ?? 0), 0);
  console.log(
    `\n${totalFiles} files linted (${recovered} sources recovered from source maps); skipped: ${skippedDecl} .d.ts, ` +
      `${perPackage.reduce((n, x) => n + x.skipped.duplicate, 0)} duplicates of a linted file, ${skippedLarge.length} files over 1 MB that mention Durable Objects` +
      `${ignoredInline ? `; ${ignoredInline} inline eslint comments ignored (noInlineConfig)` : ""}`,
  );
  for (const f of skippedLarge) console.log(`  skipped (size): ${f}`);
  for (const n of notes) console.log(`  note: ${n}`);

  // Print: rules.
  printRuleTable(Object.keys(plugin.configs.all.rules), findings, reviewed);
  console.log(
    `\ntime: ${sec(lintedAt - started)} total; fetch + unpack ${sec(fetchedAt - started)} ` +
      `(${perPackage.filter((x) => x.downloaded).length} downloaded), lint ${sec(lintedAt - fetchedAt)}`,
  );
  console.log(`report: ${path.relative(ROOT, REPORT)}`);

  // Failures.
  const failed = reportFailures({
    name: "smoke",
    fetchFailures: ["packages that could not be fetched", fetchErrors],
    errors,
    reviewedFile: REVIEWED,
    unreviewedFile: UNREVIEWED,
    problems,
    unreviewed,
    gone,
    staleFailures: [`reviewed rows of packages no longer pinned`, stale],
  });
  process.exitCode = failed ? 1 : 0;
}

main().catch((err) => {
  console.error(err.stack ?? err);
  process.exit(1);
});
