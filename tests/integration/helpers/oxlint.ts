/** Running oxlint with the built plugin as a JS plugin, and reading its JSON output. */
import fs from "node:fs";
import path from "node:path";
import { type CliRun, type Finding, run, sortFindings } from "./findings.js";
import { bin, distEntry } from "./paths.js";

export interface OxlintDiagnostic {
  message: string;
  /** `durable-objects(rule-name)`; absent when a JS plugin threw. */
  code?: string;
  severity: "error" | "warning";
  filename: string;
  labels: { span: { offset: number; length: number; line: number; column: number } }[];
}

/** A finding as oxlint reports it: ESLint's shape without suggestions (oxlint does not print them). */
export type OxFinding = Omit<Finding, "suggestions">;

/** An .oxlintrc.json that loads the build as a JS plugin and turns on `rules`, and nothing of oxlint's own. */
export function oxlintConfig(rules: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    $schema: path.join(path.dirname(bin("oxlint")), "../oxlint/configuration_schema.json"),
    plugins: [],
    categories: { correctness: "off" },
    jsPlugins: [distEntry],
    ignorePatterns: ["**/*.d.ts"],
    rules,
    ...extra,
  };
}

export function writeConfig(dir: string, config: Record<string, unknown>, name = ".oxlintrc.json"): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** `oxlint -c <config> --format json …args` in `cwd`. */
export function oxlint(config: string, args: string[], cwd: string, timeout = 45_000): { diagnostics: OxlintDiagnostic[]; run: CliRun } {
  const r = run(bin("oxlint"), ["-c", config, "--format", "json", ...args], cwd, timeout);
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`oxlint ${args.join(" ")} exited with ${r.status}:\n${r.stderr}\n${r.stdout.slice(0, 2000)}`);
  return { diagnostics: (JSON.parse(r.stdout) as { diagnostics: OxlintDiagnostic[] }).diagnostics, run: r };
}

/** Line and column (1-based, UTF-16 like ESLint's) of a UTF-8 byte offset, as oxlint reports spans. */
function lineColumnOfByte(text: string, byteOffset: number): { line: number; column: number } {
  const before = Buffer.from(text, "utf8").subarray(0, byteOffset).toString("utf8");
  const lines = before.split("\n");
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** oxlint's diagnostics as ESLint-shaped findings; `root` is where oxlint's file names are relative to. */
export function oxFindings(root: string, diagnostics: OxlintDiagnostic[]): OxFinding[] {
  const texts = new Map<string, string>();
  const textOf = (file: string): string => {
    if (!texts.has(file)) texts.set(file, fs.readFileSync(path.resolve(root, file), "utf8"));
    return texts.get(file)!;
  };
  return sortFindings(
    diagnostics.map((d) => {
      const span = d.labels[0]?.span;
      const end = span ? lineColumnOfByte(textOf(d.filename), span.offset + span.length) : undefined;
      return {
        file: d.filename.split(path.sep).join("/"),
        line: span?.line ?? 0,
        column: span?.column ?? 0,
        endLine: end?.line,
        endColumn: end?.column,
        ruleId: d.code ? d.code.replace(/^([\w@/-]+)\((.+)\)$/, "$1/$2") : null,
        severity: d.severity === "error" ? 2 : 1,
        message: d.message,
      };
    }),
  );
}
