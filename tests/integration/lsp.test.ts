/**
 * Editor squiggles: the ESLint language server (vscode-eslint's, from vscode-langservers-extracted)
 * on the example's files, driven over stdio as an editor does — diagnostics pulled with
 * `textDocument/diagnostic`, suggestions offered as `eslint.applySuggestion` commands, and each
 * command answered with the `workspace/applyEdit` an editor would apply.
 *
 * Settings follow /work/shared/editor-lsp-facts.md: with ESLint 10 the server needs
 * `experimental.useFlatConfig: false` and top-level `useFlatConfig: true`.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ESLint } from "eslint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eslintCli } from "./helpers/findings.js";
import { LspClient } from "./helpers/lsp.js";
import { EXAMPLE_FILES, bin, distEntryUrl, exampleDir } from "./helpers/paths.js";

interface Position {
  line: number;
  character: number;
}
interface Range {
  start: Position;
  end: Position;
}
interface Diagnostic {
  range: Range;
  message: string;
  severity: number;
  source?: string;
  code?: string;
  codeDescription?: { href: string };
}
interface Command {
  title: string;
  command: string;
  arguments?: unknown[];
}
interface CodeAction {
  title: string;
  kind?: string;
  command?: Command;
  diagnostics?: Diagnostic[];
}
interface TextEdit {
  range: Range;
  newText: string;
}
interface ApplyEditParams {
  edit: { documentChanges?: { textDocument: { uri: string; version: number }; edits: TextEdit[] }[] };
}

/** The settings the server asks for with `workspace/configuration` (editor-lsp-facts.md). */
const SETTINGS = {
  validate: "on",
  nodePath: null,
  useFlatConfig: true,
  experimental: { useFlatConfig: false },
  problems: { shortenToSingleLine: false },
  rulesCustomizations: [],
  codeAction: {
    disableRuleComment: { enable: true, location: "separateLine" },
    showDocumentation: { enable: true },
  },
};

const exampleUri = pathToFileURL(exampleDir).href;
const uriOf = (file: string): string => pathToFileURL(path.join(exampleDir, file)).href;

/** LSP position (0-based line, UTF-16 character) of a string offset. */
function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

