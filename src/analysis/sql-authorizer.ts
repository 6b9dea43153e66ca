/**
 * "Will workerd's SQLite authorizer refuse this statement?" — for the statements where the answer
 * is certain from the text alone: PRAGMAs outside the allowlist, `ATTACH` / `DETACH`, and `CREATE`
 * of an object whose name (or, for an index or trigger, whose table) starts with the reserved
 * `_cf_` prefix. A refused statement throws `Error: not authorized: SQLITE_AUTH` when `exec()`
 * prepares it.
 *
 * Sources: the measured runtime facts (workerd 1.20260730.1) and workerd's own authorizer
 * (`SqliteDatabase::isAuthorized` in src/workerd/util/sqlite.c++, `SqlStorageRegulator::isAllowedName`
 * in src/workerd/api/sql.c++). Where those leave room for doubt the answer is "not refused":
 * - a PRAGMA is judged by its name only. Allowed names with arguments workerd rejects
 *   (`PRAGMA data_version = 5`, `PRAGMA foreign_keys = maybe`, `PRAGMA table_info(_cf_KV)`) are not
 *   reported, nor any PRAGMA under a schema other than `main` (`PRAGMA temp.table_info(t)`,
 *   `PRAGMA ${s}.journal_mode`): those fail, but not always with `SQLITE_AUTH`.
 * - workerd compares PRAGMA names case-sensitively, so `PRAGMA TABLE_INFO(t)` is probably refused
 *   too; that is not measured, so names are compared case-insensitively here (never reported).
 * - `PRAGMA page_size` with no argument is allowed from workerd 1.20260805.1 on (the R*Tree
 *   module reads it); only `page_size = N` / `page_size(N)` count as refused.
 * - `CREATE TEMP …` and objects in a schema other than `main` are refused by workerd for other
 *   reasons (temporary objects are not supported); they are left alone here.
 * - `EXPLAIN …` is left alone.
 *
 * Nothing here throws: malformed SQL just yields no answer.
 */
import { DYNAMIC, type PragmaInfo, type SqlStatement, type SqlToken, pragmaInfo } from "./sql.js";

/** PRAGMAs a Durable Object may run (measured), in the order the runtime facts list them. */
export const ALLOWED_PRAGMAS: readonly string[] = [
  "table_info",
  "table_xinfo",
  "table_list",
  "index_list",
  "index_info",
  "index_xinfo",
  "foreign_keys",
  "defer_foreign_keys",
  "foreign_key_check",
  "foreign_key_list",
  "optimize",
  "quick_check",
  "data_version",
  "case_sensitive_like",
  "legacy_alter_table",
  "recursive_triggers",
  "reverse_unordered_selects",
  "ignore_check_constraints",
];
const ALLOWED: ReadonlySet<string> = new Set(ALLOWED_PRAGMAS);
/** Allowed when they only read (no `= value`, no `(value)`), on current runtimes. */
const ALLOWED_READS: ReadonlySet<string> = new Set(["page_size"]);

/** Names starting with this (in any letter case) are reserved for the runtime's own tables. */
export const RESERVED_PREFIX = "_cf_";

export type Denial =
  | { kind: "pragma"; pragma: PragmaInfo }
  | { kind: "attach" }
  | { kind: "detach" }
  | {
      kind: "reserved-name";
      /** "CREATE TABLE", "CREATE VIRTUAL TABLE", "CREATE INDEX", "CREATE VIEW" or "CREATE TRIGGER". */
      statement: string;
      /** The reserved name as written, unquoted; a `${…}` part is shown as `${…}`. */
      name: string;
      /** The token the name starts with. */
      nameToken: SqlToken;
    };

const isWord = (t: SqlToken | undefined, word: string): boolean => t?.type === "word" && t.value === word;
const isPunct = (t: SqlToken | undefined, p: string): boolean => t?.type === "punct" && t.value === p;

/** Why workerd refuses `stmt` with `SQLITE_AUTH`, or undefined if it is not certain that it does. */
export function deniedStatement(stmt: SqlStatement): Denial | undefined {
  const first = stmt.tokens[0];
  if (first?.type !== "word") return undefined;
  switch (first.value) {
    case "PRAGMA": {
      const pragma = pragmaInfo(stmt);
      if (!pragma || ALLOWED.has(pragma.name)) return undefined;
      // Another schema fails first as an unknown database (or is refused for being one): left alone.
      if (pragma.schema !== undefined && pragma.schema !== "main") return undefined;
      if (pragma.form === "read" && ALLOWED_READS.has(pragma.name)) return undefined;
      return { kind: "pragma", pragma };
    }
    case "ATTACH":
      // ATTACH [DATABASE] expr AS name: refused whatever the file and name.
      return stmt.tokens.some((t, i) => i > 1 && isWord(t, "AS") && i < stmt.tokens.length - 1) ? { kind: "attach" } : undefined;
    case "DETACH":
      // DETACH [DATABASE] name
      return stmt.tokens.length > (isWord(stmt.tokens[1], "DATABASE") ? 2 : 1) ? { kind: "detach" } : undefined;
    case "CREATE":
      return reservedCreate(stmt.tokens);
    default:
      return undefined;
  }
}

