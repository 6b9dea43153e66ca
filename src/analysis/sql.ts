/**
 * A small SQLite tokenizer and statement helpers for the static text of Durable Object
 * `sql.exec(query, ...bindings)` calls, where each template-literal `${…}` has been
 * replaced by {@link DYNAMIC}. Nothing here throws: malformed SQL just yields fewer facts.
 */

/** Placeholder character standing for one template-literal `${…}` expression. */
export const DYNAMIC = "\uE000";

export type SqlTokenType = "word" | "quoted-identifier" | "string" | "blob" | "number" | "param" | "punct" | "dynamic";

export interface SqlToken {
  type: SqlTokenType;
  /** Source text of the token as written. */
  text: string;
  /**
   * "word": upper-cased text; "quoted-identifier": the unquoted name (`"a""b"` -> a"b, `[x]` -> x,
   * `` `x` `` -> x); "string": the unescaped content ('it''s' -> it's); others: text.
   */
  value: string;
  /** Offsets into the input text, [start, end). */
  start: number;
  end: number;
}

export interface SqlStatement {
  /** The statement's tokens, without comments, whitespace or the terminating ";". */
  tokens: SqlToken[];
  /** Offset of the first token, and offset just after the last token. */
  start: number;
  end: number;
}

const KIND_NAMES = [
  "select",
  "insert",
  "replace",
  "update",
  "delete",
  "pragma",
  "begin",
  "commit",
  "end",
  "rollback",
  "savepoint",
  "release",
  "create",
  "drop",
  "alter",
  "attach",
  "detach",
  "with",
  "values",
  "explain",
  "vacuum",
  "analyze",
  "reindex",
] as const;
export type StatementKind = (typeof KIND_NAMES)[number] | "other";

export interface PragmaInfo {
  /** "main" for `PRAGMA main.user_version` (lower-cased); {@link DYNAMIC} if the schema is a `${…}`. */
  schema: string | undefined;
  /** Lower-cased pragma name. */
  name: string;
  nameToken: SqlToken;
  /** "read": PRAGMA x ; "assign": PRAGMA x = v ; "call": PRAGMA x(v) */
  form: "read" | "assign" | "call";
  /** Tokens of the value for assign/call forms (without the "=" or parens); [] for read. */
  valueTokens: SqlToken[];
}

export interface ParameterInfo {
  /** Highest index a bare `?` or `?NNN` refers to (SQLite numbering). */
  count: number;
  /** Distinct named parameters (`:a`, `@a`, `$a`, prefix included), in order of first use. */
  named: string[];
  /** True if any `?NNN` parameter appears. */
  hasNumbered: boolean;
  /** Total parameter slots as SQLite counts them (named parameters take an index too). */
  slots: number;
}

const MULTI_PUNCT = ["->>", "||", "<=", ">=", "<>", "!=", "==", "<<", ">>", "->"];

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";
const isHex = (c: string | undefined): boolean => c !== undefined && /[0-9a-fA-F]/.test(c);
/** ASCII letters and `_`, by character code (the tokenizer's hot path: no regular expression per character). */
const isAsciiWordStart = (k: number): boolean => (k >= 97 && k <= 122) || (k >= 65 && k <= 90) || k === 95;
const isWordStart = (c: string): boolean => {
  const k = c.charCodeAt(0);
  if (k < 0x80) return isAsciiWordStart(k);
  return c !== "" && c !== DYNAMIC && /\p{L}/u.test(c);
};
const isWordPart = (c: string): boolean => {
  const k = c.charCodeAt(0);
  if (k < 0x80) return isAsciiWordStart(k) || (k >= 48 && k <= 57) || k === 36;
  return c !== "" && c !== DYNAMIC && /[\p{L}\p{N}\p{M}]/u.test(c);
};
/** White space as `/\s/u` matches it, ASCII by character code. */
const isSpace = (c: string): boolean => {
  const k = c.charCodeAt(0);
  if (k < 0x80) return k === 32 || (k >= 9 && k <= 13);
  return c !== "" && /\s/u.test(c);
};

/** Offset just after the run of ASCII digits starting at `i`. */
function digitsEnd(text: string, i: number): number {
  while (isDigit(text[i])) i++;
  return i;
}

