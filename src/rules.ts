/** Every rule of the plugin, by name. Adding a rule here adds it to the configs its `meta.docs` names. */
import noAsyncTransactionSync from "../rules/no-async-transaction-sync.js";
import noCursorAfterAwait from "../rules/no-cursor-after-await.js";
import noUnawaitedStorageRead from "../rules/no-unawaited-storage-read.js";
import noUnboundedList from "../rules/no-unbounded-list.js";
import noUnguardedConstructorInit from "../rules/no-unguarded-constructor-init.js";
import noUnsupportedPragma from "../rules/no-unsupported-pragma.js";
import noSqlTransactionStatements from "../rules/no-sql-transaction-statements.js";
import noMemoryOnlyAlarmState from "../rules/no-memory-only-alarm-state.js";
import noPragmaUserVersion from "../rules/no-pragma-user-version.js";
import noUnsafeReadModifyWrite from "../rules/no-unsafe-read-modify-write.js";
import preferCoalescedWrites from "../rules/prefer-coalesced-writes.js";
import validSqlExec from "../rules/valid-sql-exec.js";
import requireSqliteBackend from "../rules/require-sqlite-backend.js";
import requireDeleteAlarmWithDeleteAll from "../rules/require-delete-alarm-with-delete-all.js";
import noMixedWebsocketAccept from "../rules/no-mixed-websocket-accept.js";
import validWebsocketClose from "../rules/valid-websocket-close.js";

export const rules = {
  "no-async-transaction-sync": noAsyncTransactionSync,
  "no-cursor-after-await": noCursorAfterAwait,
  "no-memory-only-alarm-state": noMemoryOnlyAlarmState,
  "no-mixed-websocket-accept": noMixedWebsocketAccept,
  "no-pragma-user-version": noPragmaUserVersion,
  "no-sql-transaction-statements": noSqlTransactionStatements,
  "no-unawaited-storage-read": noUnawaitedStorageRead,
  "no-unbounded-list": noUnboundedList,
  "no-unguarded-constructor-init": noUnguardedConstructorInit,
  "no-unsafe-read-modify-write": noUnsafeReadModifyWrite,
  "no-unsupported-pragma": noUnsupportedPragma,
  "prefer-coalesced-writes": preferCoalescedWrites,
  "require-delete-alarm-with-delete-all": requireDeleteAlarmWithDeleteAll,
  "require-sqlite-backend": requireSqliteBackend,
  "valid-sql-exec": validSqlExec,
  "valid-websocket-close": validWebsocketClose,
};

export type RuleName = keyof typeof rules;