/** A name: where it starts, how to show it, and whether it certainly starts with `_cf_`. */
interface NameRef {
  token: SqlToken;
  display: string;
  reserved: boolean;
  /** The schema, lower-cased; DYNAMIC if it is (or is glued to) a `${…}`. */
  schema: string | undefined;
  next: number;
}

const NAME_TYPES: ReadonlySet<string> = new Set(["word", "quoted-identifier", "string", "dynamic"]);
const glued = (a: SqlToken, b: SqlToken | undefined): boolean => b !== undefined && a.end === b.start;
const partText = (t: SqlToken): string =>
  t.type === "dynamic" ? "${…}" : (t.type === "word" ? t.text : t.value).split(DYNAMIC).join("${…}");

/** One identifier at `i`, with any `${…}` glued to it (`_cf_${x}`); undefined if none is there. */
function readPart(t: SqlToken[], i: number): { first: SqlToken; display: string; dynamic: boolean; next: number } | undefined {
  const first = t[i];
  if (!first || !NAME_TYPES.has(first.type) || (i > 0 && t[i - 1].type === "dynamic" && glued(t[i - 1], first))) {
    return undefined;
  }
  let display = partText(first);
  let dynamic = first.type === "dynamic" || first.value.includes(DYNAMIC);
  let j = i + 1;
  for (; glued(t[j - 1], t[j]) && (t[j].type === "dynamic" || t[j - 1].type === "dynamic") && NAME_TYPES.has(t[j].type); j++) {
    display += partText(t[j]);
    dynamic = true;
  }
  return { first, display, dynamic, next: j };
}

/** `name` or `schema.name` at `i`. */
function readName(t: SqlToken[], i: number): NameRef | undefined {
  const a = readPart(t, i);
  if (!a) return undefined;
  let schema: string | undefined;
  let name = a;
  if (isPunct(t[a.next], ".")) {
    const b = readPart(t, a.next + 1);
    if (!b) return undefined;
    schema = a.dynamic ? DYNAMIC : a.display.toLowerCase();
    name = b;
  }
  const head = name.first;
  // The name's own first part must spell the prefix: `_cf_${x}` is reserved, `_cf${x}` may not be.
  const reserved = head.type !== "dynamic" && partText(head).toLowerCase().startsWith(RESERVED_PREFIX);
  return { token: head, display: name.display, reserved, schema, next: name.next };
}

/**
 * CREATE [UNIQUE] INDEX | [VIRTUAL] TABLE | VIEW | TRIGGER [IF NOT EXISTS] [main.]name …, when the
 * name (or the ON table of an index or trigger) starts with `_cf_`. workerd checks both names of
 * an index or trigger (`SQLITE_CREATE_INDEX` / `SQLITE_CREATE_TRIGGER` pass the table as well).
 */
function reservedCreate(t: SqlToken[]): Denial | undefined {
  let i = 1;
  const take = (word: string): boolean => isWord(t[i], word) && ++i > 0;
  if (isWord(t[i], "TEMP") || isWord(t[i], "TEMPORARY")) return undefined; // refused anyway: no temporary objects
  let statement: string;
  if (take("UNIQUE")) {
    if (!take("INDEX")) return undefined;
    statement = "CREATE INDEX";
  } else if (take("VIRTUAL")) {
    if (!take("TABLE")) return undefined;
    statement = "CREATE VIRTUAL TABLE";
  } else if (take("TABLE") || take("INDEX") || take("VIEW") || take("TRIGGER")) {
    statement = `CREATE ${t[i - 1].value}`;
  } else {
    return undefined;
  }
  let ifNotExists = false;
  if (take("IF")) {
    if (!(take("NOT") && take("EXISTS"))) return undefined;
    ifNotExists = true;
  }
  // A virtual table is checked after SQLite looks for an existing table, so IF NOT EXISTS on a
  // runtime table of that name would succeed quietly.
  if (ifNotExists && statement === "CREATE VIRTUAL TABLE") return undefined;
  const name = readName(t, i);
  if (!name || (name.schema !== undefined && name.schema !== "main")) return undefined;
  const deny = (ref: NameRef): Denial => ({ kind: "reserved-name", statement, name: ref.display, nameToken: ref.token });
  if (name.reserved) return deny(name);
  if (statement === "CREATE INDEX" || statement === "CREATE TRIGGER") {
    // The table: right after ON for an index; after the event (… UPDATE OF a, b ON t) for a trigger.
    let on = name.next;
    if (statement === "CREATE TRIGGER") {
      while (on < t.length && !isWord(t[on], "ON") && !isWord(t[on], "BEGIN")) on++;
    }
    if (!isWord(t[on], "ON")) return undefined;
    const table = readName(t, on + 1);
    if (table?.reserved && (table.schema === undefined || table.schema === "main")) return deny(table);
  }
  return undefined;
}