/** Offset just after a numeric literal starting at `i` (decimal, `.5`, `1e10`, `0x1F`). */
function numberEnd(text: string, i: number): number {
  if (text[i] === "0" && (text[i + 1] === "x" || text[i + 1] === "X") && isHex(text[i + 2])) {
    for (i += 2; isHex(text[i]);) i++;
    return i;
  }
  i = digitsEnd(text, i);
  if (text[i] === ".") i = digitsEnd(text, i + 1);
  const exp = text[i + 1] === "+" || text[i + 1] === "-" ? i + 2 : i + 1;
  return (text[i] === "e" || text[i] === "E") && isDigit(text[exp]) ? digitsEnd(text, exp) : i;
}

/**
 * Scans a quoted run whose opening quote is at `i`. A doubled `close` is an
 * escape when `doubled`. Unterminated runs end at the end of the text.
 * Returns [end offset, unescaped content].
 */
function scanQuoted(text: string, i: number, close: string, doubled: boolean): [number, string] {
  let content = "";
  for (let k = i + 1; k < text.length; k++) {
    if (text[k] !== close) content += text[k];
    else if (doubled && text[k + 1] === close) content += text[k++];
    else return [k + 1, content];
  }
  return [text.length, content];
}

/** The code point of `text` at `j` as a string ("" past the end). */
function codePointAt(text: string, j: number): string {
  if (j >= text.length) return "";
  const k = text.charCodeAt(j);
  // Outside the surrogate range a code point is one UTF-16 unit: no `fromCodePoint`.
  return k < 0xd800 || k > 0xdfff ? text[j] : String.fromCodePoint(text.codePointAt(j) ?? 0);
}

/** The end of the word that starts at `j`. */
function wordEnd(text: string, j: number): number {
  for (let c = codePointAt(text, j); isWordPart(c); c = codePointAt(text, j)) j += c.length;
  return j;
}

/** Adds the token [start, end) of `text` to `tokens` and returns `end`. */
function pushToken(tokens: SqlToken[], text: string, type: SqlTokenType, start: number, end: number, value?: string): number {
  const raw = text.slice(start, end);
  tokens.push({ type, text: raw, value: value ?? raw, start, end });
  return end;
}

/**
 * Splits SQLite text into tokens, dropping whitespace and comments. Never throws. (Its helpers
 * are module functions, not closures: see `methodListeners` in listeners.ts.)
 */
export function tokenizeSql(text: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  const n = text.length;
  for (let i = 0; i < n;) {
    const ch = codePointAt(text, i);
    const next = text[i + 1];
    if (isSpace(ch)) {
      i += ch.length;
    } else if ((ch === "-" && next === "-") || (ch === "/" && next === "*")) {
      const close = ch === "-" ? "\n" : "*/";
      const end = text.indexOf(close, i + 2);
      i = end === -1 ? n : end + close.length;
    } else if (ch === DYNAMIC) {
      i = pushToken(tokens, text, "dynamic", i, i + 1);
    } else if ((ch === "x" || ch === "X") && next === "'") {
      i = pushToken(tokens, text, "blob", i, scanQuoted(text, i + 1, "'", false)[0]);
    } else if (ch === "'" || ch === '"' || ch === "`" || ch === "[") {
      const [end, value] = scanQuoted(text, i, ch === "[" ? "]" : ch, ch !== "[");
      i = pushToken(tokens, text, ch === "'" ? "string" : "quoted-identifier", i, end, value);
    } else if (isDigit(ch) || (ch === "." && isDigit(next))) {
      i = pushToken(tokens, text, "number", i, numberEnd(text, i));
    } else if (isWordStart(ch)) {
      const end = wordEnd(text, i);
      i = pushToken(tokens, text, "word", i, end, text.slice(i, end).toUpperCase());
    } else if (ch === "?") {
      i = pushToken(tokens, text, "param", i, digitsEnd(text, i + 1));
    } else if ((ch === ":" || ch === "@" || ch === "$") && isWordPart(codePointAt(text, i + 1))) {
      i = pushToken(tokens, text, "param", i, wordEnd(text, i + 1));
    } else {
      i = pushToken(tokens, text, "punct", i, i + (MULTI_PUNCT.find((op) => text.startsWith(op, i)) ?? ch).length);
    }
  }
  return tokens;
}

const isWord = (t: SqlToken | undefined, word: string): boolean => t?.type === "word" && t.value === word;
const isPunct = (t: SqlToken | undefined, p: string): boolean => t?.type === "punct" && t.value === p;