function applyEdits(text: string, edits: TextEdit[]): string {
  const offset = (p: Position): number => {
    const lines = text.split("\n");
    return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  };
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

/** The rules of the build the example's config imports, for their `meta.docs.url`. */
let rules: Record<string, { meta: { docs: { url: string } } }>;
const docsUrl = (ruleId: string): string | undefined => rules[ruleId.replace("durable-objects/", "")]?.meta.docs.url;

let server: LspClient;
let eslintResults: ESLint.LintResult[];
const edits: ApplyEditParams[] = [];
const pulled = new Map<string, Diagnostic[]>();
const texts = new Map<string, string>();
let openMs = 0;

beforeAll(async () => {
  rules = ((await import(distEntryUrl)) as { default: { rules: typeof rules } }).default.rules;
  eslintResults = eslintCli(bin("eslint"), EXAMPLE_FILES, exampleDir).results;

  server = new LspClient(bin("vscode-eslint-language-server"), ["--stdio"], exampleDir, (method, params) => {
    if (method === "workspace/configuration") return (params as { items: unknown[] }).items.map(() => SETTINGS);
    if (method === "workspace/applyEdit") {
      edits.push(params as ApplyEditParams);
      return { applied: true };
    }
    return null; // client/registerCapability and the like
  });
  await server.request("initialize", {
    processId: process.pid,
    rootUri: exampleUri,
    workspaceFolders: [{ uri: exampleUri, name: "worker" }],
    capabilities: {
      workspace: { configuration: true, applyEdit: true, workspaceFolders: true, executeCommand: {} },
      textDocument: {
        synchronization: { didSave: true },
        diagnostic: { dynamicRegistration: false },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix", "source", "source.fixAll.eslint"] } } },
      },
    },
  });
  server.notify("initialized", {});

  const start = performance.now();
  for (const file of EXAMPLE_FILES) {
    const text = fs.readFileSync(path.join(exampleDir, file), "utf8");
    texts.set(file, text);
    server.notify("textDocument/didOpen", { textDocument: { uri: uriOf(file), languageId: "typescript", version: 1, text } });
    const report = await server.request<{ kind: string; items: Diagnostic[] }>("textDocument/diagnostic", {
      textDocument: { uri: uriOf(file) },
    });
    expect(report.kind).toBe("full");
    pulled.set(file, report.items);
  }
  openMs = performance.now() - start;
}, 60_000);

afterAll(async () => {
  await server?.close();
});

/** What the server should show for each of ESLint's findings in `file`. */
function expectedDiagnostics(file: string): Diagnostic[] {
  const result = eslintResults.find((r) => path.relative(exampleDir, r.filePath).split(path.sep).join("/") === file)!;
  return result.messages.map((m) => ({
    range: {
      start: { line: m.line - 1, character: m.column - 1 },
      end: { line: (m.endLine ?? m.line) - 1, character: (m.endColumn ?? m.column) - 1 },
    },
    message: m.message,
    severity: m.severity === 2 ? 1 : 2,
    source: "eslint",
    code: m.ruleId!,
    codeDescription: { href: docsUrl(m.ruleId!)! },
  }));
}

describe("vscode-eslint-language-server", () => {
  it("pulls, for every file of the example, exactly ESLint's findings as diagnostics (rule, range, message, severity, docs link)", () => {
    for (const file of EXAMPLE_FILES) {
      const got = pulled.get(file)!.map((d) => ({
        range: d.range,
        message: d.message,
        severity: d.severity,
        source: d.source,
        code: d.code,
        codeDescription: d.codeDescription,
      }));
      expect(got, file).toEqual(expectedDiagnostics(file));
    }
    const total = [...pulled.values()].reduce((n, d) => n + d.length, 0);
    expect(total).toBe(eslintResults.reduce((n, r) => n + r.messages.length, 0));
    expect(total).toBeGreaterThan(0);
    expect(openMs).toBeLessThan(20_000);
  });

  it("shows the deleteAll() finding of session.ts on line 59 with its rule id, range and message", () => {
    const d = pulled.get("src/session.ts")!.find((x) => x.code === "durable-objects/require-delete-alarm-with-delete-all");
    expect(d).toMatchObject({
      range: { start: { line: 58, character: 10 }, end: { line: 58, character: 38 } },
      severity: 1,
      message: expect.stringMatching(
        /^At compatibility date 2025-09-01 \(from `\.\.\/wrangler\.jsonc`\), `deleteAll\(\)` leaves the alarm set/,
      ),
      codeDescription: { href: docsUrl("durable-objects/require-delete-alarm-with-delete-all") },
    });
  });

  it("offers each suggestion as an eslint.applySuggestion command, and executing it yields ESLint's edit", async () => {
    let executed = 0;
    for (const file of EXAMPLE_FILES) {
      const result = eslintResults.find((r) => r.filePath === path.join(exampleDir, file))!;
      const text = texts.get(file)!;
      for (const [i, diagnostic] of pulled.get(file)!.entries()) {
        const message = result.messages[i];
        // One diagnostic per request: the server keys suggestions by rule id and sequence.
        const actions = await server.request<CodeAction[]>("textDocument/codeAction", {
          textDocument: { uri: uriOf(file) },
          range: diagnostic.range,
          context: { diagnostics: [diagnostic] },
        });
        const suggestions = actions.filter((a) => a.command?.command === "eslint.applySuggestion");
        expect(
          suggestions.map((a) => a.title),
          `${file}:${message.line}`,
        ).toEqual((message.suggestions ?? []).map((s) => `${s.desc} (${message.ruleId})`));
        expect(actions.map((a) => a.title)).toEqual(
          expect.arrayContaining([
            `Disable ${message.ruleId} for this line`,
            `Disable ${message.ruleId} for the entire file`,
            `Show documentation for ${message.ruleId}`,
          ]),
        );
        for (const [sequence, action] of suggestions.entries()) {
          expect(action.command!.arguments).toEqual([{ uri: uriOf(file), version: 1, ruleId: message.ruleId, sequence }]);
          const before = edits.length;
          await server.request("workspace/executeCommand", { command: action.command!.command, arguments: action.command!.arguments });
          expect(edits.length).toBe(before + 1);
          const change = edits[before].edit.documentChanges!;
          const fix = message.suggestions![sequence].fix;
          expect(change).toEqual([
            {
              textDocument: { uri: uriOf(file), version: 1 },
              edits: [{ range: { start: positionAt(text, fix.range[0]), end: positionAt(text, fix.range[1]) }, newText: fix.text }],
            },
          ]);
          executed++;
        }
      }
    }
    expect(executed).toBe(eslintResults.flatMap((r) => r.messages).reduce((n, m) => n + (m.suggestions?.length ?? 0), 0));
    expect(executed).toBeGreaterThan(0);
  });

  it("the deleteAll() suggestion's edit inserts `await this.ctx.storage.deleteAlarm();` before it", async () => {
    const file = "src/session.ts";
    const diagnostic = pulled.get(file)!.find((x) => x.code === "durable-objects/require-delete-alarm-with-delete-all")!;
    const actions = await server.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri: uriOf(file) },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    const action = actions.find((a) => a.command?.command === "eslint.applySuggestion")!;
    expect(action.title).toBe(
      "Call `this.ctx.storage.deleteAlarm()` before `deleteAll()` (durable-objects/require-delete-alarm-with-delete-all)",
    );
    const before = edits.length;
    await server.request("workspace/executeCommand", { command: action.command!.command, arguments: action.command!.arguments });
    const fixed = applyEdits(texts.get(file)!, edits[before].edit.documentChanges![0].edits);
    expect(fixed).toContain(
      "  async logoutUnsafe(): Promise<void> {\n    await this.ctx.storage.deleteAlarm();\n    await this.ctx.storage.deleteAll();\n  }",
    );
  });
});
