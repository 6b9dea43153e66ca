/**
 * Every rule proven on the real runtime: each rule's ❌ docs example fails on workerd the way the
 * rule's message says, and its fix works. One workerd (through Miniflare) for all of them; each
 * rule's proof is in tests/runtime/rules/<rule>.ts, and tests/runtime/harness.ts says how a docs
 * example becomes a Worker.
 *
 * Then docs/proven-on-workerd.md cannot go stale: each rule's last test compares its row with what
 * it observed, and the checks at the end make sure the table has one row per registered rule, is
 * exactly what scripts/proven-table.js renders, and names the installed runtime.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../../src/rules.js";
import { ROOT, runProofs, tableModule } from "./harness.js";
import noAsyncTransactionSync from "./rules/no-async-transaction-sync.js";
import noCursorAfterAwait from "./rules/no-cursor-after-await.js";
import noMemoryOnlyAlarmState from "./rules/no-memory-only-alarm-state.js";
import noMixedWebsocketAccept from "./rules/no-mixed-websocket-accept.js";
import noPragmaUserVersion from "./rules/no-pragma-user-version.js";
import noSqlTransactionStatements from "./rules/no-sql-transaction-statements.js";
import noUnawaitedStorageRead from "./rules/no-unawaited-storage-read.js";
import noUnboundedList from "./rules/no-unbounded-list.js";
import noUnguardedConstructorInit from "./rules/no-unguarded-constructor-init.js";
import noUnsafeReadModifyWrite from "./rules/no-unsafe-read-modify-write.js";
import noUnsupportedPragma from "./rules/no-unsupported-pragma.js";
import preferCoalescedWrites from "./rules/prefer-coalesced-writes.js";
import requireDeleteAlarmWithDeleteAll from "./rules/require-delete-alarm-with-delete-all.js";
import requireSqliteBackend from "./rules/require-sqlite-backend.js";
import validSqlExec from "./rules/valid-sql-exec.js";
import validWebsocketClose from "./rules/valid-websocket-close.js";

const proofs = [
  noAsyncTransactionSync,
  noCursorAfterAwait,
  noMemoryOnlyAlarmState,
  noMixedWebsocketAccept,
  noPragmaUserVersion,
  noSqlTransactionStatements,
  noUnawaitedStorageRead,
  noUnboundedList,
  noUnguardedConstructorInit,
  noUnsafeReadModifyWrite,
  noUnsupportedPragma,
  preferCoalescedWrites,
  requireDeleteAlarmWithDeleteAll,
  requireSqliteBackend,
  validSqlExec,
  validWebsocketClose,
];

const registered = Object.keys(rules).sort();

describe("proven on workerd", () => {
  runProofs(proofs);
});

describe("docs/proven-on-workerd.md", () => {
  it("every registered rule has a runtime proof (tests/runtime/rules/<rule>.ts, run above)", () => {
    expect(proofs.map((p) => p.rule).sort()).toEqual(registered);
    for (const rule of registered) expect(fs.existsSync(path.join(ROOT, "tests/runtime/rules", `${rule}.ts`)), rule).toBe(true);
  });

  it("has one row per registered rule, in order, and nothing else", async () => {
    const table = await tableModule();
    expect(table.ruleNames()).toEqual(registered);
    const { rows } = table.parseTable(fs.readFileSync(table.TABLE_FILE, "utf8"));
    expect(rows.map((r) => /^\| \[`([^`]+)`\]/.exec(r)?.[1])).toEqual(registered);
  });

  it("is exactly what scripts/proven-table.js renders, for the installed workerd and Miniflare", async () => {
    const table = await tableModule();
    const text = fs.readFileSync(table.TABLE_FILE, "utf8");
    const { rows, versionsLine } = table.parseTable(text);
    expect(text).toBe(table.renderTable(rows, versionsLine));
    const version = (name: string): string =>
      (JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
    expect(versionsLine).toContain(`\`workerd\` ${version("workerd")} `);
    expect(versionsLine).toContain(`Miniflare ${version("miniflare")}.`);
  });
});