/** Indices (from `from` on) of the tokens at parenthesis depth 0, parentheses themselves excluded. */
function* topLevel(t: SqlToken[], from: number): Generator<number> {
  for (let i = from, depth = 0; i < t.length; i++) {
    if (isPunct(t[i], "(")) depth++;
    else if (isPunct(t[i], ")")) depth--;
    else if (depth === 0) yield i;
  }
}

/** Whether `words` ("" for non-words) is exactly [EXPLAIN [QUERY PLAN]] CREATE [TEMP|TEMPORARY] TRIGGER. */
function isTriggerHead(words: string[]): boolean {
  let i = words[0] === "EXPLAIN" ? (words[1] === "QUERY" && words[2] === "PLAN" ? 3 : 1) : 0;
  if (words[i++] !== "CREATE") return false;
  if (words[i] === "TEMP" || words[i] === "TEMPORARY") i++;
  return words[i] === "TRIGGER" && i === words.length - 1;
}

/**
 * Splits text into statements on top-level ";". Empty statements are dropped.
 * A `CREATE TRIGGER … BEGIN … END` is one statement: inside the trigger body,
 * BEGIN/CASE … END nesting is tracked and ";" does not split.
 */
export function splitStatements(text: string): SqlStatement[] {
  const out: SqlStatement[] = [];
  let tokens: SqlToken[] = [];
  let trigger = false; // current statement is a CREATE TRIGGER
  let depth = 0; // BEGIN/CASE nesting inside the trigger body
  const flush = (): void => {
    if (tokens.length > 0) out.push({ tokens, start: tokens[0].start, end: tokens[tokens.length - 1].end });
    tokens = [];
    trigger = false;
    depth = 0;
  };
  for (const tok of tokenizeSql(text)) {
    if (depth === 0 && isPunct(tok, ";")) flush();
    else tokens.push(tok);
    if (tok.type !== "word") continue;
    if (!trigger) {
      trigger = tok.value === "TRIGGER" && isTriggerHead(tokens.map((t) => (t.type === "word" ? t.value : "")));
    } else if (tok.value === "BEGIN" || (depth > 0 && tok.value === "CASE")) {
      depth++;
    } else if (depth > 0 && tok.value === "END") {
      depth--;
    }
  }
  flush();
  return out;
}

