/**
 * One shape for what every tool reports, so that ESLint 9, ESLint 10, the language server, oxlint
 * and SARIF can be compared field by field.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import type { ESLint } from "eslint";

export interface Finding {
  /** Relative to the linted project, with `/`. */
  file: string;
  line: number;
  column: number;
  endLine: number | undefined;
  endColumn: number | undefined;
  ruleId: string | null;
  severity: number;
  message: string;
  /** The suggestions' descriptions, in order. */
  suggestions: string[];
}

export const rel = (root: string, filePath: string): string => path.relative(root, filePath).split(path.sep).join("/");

export function sortFindings<T extends { file: string; line: number; column: number; ruleId: string | null }>(list: T[]): T[] {
  return list.sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || String(a.ruleId).localeCompare(String(b.ruleId)),
  );
}

/** ESLint's results (the Node API's objects, or `--format json`'s), as sorted findings. */
export function findings(root: string, results: readonly ESLint.LintResult[]): Finding[] {
  return sortFindings(
    results.flatMap((r) =>
      r.messages.map((m) => ({
        file: rel(root, r.filePath),
        line: m.line,
        column: m.column,
        endLine: m.endLine,
        endColumn: m.endColumn,
        ruleId: m.ruleId,
        severity: m.severity,
        message: m.message,
        suggestions: (m.suggestions ?? []).map((s) => s.desc),
      })),
    ),
  );
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to completion (bounded by `timeout` ms), capturing its output. */
export function run(command: string, args: string[], cwd: string, timeout = 45_000, env: NodeJS.ProcessEnv = {}): CliRun {
  const start = performance.now();
  const r = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    timeout,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Math.round(performance.now() - start) };
}

/**
 * Runs an ESLint CLI (`node <eslint.js> …args --format json`) in `cwd` and returns its results.
 * Exit codes 0 and 1 are lint outcomes; anything else is a failure of the run.
 */
export function eslintCli(
  eslintJs: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): { results: ESLint.LintResult[]; run: CliRun } {
  const r = run(process.execPath, [eslintJs, "--format", "json", ...args], cwd, 45_000, env);
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`eslint ${args.join(" ")} exited with ${r.status}:\n${r.stderr}\n${r.stdout.slice(0, 2000)}`);
  }
  return { results: JSON.parse(r.stdout) as ESLint.LintResult[], run: r };
}
