/**
 * Scenario "corpus": what is linted, and a sanity check of what the rules find in it (every rule
 * planted in the generated code reports it; the library and application corpora parse).
 */
import { Buffer } from "node:buffer";
import { PLUGIN_NAME, shortName } from "./context.js";
import { lineCount, table } from "./lib.js";

export function corpus(ctx) {
  const { report, json, sets, RULE_IDS, lintFiles, generated, library, apps } = ctx;
  const { print, section } = report;
  section("Corpus");
  const findings = {};
  const rows = [];
  for (const s of sets) {
    const counts = {};
    lintFiles("all", s.files, counts);
    findings[s.name] = counts;
    const lines = s.files.reduce((a, f) => a + lineCount(f.text), 0);
    const bytes = s.files.reduce((a, f) => a + Buffer.byteLength(f.text), 0);
    const total = RULE_IDS.reduce((a, id) => a + (counts[id] ?? 0), 0);
    rows.push([s.name, s.files.length, lines, (bytes / 1024).toFixed(1), total, counts.fatal ?? 0]);
    json.corpus[s.name] = { kind: s.kind, files: s.files.length, lines, bytes, findings: counts };
  }
  if (ctx.exampleFiles.length === 0) print("examples/worker/src is absent (or has no .ts files): that part of the corpus is skipped.\n");
  if (library.files.length === 0)
    print(
      "**The library corpus is not downloaded: its overhead row is skipped.** Run `npm run smoke` once (it caches the packages in .cache/smoke), then this again.\n",
    );
  if (apps.files.length === 0)
    print(
      `**The application corpus is not available: its overhead row is skipped.** \`npm run smoke:apps\` takes its sources from mirrors of the applications' repositories (see tests/smoke/README.md); none of the ${apps.of} was found.\n`,
    );
  else if (apps.skipped.length > 0)
    print(`Application corpus: ${apps.apps} of ${apps.of} applications; skipped: ${apps.skipped.join("; ")}.\n`);
  json.corpus.library = { packages: library.packages, of: library.of };
  json.corpus.apps = { apps: apps.apps, of: apps.of, skipped: apps.skipped };
  print(table(["set", "files", "lines", "KiB", "findings (all rules)", "parse errors"], rows));
  print();
  const { planted, plantedMethods, methods } = generated;
  const plantedHere = RULE_IDS.reduce((a, id) => a + (planted[shortName(id)] ?? 0), 0);
  print(
    `Generated: ${generated.files.length} files, ${methods} methods; ${plantedMethods} (${((100 * plantedMethods) / methods).toFixed(0)}%) hold a planted pattern ` +
      `(${plantedHere} for rules measured here), the rest are clean look-alikes. Findings per rule ("planted" = generated methods written to trigger it):`,
  );
  print();
  const notes = [];
  print(
    table(
      ["rule", "planted", ...sets.map((s) => s.name)],
      RULE_IDS.map((id) => {
        const p = planted[shortName(id)] ?? 0;
        const got = findings["generated DO code"]?.[id] ?? 0;
        if (p > 0 && got === 0) notes.push(`generated corpus: ${shortName(id)} reports none of the ${p} method(s) planted for it`);
        if (p === 0 && got > 0)
          notes.push(
            `generated corpus: ${shortName(id)} reports ${got} time(s) with no pattern planted for it (a clean look-alike reported?)`,
          );
        return [shortName(id), p, ...sets.map((s) => findings[s.name]?.[id] ?? 0)];
      }),
    ),
  );
  for (const [rule, n] of Object.entries(planted)) {
    const id = `${PLUGIN_NAME}/${rule}`;
    if (!RULE_IDS.includes(id) && !ctx.broken[id])
      notes.push(`generated corpus: ${n} method(s) planted for ${rule}, which this build does not register`);
  }
  const fatal = Object.values(findings).reduce((a, c) => a + (c.fatal ?? 0), 0);
  if (fatal > 0) notes.push(`${fatal} file(s) of the corpus do not parse`);
  print();
  for (const n of notes) print(`- note: ${n}`);
  json.corpus.planted = { methods, plantedMethods, byRule: planted, notes };
  json.anomalies.push(...notes);
}