const KINDS: ReadonlySet<string> = new Set(KIND_NAMES);
const DML_VERBS: ReadonlySet<string> = new Set(["SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "VALUES"]);

function kindOf(tok: SqlToken | undefined): StatementKind {
  const k = tok?.type === "word" ? tok.value.toLowerCase() : "";
  return KINDS.has(k) ? (k as StatementKind) : "other";
}

/** Kind of a statement, from its first word ("with" for a CTE; see {@link mainVerb}). */
export function statementKind(stmt: SqlStatement): StatementKind {
  return kindOf(stmt.tokens[0]);
}

/**
 * Index of the statement's main verb token: 0, or for `WITH …` the first
 * SELECT/INSERT/UPDATE/DELETE/REPLACE/VALUES after the CTE list (-1 if none).
 */
export function mainVerbIndex(stmt: SqlStatement): number {
  return withInfo(stmt.tokens).verb;
}

/** Reads a WITH clause: the main verb's index and the (lower-cased) CTE names. */
function withInfo(t: SqlToken[]): { verb: number; ctes: Set<string> } {
  const ctes = new Set<string>();
  if (!isWord(t[0], "WITH")) return { verb: 0, ctes };
  let expectName = true; // at the start of a CTE definition
  for (const i of topLevel(t, isWord(t[1], "RECURSIVE") ? 2 : 1)) {
    if (t[i].type === "word" && DML_VERBS.has(t[i].value)) return { verb: i, ctes };
    if (expectName) ctes.add(partName(t, i) ?? DYNAMIC);
    expectName = isPunct(t[i], ",");
  }
  return { verb: -1, ctes };
}

/** Like {@link statementKind}, but for `WITH …` the kind of the verb after the CTE list ("with" if none). */
export function mainVerb(stmt: SqlStatement): StatementKind {
  const verb = mainVerbIndex(stmt);
  return verb < 0 ? "with" : kindOf(stmt.tokens[verb]);
}

const NAME_TYPES: ReadonlySet<string> = new Set(["word", "quoted-identifier", "string", "dynamic"]);
const isNameLike = (t: SqlToken | undefined): boolean => t !== undefined && NAME_TYPES.has(t.type);

/** Lower-cased name of the identifier at `i`; undefined if it is (or is glued to) a `${…}`. */
function partName(t: SqlToken[], i: number): string | undefined {
  const tok = t[i];
  const glued = (j: number): boolean => t[j]?.type === "dynamic" && (t[j].end === tok.start || t[j].start === tok.end);
  if (tok.type === "dynamic" || tok.value.includes(DYNAMIC) || glued(i - 1) || glued(i + 1)) return undefined;
  return (tok.type === "word" ? tok.text : tok.value).toLowerCase();
}

/** A name with its schema (undefined if unqualified) and the index after it; dynamic parts are DYNAMIC/undefined. */
type NameRef = { schema: string | undefined; name: string | undefined; next: number };

/** Reads `name` or `schema.name` at `i`; undefined if no identifier is there. */
function readName(t: SqlToken[], i: number): NameRef | undefined {
  if (!isNameLike(t[i])) return undefined;
  if (isPunct(t[i + 1], ".") && isNameLike(t[i + 2])) {
    return { schema: partName(t, i) ?? DYNAMIC, name: partName(t, i + 2), next: i + 3 };
  }
  return { schema: undefined, name: partName(t, i), next: i + 1 };
}

/** Parses a PRAGMA statement; undefined if not a PRAGMA, malformed, or its name is dynamic. */
export function pragmaInfo(stmt: SqlStatement): PragmaInfo | undefined {
  const t = stmt.tokens;
  if (!isWord(t[0], "PRAGMA")) return undefined;
  const ref = readName(t, 1);
  if (ref?.name === undefined) return undefined;
  const base = { schema: ref.schema, name: ref.name, nameToken: t[ref.next - 1] };
  const i = ref.next;
  if (i === t.length) return { ...base, form: "read", valueTokens: [] };
  if (isPunct(t[i], "=") && i + 1 < t.length) return { ...base, form: "assign", valueTokens: t.slice(i + 1) };
  if (isPunct(t[i], "(") && isPunct(t[t.length - 1], ")") && i + 2 < t.length) {
    return { ...base, form: "call", valueTokens: t.slice(i + 1, -1) };
  }
  return undefined;
}

/**
 * Table written by INSERT [OR x] INTO t / REPLACE INTO t / UPDATE [OR x] t /
 * DELETE FROM t / CREATE [TEMP] [VIRTUAL] TABLE [IF NOT EXISTS] t (after the CTE
 * list for WITH). Lower-cased and unqualified; undefined if dynamic or absent.
 */
export function writtenTable(stmt: SqlStatement): string | undefined {
  const t = stmt.tokens;
  let i = mainVerbIndex(stmt);
  if (i < 0) return undefined;
  /** Steps over `word` if it is next. */
  const take = (word: string): boolean => isWord(t[i], word) && ++i > 0;
  const kind = kindOf(t[i++]);
  if ((kind === "insert" || kind === "update") && take("OR")) i++; // OR <conflict resolution>
  if (kind === "create") {
    if (!take("TEMP")) take("TEMPORARY");
    take("VIRTUAL");
    if (!take("TABLE") || (take("IF") && !(take("NOT") && take("EXISTS")))) return undefined;
  } else if (kind === "insert" || kind === "replace") {
    if (!take("INTO")) return undefined;
  } else if (kind === "delete") {
    if (!take("FROM")) return undefined;
  } else if (kind !== "update") {
    return undefined;
  }
  return readName(t, i)?.name;
}

/** Words that end a FROM clause at depth 0. */
const FROM_END: ReadonlySet<string> = new Set([
  "WHERE",
  "GROUP",
  "HAVING",
  "WINDOW",
  "ORDER",
  "LIMIT",
  "UNION",
  "INTERSECT",
  "EXCEPT",
  "RETURNING",
]);

/**
 * For a SELECT (or WITH … SELECT): distinct tables named after FROM, JOIN or a
 * FROM-list comma at parenthesis depth 0 (lower-cased, unqualified). Subqueries,
 * table-valued functions and CTE names are skipped. undefined if the statement
 * is not a SELECT or any table name is dynamic.
 */
export function readTables(stmt: SqlStatement): string[] | undefined {
  const t = stmt.tokens;
  const { verb, ctes } = withInfo(t);
  if (verb < 0 || kindOf(t[verb]) !== "select") return undefined;
  const tables: string[] = [];
  let inFrom = false;
  for (const i of topLevel(t, verb)) {
    const tok = t[i];
    let startsRef = false;
    if (isWord(tok, "FROM")) {
      // `a IS [NOT] DISTINCT FROM b` is a comparison, not a FROM clause.
      startsRef = !(isWord(t[i - 1], "DISTINCT") && (isWord(t[i - 2], "IS") || isWord(t[i - 2], "NOT")));
      inFrom ||= startsRef;
    } else if (isWord(tok, "JOIN") || (inFrom && isPunct(tok, ","))) {
      startsRef = true;
    } else if (tok.type === "word" && FROM_END.has(tok.value)) {
      inFrom = false;
    }
    const ref = startsRef ? readName(t, i + 1) : undefined;
    if (!ref || isPunct(t[ref.next], "(")) continue;
    if (ref.name === undefined) return undefined;
    if ((ref.schema !== undefined || !ctes.has(ref.name)) && !tables.includes(ref.name)) tables.push(ref.name);
  }
  return tables;
}

/** True for INSERT OR REPLACE, REPLACE INTO, and INSERT … ON CONFLICT … DO UPDATE (upsert). */
export function isUpsertOrReplace(stmt: SqlStatement): boolean {
  const t = stmt.tokens;
  const verb = mainVerbIndex(stmt);
  if (verb < 0) return false;
  if (isWord(t[verb], "REPLACE")) return true;
  if (!isWord(t[verb], "INSERT")) return false;
  if (isWord(t[verb + 1], "OR") && isWord(t[verb + 2], "REPLACE")) return true;
  for (const i of topLevel(t, verb + 1)) if (isWord(t[i], "DO") && isWord(t[i + 1], "UPDATE")) return true;
  return false;
}

/**
 * Parameters, numbered by SQLite's rules: a bare `?` takes one more than the
 * largest index so far, `?NNN` takes NNN, and each distinct named parameter
 * (`:a`, `@a`, `$a`) takes the next index on first use.
 */
export function parameterInfo(stmt: SqlStatement): ParameterInfo {
  let slots = 0;
  let count = 0;
  let hasNumbered = false;
  const named: string[] = [];
  for (const { type, text } of stmt.tokens) {
    if (type !== "param" || named.includes(text)) continue;
    if (text[0] !== "?") {
      named.push(text);
      slots++;
      continue;
    }
    hasNumbered ||= text.length > 1;
    const index = text.length > 1 ? Number(text.slice(1)) : slots + 1;
    slots = Math.max(slots, index);
    count = Math.max(count, index);
  }
  return { count, named, hasNumbered, slots };
}

/** Aggregate functions: without GROUP BY, a SELECT of only these yields exactly one row. */
const AGGREGATES = new Set([
  "COUNT",
  "SUM",
  "TOTAL",
  "MIN",
  "MAX",
  "AVG",
  "GROUP_CONCAT",
  "STRING_AGG",
  "JSON_GROUP_ARRAY",
  "JSON_GROUP_OBJECT",
]);
/** Clauses after which a SELECT may yield zero rows or more than one. */
const ROW_CHANGING = new Set(["GROUP", "HAVING", "LIMIT", "OFFSET", "UNION", "INTERSECT", "EXCEPT", "WINDOW", "VALUES"]);

/**
 * Whether a statement always yields exactly one row, so `.one()` can neither find zero rows nor
 * several: `SELECT COUNT(*) FROM t`, `SELECT COALESCE(MAX(id), 0) AS v FROM t`, `SELECT 1 AS x`
 * (no FROM, no WHERE), and `INSERT … VALUES (one row) … RETURNING …` (not `OR IGNORE`, not
 * `DO NOTHING`). Anything else, or anything unsure: false.
 */
export function alwaysOneRow(stmt: SqlStatement): boolean {
  const t = stmt.tokens;
  if (t.some((tok) => tok.type === "dynamic")) return false;
  const verb = mainVerbIndex(stmt);
  if (verb !== 0) return false; // no WITH: a CTE could hide anything
  const kind = kindOf(t[0]);
  if (kind === "insert") {
    if (isWord(t[1], "OR") && !isWord(t[2], "ABORT") && !isWord(t[2], "FAIL") && !isWord(t[2], "ROLLBACK") && !isWord(t[2], "REPLACE"))
      return false;
    let tuples = 0;
    let values = false;
    let returning = false;
    for (const i of topLevel(t, 0)) {
      if (isWord(t[i], "VALUES")) values = true;
      else if (isWord(t[i], "SELECT") || isWord(t[i], "NOTHING")) return false;
      else if (isWord(t[i], "RETURNING")) returning = true;
      else if (values && !returning && isPunct(t[i], ",") && isPunct(t[i - 1], ")")) tuples++;
    }
    return values && returning && tuples === 0;
  }
  if (kind !== "select") return false;
  let from = -1;
  for (const i of topLevel(t, 1)) {
    const tok = t[i];
    if (tok.type !== "word") continue;
    if (ROW_CHANGING.has(tok.value)) return false;
    if (tok.value === "FROM" && from < 0) from = i;
    if (tok.value === "WHERE" && from < 0) return false; // `SELECT 1 WHERE 0` yields no row
  }
  if (from < 0) return true; // one row of expressions
  // Every result column must be an aggregate (or COALESCE/IFNULL over one), at top level.
  return resultColumns(t, 1, from).every((col) => {
    const head = col[0]?.type === "word" ? col[0].value : "";
    if (AGGREGATES.has(head) && isPunct(col[1], "(")) return true;
    if ((head === "COALESCE" || head === "IFNULL") && isPunct(col[1], "(")) {
      return col.some((tok, j) => tok.type === "word" && AGGREGATES.has(tok.value) && isPunct(col[j + 1], "("));
    }
    return false;
  });
}

/** SQLite's default `SQLITE_MAX_VARIABLE_NUMBER`: `?NNN` outside 1…32766 does not prepare. */
const MAX_PARAMETER_INDEX = 32766;

/**
 * `sqlite3_bind_parameter_count` of a statement: the largest parameter index, by SQLite's numbering
 * (`parameterInfo`'s slots). Undefined where the tokenizer may disagree with SQLite: `?0` or `?NNN`
 * past the limit (the statement does not prepare), TCL-style `$a::b` / `$a(x)`, and `#name`.
 */
export function bindParameterCount(stmt: SqlStatement): number | undefined {
  const t = stmt.tokens;
  for (let i = 0; i < t.length; i++) {
    const tok = t[i];
    if (tok.type === "punct" && tok.text === "#") return undefined;
    if (tok.type !== "param") continue;
    if (tok.text[0] === "?" && tok.text.length > 1) {
      const n = Number(tok.text.slice(1));
      if (n < 1 || n > MAX_PARAMETER_INDEX) return undefined;
    }
    const next = t[i + 1];
    if (tok.text[0] === "$" && next?.start === tok.end && (next.text === ":" || next.text === "(")) return undefined;
  }
  return parameterInfo(stmt).slots;
}

/** The result columns of a SELECT list, `t[from…to)` split at its commas at depth 0. */
function resultColumns(t: SqlToken[], from: number, to: number): SqlToken[][] {
  const columns: SqlToken[][] = [[]];
  for (let i = from, depth = 0; i < to; i++) {
    if (isPunct(t[i], "(")) depth++;
    else if (isPunct(t[i], ")")) depth--;
    if (depth === 0 && isPunct(t[i], ",")) columns.push([]);
    else columns[columns.length - 1].push(t[i]);
  }
  return columns;
}

/** What workerd skips after a statement before deciding whether another one follows (`prepareSql`). */
const WORKERD_TAIL_SPACE = /^[ \t\n\r\v\f]*$/;

/**
 * Whether `statements` (`splitStatements(text)`, at least one) are the ones workerd runs. workerd
 * prepares one statement at a time and treats whatever follows it, once spaces are skipped, as
 * another statement: so `"SELECT 1; -- done"` or `"SELECT 1;;"` fail for a reason of their own.
 * Those, and leading `;`s, are not.
 */
export function splitsLikeWorkerd(text: string, statements: readonly SqlStatement[]): boolean {
  if (tokenizeSql(text.slice(0, statements[0].start)).length > 0) return false;
  for (let i = 0; i + 1 < statements.length; i++) {
    const gap = tokenizeSql(text.slice(statements[i].end, statements[i + 1].start));
    if (gap.length !== 1 || gap[0].text !== ";") return false;
  }
  const lastEnd = statements[statements.length - 1].end;
  const tail = tokenizeSql(text.slice(lastEnd));
  if (tail.length === 0) return true;
  if (tail.length > 1 || tail[0].text !== ";") return false;
  return WORKERD_TAIL_SPACE.test(text.slice(lastEnd + tail[0].end));
}

/** Words that end a WHERE clause at depth 0: those that end a FROM clause, but WHERE. */
const WHERE_END: ReadonlySet<string> = new Set([...FROM_END].filter((w) => w !== "WHERE"));

/** Words of an expression that are not names. */
const EXPRESSION_WORDS: ReadonlySet<string> = new Set(
  "AND OR NOT IS NULL IN LIKE GLOB REGEXP MATCH BETWEEN EXISTS ESCAPE COLLATE CASE WHEN THEN ELSE END TRUE FALSE CAST AS DISTINCT SELECT FROM WHERE".split(
    " ",
  ),
);

/**
 * Lower-cased names in `t[from…to)`, at any depth: the columns (and tables) an expression names.
 * Function names and the words of SQL's expression syntax are left out; any other word counts.
 */
function namesIn(t: SqlToken[], from: number, to: number): Set<string> {
  const out = new Set<string>();
  for (let i = from; i < to; i++) {
    const tok = t[i];
    if (tok.type === "quoted-identifier") out.add(tok.value.toLowerCase());
    else if (tok.type === "word" && !EXPRESSION_WORDS.has(tok.value) && !isPunct(t[i + 1], "(")) out.add(tok.text.toLowerCase());
  }
  return out;
}

/** The WHERE clause at depth 0 from `from` on: [first token, end), or undefined if there is none. */
function whereClause(t: SqlToken[], from: number): [number, number] | undefined {
  let start = -1;
  for (const i of topLevel(t, from)) {
    if (start < 0 && isWord(t[i], "WHERE")) start = i + 1;
    else if (start >= 0 && t[i].type === "word" && WHERE_END.has(t[i].value)) return [start, i];
  }
  return start < 0 ? undefined : [start, t.length];
}

/** A `SELECT`'s shape, for telling which columns a check on its rows tests. */
export interface SelectShape {
  /** Names of the result columns (lower-cased), or "*" when a `*` makes every column a result. */
  columns: ReadonlySet<string> | "*";
  /** Names in its WHERE clause (lower-cased; keywords too): what its rows were chosen by. */
  whereNames: ReadonlySet<string>;
}

/**
 * The result columns and WHERE names of a plain `SELECT … FROM …` (no `WITH`, no `${…}`); a result
 * column is named by `AS name`, or is a bare or qualified column. undefined for anything else.
 */
export function selectShape(stmt: SqlStatement): SelectShape | undefined {
  const t = stmt.tokens;
  if (!isWord(t[0], "SELECT") || t.some((tok) => tok.type === "dynamic")) return undefined;
  let from = -1;
  for (const i of topLevel(t, 1)) {
    if (isWord(t[i], "FROM")) {
      from = i;
      break;
    }
  }
  if (from < 0) return undefined;
  const names = new Set<string>();
  let star = false;
  for (const item of resultColumns(t, isWord(t[1], "DISTINCT") || isWord(t[1], "ALL") ? 2 : 1, from)) {
    const last = item[item.length - 1];
    if (isPunct(last, "*")) star = true;
    else if (!last || !(last.type === "word" || last.type === "quoted-identifier")) continue;
    else if (item.length === 1 || isWord(item[item.length - 2], "AS") || (item.length === 3 && isPunct(item[1], "."))) {
      names.add(last.value.toLowerCase());
    }
  }
  const where = whereClause(t, from);
  return { columns: star ? "*" : names, whereNames: where ? namesIn(t, where[0], where[1]) : new Set() };
}

/** What an `UPDATE`, `DELETE`, upsert or `REPLACE` changes, and which of its parameters choose the rows. */
export interface RowWrite {
  table: string;
  /** Columns it assigns (lower-cased): `SET` targets; "all" for a `DELETE` or a `REPLACE`, which change the whole row. */
  assigned: ReadonlySet<string> | "all";
  /** Names in its WHERE clause (lower-cased; keywords too): what it re-tests when it runs. */
  whereNames: ReadonlySet<string>;
  /** SQLite indexes of the parameters that appear only in the WHERE clause (they choose rows, they store nothing). */
  whereParams: ReadonlySet<number>;
}

/**
 * The shape of a row write without `WITH` or `${…}`: `UPDATE t SET … [WHERE …]`, `DELETE FROM t
 * [WHERE …]`, `INSERT … ON CONFLICT … DO UPDATE SET … [WHERE …]`, `INSERT OR REPLACE` / `REPLACE
 * INTO`. undefined for anything else.
 */
export function rowWrite(stmt: SqlStatement): RowWrite | undefined {
  const t = stmt.tokens;
  if (t.some((tok) => tok.type === "dynamic")) return undefined;
  const table = writtenTable(stmt);
  const kind = kindOf(t[0]);
  if (!table || !(kind === "update" || kind === "delete" || ((kind === "insert" || kind === "replace") && isUpsertOrReplace(stmt)))) {
    return undefined;
  }
  let setAt = -1;
  for (const i of topLevel(t, 1)) {
    if (isWord(t[i], "SET") && (kind === "update" || isWord(t[i - 1], "UPDATE"))) {
      setAt = i;
      break;
    }
  }
  let assigned: Set<string> | "all" = "all";
  let where: [number, number] | undefined;
  if (setAt >= 0) {
    assigned = new Set();
    let end = t.length;
    for (const i of topLevel(t, setAt + 1)) {
      if (t[i].type === "word" && (t[i].value === "FROM" || FROM_END.has(t[i].value))) {
        end = i;
        break;
      }
    }
    // `a = …, (b, c) = …`: the names before each item's first `=` at depth 0.
    let target = true;
    for (let i = setAt + 1, depth = 0; i < end; i++) {
      if (isPunct(t[i], "(")) depth++;
      else if (isPunct(t[i], ")")) depth--;
      else if (depth === 0 && isPunct(t[i], ",")) target = true;
      else if (depth === 0 && isPunct(t[i], "=")) target = false;
      else if (target && (t[i].type === "word" || t[i].type === "quoted-identifier")) assigned.add(t[i].value.toLowerCase());
    }
    where = whereClause(t, end);
  } else if (kind === "delete") {
    where = whereClause(t, 1);
  }
  // Parameters numbered as SQLite does (see parameterInfo); one used outside the WHERE stores a value.
  const inWhere = new Map<number, boolean>();
  const namedIndex = new Map<string, number>();
  let slots = 0;
  t.forEach((tok, i) => {
    if (tok.type !== "param") return;
    let index = namedIndex.get(tok.text);
    if (index === undefined) {
      index = tok.text[0] !== "?" ? slots + 1 : tok.text.length > 1 ? Number(tok.text.slice(1)) : slots + 1;
      if (tok.text[0] !== "?") namedIndex.set(tok.text, index);
      slots = Math.max(slots, index);
    }
    const w = where !== undefined && i >= where[0] && i < where[1];
    inWhere.set(index, (inWhere.get(index) ?? true) && w);
  });
  const whereParams = new Set<number>();
  for (const [index, w] of inWhere) if (w) whereParams.add(index);
  return { table, assigned, whereNames: where ? namesIn(t, where[0], where[1]) : new Set(), whereParams };
}

/** The most bytes a LIKE or GLOB pattern may have on Durable Object SQLite (measured: 51 throws "LIKE or GLOB pattern too complex"). */
export const MAX_PATTERN_BYTES = 50;
/** The most parameters a statement may have on Durable Object SQLite (measured: 101 throws "too many SQL variables"). */
export const MAX_PARAMETERS = 100;
/** The most bytes of SQL text one `exec()` may pass (measured: 100,001 throws "statement too long: SQLITE_TOOBIG"). */
export const MAX_SQL_BYTES = 100_000;

const UTF8 = new TextEncoder();
/** UTF-8 length of `text`. */
export const utf8Length = (text: string): number => UTF8.encode(text).length;

/**
 * The string literals a statement uses as LIKE or GLOB patterns: right after `LIKE` / `GLOB`
 * (`NOT LIKE` too), and the first argument of `like(…)` / `glob(…)`.
 */
export function patternLiterals(stmt: SqlStatement): { operator: "LIKE" | "GLOB"; token: SqlToken }[] {
  const t = stmt.tokens;
  const out: { operator: "LIKE" | "GLOB"; token: SqlToken }[] = [];
  for (let i = 0; i < t.length; i++) {
    const tok = t[i];
    if (tok.type !== "word" || (tok.value !== "LIKE" && tok.value !== "GLOB")) continue;
    const operator = tok.value;
    if (t[i + 1]?.type === "string") out.push({ operator, token: t[i + 1] });
    else if (isPunct(t[i + 1], "(") && t[i + 2]?.type === "string" && isPunct(t[i + 3], ",")) out.push({ operator, token: t[i + 2] });
  }
  return out;
}
