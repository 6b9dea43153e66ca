import { describe, it, expect } from "vitest";
import {
  alwaysOneRow,
  bindParameterCount,
  DYNAMIC,
  isUpsertOrReplace,
  mainVerb,
  mainVerbIndex,
  parameterInfo,
  pragmaInfo,
  readTables,
  rowWrite,
  selectShape,
  splitStatements,
  splitsLikeWorkerd,
  statementKind,
  tokenizeSql,
  writtenTable,
} from "../../src/analysis/sql.js";
import type { SqlStatement } from "../../src/analysis/sql.js";

/** [type, value] pairs of every token. */
const tv = (text: string): [string, string][] => tokenizeSql(text).map((t) => [t.type, t.value]);

/** The single statement of `text`. */
function one(text: string): SqlStatement {
  const stmts = splitStatements(text);
  expect(stmts).toHaveLength(1);
  return stmts[0];
}

const kinds = (text: string): string[] => splitStatements(text).map(statementKind);
const texts = (text: string): string[] => splitStatements(text).map((s) => text.slice(s.start, s.end));

describe("tokenizeSql", () => {
  it("returns [] for empty or blank text", () => {
    expect(tokenizeSql("")).toEqual([]);
    expect(tokenizeSql("  \n\t -- only a comment")).toEqual([]);
    expect(splitStatements("")).toEqual([]);
    expect(splitStatements(" ;; ; /* x */ ;")).toEqual([]);
  });

  it("records text, value and offsets", () => {
    expect(tokenizeSql("select a")).toEqual([
      { type: "word", text: "select", value: "SELECT", start: 0, end: 6 },
      { type: "word", text: "a", value: "A", start: 7, end: 8 },
    ]);
  });

  it("tokenizes strings, blobs and quoted identifiers", () => {
    expect(tv(`'it''s' X'0aFF' x'' "a""b" [x y] \`c\`\`d\``)).toEqual([
      ["string", "it's"],
      ["blob", "X'0aFF'"],
      ["blob", "x''"],
      ["quoted-identifier", 'a"b'],
      ["quoted-identifier", "x y"],
      ["quoted-identifier", "c`d"],
    ]);
    const [str] = tokenizeSql("'it''s'");
    expect(str.text).toBe("'it''s'");
  });

  it("tokenizes numbers", () => {
    expect(tv("1 1.5 .5 1. 1e10 2E-3 0x1F 7e")).toEqual([
      ["number", "1"],
      ["number", "1.5"],
      ["number", ".5"],
      ["number", "1."],
      ["number", "1e10"],
      ["number", "2E-3"],
      ["number", "0x1F"],
      ["number", "7"],
      ["word", "E"],
    ]);
  });

  it("tokenizes words, including $ and non-ASCII letters", () => {
    expect(tv("a$b _x9 café 名前")).toEqual([
      ["word", "A$B"],
      ["word", "_X9"],
      ["word", "CAFÉ"],
      ["word", "名前"],
    ]);
  });

  it("tells letters, digits, marks and white space apart beyond ASCII too", () => {
    // Unicode white space separates words; a digit or a combining mark continues a word but does not start one.
    expect(tv("a\u3000b\u2028c\ufeffd\u00a0e")).toEqual([
      ["word", "A"],
      ["word", "B"],
      ["word", "C"],
      ["word", "D"],
      ["word", "E"],
    ]);
    expect(tv("x\u0663 e\u0301 \u0301")).toEqual([
      ["word", "X\u0663"],
      ["word", "E\u0301"],
      ["punct", "\u0301"],
    ]);
    // A letter outside the Basic Multilingual Plane is one character of a word; an emoji or a lone surrogate is punctuation.
    expect(tv("\u{10400}x 😀 \ud800")).toEqual([
      ["word", "\u{10400}X"],
      ["punct", "😀"],
      ["punct", "\ud800"],
    ]);
  });

  it("tokenizes parameters", () => {
    expect(tv("? ?12 :name @n1 $v :")).toEqual([
      ["param", "?"],
      ["param", "?12"],
      ["param", ":name"],
      ["param", "@n1"],
      ["param", "$v"],
      ["punct", ":"],
    ]);
  });

  it("tokenizes multi-character operators as one token", () => {
    expect(tv("a||b<=c>=d<>e!=f==g<<h>>i->j->>k<l=m.n,(o)*p-q/r").filter(([t]) => t === "punct")).toEqual(
      ["||", "<=", ">=", "<>", "!=", "==", "<<", ">>", "->", "->>", "<", "=", ".", ",", "(", ")", "*", "-", "/"].map((p) => ["punct", p]),
    );
  });

  it("skips comments", () => {
    expect(tv("a -- BEGIN\nb /* COMMIT */ c/**/d")).toEqual([
      ["word", "A"],
      ["word", "B"],
      ["word", "C"],
      ["word", "D"],
    ]);
  });

  it("turns the DYNAMIC placeholder into a token, except inside strings and identifiers", () => {
    expect(DYNAMIC).toBe("\uE000");
    expect(tv(`SELECT * FROM ${DYNAMIC} WHERE a = '${DYNAMIC}' AND "${DYNAMIC}"`)).toEqual([
      ["word", "SELECT"],
      ["punct", "*"],
      ["word", "FROM"],
      ["dynamic", DYNAMIC],
      ["word", "WHERE"],
      ["word", "A"],
      ["punct", "="],
      ["string", DYNAMIC],
      ["word", "AND"],
      ["quoted-identifier", DYNAMIC],
    ]);
    expect(tv(`t_${DYNAMIC}x`)).toEqual([
      ["word", "T_"],
      ["dynamic", DYNAMIC],
      ["word", "X"],
    ]);
  });

  it("never throws on unterminated strings, comments or identifiers", () => {
    expect(tv("SELECT 'abc; COMMIT")).toEqual([
      ["word", "SELECT"],
      ["string", "abc; COMMIT"],
    ]);
    expect(tv("a /* b")).toEqual([["word", "A"]]);
    expect(tv('"abc')).toEqual([["quoted-identifier", "abc"]]);
    expect(tv("[abc")).toEqual([["quoted-identifier", "abc"]]);
    expect(tv("X'00")).toEqual([["blob", "X'00"]]);
    expect(kinds("SELECT 'x; BEGIN")).toEqual(["select"]);
  });
});

describe("splitStatements", () => {
  it("splits on top-level semicolons only", () => {
    const text = "INSERT INTO t VALUES ('a;b'); SELECT \"x;y\" -- ;\n FROM t /* ; */;  ;UPDATE t SET a = 1";
    expect(texts(text)).toEqual(["INSERT INTO t VALUES ('a;b')", 'SELECT "x;y" -- ;\n FROM t', "UPDATE t SET a = 1"]);
    expect(kinds(text)).toEqual(["insert", "select", "update"]);
  });

  it("excludes the terminating semicolon and comments from tokens", () => {
    const [s] = splitStatements("  /* c */ SELECT 1 ; ");
    expect(s.tokens.map((t) => t.text)).toEqual(["SELECT", "1"]);
    expect(s.start).toBe(10);
    expect(s.end).toBe(18);
  });

  it("keeps a CREATE TRIGGER with a CASE in its body as one statement", () => {
    const text =
      "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE x SET n = CASE WHEN 1 THEN 2 END; INSERT INTO y VALUES (1); END; SELECT 1";
    expect(texts(text)).toEqual([
      "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE x SET n = CASE WHEN 1 THEN 2 END; INSERT INTO y VALUES (1); END",
      "SELECT 1",
    ]);
    expect(kinds(text)).toEqual(["create", "select"]);
  });

  it("handles TEMP triggers, WHEN clauses with CASE, and keywords in trigger strings", () => {
    const text =
      "create temp trigger if not exists tr before delete on t when case when old.a then 1 end " +
      "begin select 'end;'; delete from u; end;COMMIT";
    expect(kinds(text)).toEqual(["create", "commit"]);
    expect(kinds("CREATE TEMPORARY TRIGGER tr AFTER UPDATE ON t BEGIN SELECT 1; END; BEGIN")).toEqual(["create", "begin"]);
  });

  it("does not treat non-trigger CREATE statements as having a body", () => {
    expect(kinds("CREATE TABLE trigger_log (a); BEGIN; SELECT 1; END")).toEqual(["create", "begin", "select", "end"]);
  });
});

describe("statementKind and mainVerb", () => {
  it("classifies transaction statements", () => {
    expect(kinds("BEGIN TRANSACTION; COMMIT")).toEqual(["begin", "commit"]);
    expect(kinds("begin immediate; END TRANSACTION; rollback; ROLLBACK TO sp; SAVEPOINT a; RELEASE a")).toEqual([
      "begin",
      "end",
      "rollback",
      "rollback",
      "savepoint",
      "release",
    ]);
  });

  it("does not see keywords inside strings, comments or quoted identifiers", () => {
    const text = "SELECT 'BEGIN; COMMIT' AS \"commit\", [begin] -- ; COMMIT\n FROM `end` /* ; BEGIN */";
    expect(kinds(text)).toEqual(["select"]);
    expect(kinds("INSERT INTO log VALUES ('PRAGMA user_version = 2')")).toEqual(["insert"]);
  });

  it("classifies other statements", () => {
    expect(
      kinds(
        "pragma x; replace into t values (1); delete from t; drop table t; alter table t add c; attach 'f' as d; " +
          "detach d; values (1); explain select 1; vacuum; analyze; reindex; (select 1); 1",
      ),
    ).toEqual([
      "pragma",
      "replace",
      "delete",
      "drop",
      "alter",
      "attach",
      "detach",
      "values",
      "explain",
      "vacuum",
      "analyze",
      "reindex",
      "other",
      "other",
    ]);
  });

  it("finds the real verb after a CTE list", () => {
    const s = one("WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM x), y AS MATERIALIZED (VALUES (2)) DELETE FROM t");
    expect(statementKind(s)).toBe("with");
    expect(mainVerb(s)).toBe("delete");
    expect(s.tokens[mainVerbIndex(s)].text).toBe("DELETE");
    expect(mainVerb(one("WITH x AS (SELECT 1)"))).toBe("with");
    expect(mainVerb(one("SELECT 1"))).toBe("select");
  });
});

describe("pragmaInfo", () => {
  it("reads the read form regardless of case and spacing", () => {
    const info = pragmaInfo(one("PRAGMA user_version"));
    expect(info).toEqual({
      schema: undefined,
      name: "user_version",
      nameToken: { type: "word", text: "user_version", value: "USER_VERSION", start: 7, end: 19 },
      form: "read",
      valueTokens: [],
    });
    expect(pragmaInfo(one("pragma  USER_VERSION"))).toMatchObject({ name: "user_version", form: "read" });
  });

  it("reads schema-qualified assignments", () => {
    const info = pragmaInfo(one("PRAGMA main.user_version = 3"));
    expect(info).toMatchObject({ schema: "main", name: "user_version", form: "assign" });
    expect(info?.valueTokens.map((t) => [t.type, t.text])).toEqual([["number", "3"]]);
    expect(pragmaInfo(one(`PRAGMA ${DYNAMIC}.user_version`))).toMatchObject({ schema: DYNAMIC, name: "user_version" });
  });

  it("unquotes quoted pragma names", () => {
    expect(pragmaInfo(one('PRAGMA "user_version"'))).toMatchObject({ name: "user_version", form: "read" });
    expect(pragmaInfo(one('PRAGMA "user_version"'))?.nameToken.type).toBe("quoted-identifier");
  });

  it("reads the call form", () => {
    const info = pragmaInfo(one("PRAGMA user_version(4)"));
    expect(info).toMatchObject({ name: "user_version", form: "call" });
    expect(info?.valueTokens.map((t) => t.text)).toEqual(["4"]);
    const ti = pragmaInfo(one("PRAGMA table_info('t')"));
    expect(ti).toMatchObject({ schema: undefined, name: "table_info", form: "call" });
    expect(ti?.valueTokens.map((t) => [t.type, t.value])).toEqual([["string", "t"]]);
  });

  it("keeps dynamic, parameter and signed values", () => {
    const dyn = pragmaInfo(one(`PRAGMA user_version = ${DYNAMIC}`));
    expect(dyn).toMatchObject({ name: "user_version", form: "assign" });
    expect(dyn?.valueTokens.map((t) => t.type)).toEqual(["dynamic"]);
    expect(pragmaInfo(one("PRAGMA user_version = ?"))?.valueTokens.map((t) => t.type)).toEqual(["param"]);
    expect(pragmaInfo(one("PRAGMA cache_size = -2000"))?.valueTokens.map((t) => t.text)).toEqual(["-", "2000"]);
  });

  it("returns undefined for non-pragmas, malformed pragmas and dynamic names", () => {
    expect(pragmaInfo(one("SELECT 1"))).toBeUndefined();
    expect(pragmaInfo(one("PRAGMA"))).toBeUndefined();
    expect(pragmaInfo(one("PRAGMA user_version ="))).toBeUndefined();
    expect(pragmaInfo(one("PRAGMA user_version()"))).toBeUndefined();
    expect(pragmaInfo(one("PRAGMA user_version 3"))).toBeUndefined();
    expect(pragmaInfo(one(`PRAGMA ${DYNAMIC}`))).toBeUndefined();
    expect(pragmaInfo(one(`PRAGMA user_${DYNAMIC}`))).toBeUndefined();
  });

  it("finds a PRAGMA among several statements", () => {
    const stmts = splitStatements("SELECT 'PRAGMA user_version'; PRAGMA user_version = 2;");
    expect(stmts.map((s) => pragmaInfo(s)?.name)).toEqual([undefined, "user_version"]);
  });
});

describe("writtenTable", () => {
  const wt = (text: string): string | undefined => writtenTable(one(text));

  it("reads the target of INSERT/REPLACE/UPDATE/DELETE/CREATE TABLE", () => {
    expect(wt('INSERT OR REPLACE INTO "Counts" (k, n) VALUES (?, ?)')).toBe("counts");
    expect(wt("insert into Log values (1)")).toBe("log");
    expect(wt("REPLACE INTO [t] VALUES (1)")).toBe("t");
    expect(wt("UPDATE main.c SET n = n + 1")).toBe("c");
    expect(wt("UPDATE OR IGNORE c SET n = 1")).toBe("c");
    expect(wt("DELETE FROM `items` WHERE id = ?")).toBe("items");
    expect(wt("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v)")).toBe("kv");
    expect(wt("CREATE TEMP TABLE t2 AS SELECT 1")).toBe("t2");
  });

  it("looks after the CTE list for WITH statements", () => {
    expect(wt("WITH x AS (SELECT * FROM a) UPDATE b SET n = (SELECT count(*) FROM x)")).toBe("b");
    expect(wt("WITH x AS (SELECT 1) INSERT INTO c SELECT * FROM x")).toBe("c");
  });

  it("returns undefined for dynamic or absent targets", () => {
    expect(wt(`INSERT INTO ${DYNAMIC} VALUES (1)`)).toBeUndefined();
    expect(wt(`UPDATE main.${DYNAMIC} SET a = 1`)).toBeUndefined();
    expect(wt(`DELETE FROM t_${DYNAMIC}`)).toBeUndefined();
    expect(wt(`DELETE FROM "${DYNAMIC}"`)).toBeUndefined();
    expect(wt("SELECT * FROM t")).toBeUndefined();
    expect(wt("CREATE INDEX i ON t (a)")).toBeUndefined();
    expect(wt("DELETE t")).toBeUndefined();
    expect(wt("INSERT INTO")).toBeUndefined();
  });
});

describe("readTables", () => {
  const rt = (text: string): string[] | undefined => readTables(one(text));

  it("reads FROM and JOIN tables at depth 0 only", () => {
    expect(rt("SELECT a.x, b.y FROM a JOIN b ON a.id = b.id WHERE x IN (SELECT y FROM c)")).toEqual(["a", "b"]);
    expect(rt('SELECT * FROM main.A AS x, "B" y LEFT OUTER JOIN c USING (id) ORDER BY 1, 2')).toEqual(["a", "b", "c"]);
    expect(rt("SELECT * FROM a UNION SELECT * FROM b, a")).toEqual(["a", "b"]);
  });

  it("skips subqueries, table-valued functions, CTE names and IS DISTINCT FROM", () => {
    expect(rt("SELECT * FROM (SELECT * FROM a) s, json_each(?) j JOIN t")).toEqual(["t"]);
    expect(rt("WITH x AS (SELECT * FROM a) SELECT * FROM x JOIN b")).toEqual(["b"]);
    expect(rt("SELECT * FROM t WHERE a IS NOT DISTINCT FROM b")).toEqual(["t"]);
  });

  it("returns [] with no tables and undefined for dynamic tables or non-SELECTs", () => {
    expect(rt("SELECT 1")).toEqual([]);
    expect(rt(`SELECT * FROM a JOIN ${DYNAMIC}`)).toBeUndefined();
    expect(rt(`SELECT * FROM ${DYNAMIC}_t`)).toBeUndefined();
    expect(rt("UPDATE t SET a = 1")).toBeUndefined();
    expect(rt("WITH x AS (SELECT 1) DELETE FROM t")).toBeUndefined();
  });
});

describe("isUpsertOrReplace", () => {
  const up = (text: string): boolean => isUpsertOrReplace(one(text));

  it("detects replace and upsert forms", () => {
    expect(up("INSERT OR REPLACE INTO t VALUES (1)")).toBe(true);
    expect(up("replace into t values (1)")).toBe(true);
    expect(up("INSERT INTO t (k, n) VALUES (?, 1) ON CONFLICT (k) DO UPDATE SET n = n + 1")).toBe(true);
    expect(up("WITH x AS (SELECT 1) REPLACE INTO t SELECT * FROM x")).toBe(true);
  });

  it("rejects other statements", () => {
    expect(up("INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING")).toBe(false);
    expect(up("INSERT OR IGNORE INTO t VALUES ('DO UPDATE')")).toBe(false);
    expect(up("UPDATE t SET a = replace(a, 'x', 'y')")).toBe(false);
    expect(up("SELECT 1")).toBe(false);
  });
});

describe("parameterInfo", () => {
  const pi = (text: string) => parameterInfo(one(text));

  it("counts positional parameters by SQLite rules", () => {
    expect(pi("SELECT ?, ?")).toEqual({ count: 2, named: [], hasNumbered: false, slots: 2 });
    expect(pi("SELECT ?3, ?")).toEqual({ count: 4, named: [], hasNumbered: true, slots: 4 });
    expect(pi("SELECT ?2, ?1")).toEqual({ count: 2, named: [], hasNumbered: true, slots: 2 });
    expect(pi("SELECT 1")).toEqual({ count: 0, named: [], hasNumbered: false, slots: 0 });
  });

  it("lists distinct named parameters in order", () => {
    expect(pi("SELECT :a, @b, $c, :a WHERE x = '?'")).toEqual({
      count: 0,
      named: [":a", "@b", "$c"],
      hasNumbered: false,
      slots: 3,
    });
    expect(pi("SELECT :a, ?")).toEqual({ count: 2, named: [":a"], hasNumbered: false, slots: 2 });
  });

  it("ignores ? inside strings, comments and quoted identifiers", () => {
    expect(pi("SELECT '?', \"?\" /* ? */ -- ?\n, ?")).toMatchObject({ count: 1 });
  });
});

describe("robustness", () => {
  it("tokenizes any text without throwing, with ordered in-range offsets", () => {
    const alphabet = [
      "a",
      "Z",
      "_",
      "$",
      "1",
      ".",
      "e",
      "x",
      "'",
      '"',
      "`",
      "[",
      "]",
      "-",
      "/",
      "*",
      ";",
      "?",
      ":",
      "@",
      "(",
      ")",
      " ",
      "\n",
      "<",
      ">",
      "=",
      "|",
      "é",
      "😀",
      "\u00a0",
      DYNAMIC,
      "\\",
    ];
    let seed = 42;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let round = 0; round < 500; round++) {
      let text = "";
      for (let k = Math.floor(rand() * 40); k > 0; k--) text += alphabet[Math.floor(rand() * alphabet.length)];
      const tokens = tokenizeSql(text);
      let last = 0;
      for (const t of tokens) {
        expect(t.start).toBeGreaterThanOrEqual(last);
        expect(t.end).toBeGreaterThan(t.start);
        expect(text.slice(t.start, t.end)).toBe(t.text);
        last = t.end;
      }
      expect(last).toBeLessThanOrEqual(text.length);
      for (const s of splitStatements(text)) {
        expect(() => [statementKind(s), mainVerb(s), pragmaInfo(s), writtenTable(s), readTables(s)]).not.toThrow();
        expect(() => [isUpsertOrReplace(s), parameterInfo(s)]).not.toThrow();
      }
    }
  });

  it("treats non-letter astral characters as single punctuation tokens", () => {
    expect(tv("a😀b")).toEqual([
      ["word", "A"],
      ["punct", "😀"],
      ["word", "B"],
    ]);
  });
});

describe("alwaysOneRow", () => {
  const one = (sql: string) => alwaysOneRow(splitStatements(sql)[0]);
  it("aggregates without GROUP BY, expressions without FROM, single-row INSERT … RETURNING", () => {
    expect(one("SELECT COUNT(*) AS n FROM t WHERE a = ?")).toBe(true);
    expect(one("SELECT COALESCE(MAX(id), 0) AS version FROM _sql_schema_migrations")).toBe(true);
    expect(one("select sum(x), max(y) from t")).toBe(true);
    expect(one("SELECT 1 AS x, (SELECT y FROM t) AS y")).toBe(true);
    expect(one("INSERT INTO t (a) VALUES (?) RETURNING id")).toBe(true);
    expect(one("INSERT INTO t (a) VALUES (?) ON CONFLICT (a) DO UPDATE SET a = excluded.a RETURNING id")).toBe(true);
  });
  it("anything that can give zero rows or several", () => {
    expect(one("SELECT n FROM t WHERE id = ?")).toBe(false);
    expect(one("SELECT COUNT(*) FROM t GROUP BY a")).toBe(false);
    expect(one("SELECT COUNT(*) FROM t LIMIT 0")).toBe(false);
    expect(one("SELECT MAX(a), b FROM t")).toBe(false);
    expect(one("SELECT 1 WHERE 0")).toBe(false);
    expect(one("SELECT COUNT(*) FROM a UNION SELECT COUNT(*) FROM b")).toBe(false);
    expect(one("WITH x AS (SELECT 1) SELECT COUNT(*) FROM x")).toBe(false);
    expect(one("INSERT OR IGNORE INTO t (a) VALUES (?) RETURNING id")).toBe(false);
    expect(one("INSERT INTO t (a) VALUES (?) ON CONFLICT DO NOTHING RETURNING id")).toBe(false);
    expect(one("INSERT INTO t (a) VALUES (?), (?) RETURNING id")).toBe(false);
    expect(one("INSERT INTO t (a) SELECT a FROM u RETURNING id")).toBe(false);
    expect(one("PRAGMA user_version")).toBe(false);
    expect(one("SELECT COUNT(*) FROM \uE000")).toBe(false);
  });
});

describe("bindParameterCount", () => {
  const count = (text: string) => bindParameterCount(one(text));
  it("counts SQLite's slots: bare `?`, `?NNN` and each distinct name", () => {
    expect(count("SELECT ?, ?")).toBe(2);
    expect(count("SELECT ?3")).toBe(3);
    expect(count("SELECT :a, :a, @b")).toBe(2);
    expect(count("SELECT 1")).toBe(0);
  });
  it("is undefined where SQLite may count otherwise", () => {
    expect(count("SELECT ?0")).toBeUndefined();
    expect(count("SELECT ?32767")).toBeUndefined();
    expect(count("SELECT $a::b")).toBeUndefined();
    expect(count("SELECT $a(x)")).toBeUndefined();
    expect(count("SELECT #a")).toBeUndefined();
  });
});

describe("splitsLikeWorkerd", () => {
  const splits = (text: string) => splitsLikeWorkerd(text, splitStatements(text));
  it("accepts statements separated by one `;`, with an optional last `;` and spaces", () => {
    expect(splits("SELECT 1")).toBe(true);
    expect(splits("SELECT 1; SELECT 2;\n  ")).toBe(true);
  });
  it("rejects what workerd would prepare as one more statement", () => {
    expect(splits("SELECT 1; -- done")).toBe(false);
    expect(splits("SELECT 1;;")).toBe(false);
    expect(splits("; SELECT 1")).toBe(false);
    expect(splits("SELECT 1;; SELECT 2")).toBe(false);
  });
});

describe("selectShape", () => {
  const shape = (text: string) => {
    const r = selectShape(one(text));
    return r && { columns: r.columns === "*" ? "*" : [...r.columns], whereNames: [...r.whereNames] };
  };

  it("names the result columns: bare, qualified and aliased; a `*` makes every column one", () => {
    expect(shape("SELECT id, t.n, count(*) AS total, n + 1 FROM t WHERE full = 0 AND region = ? LIMIT 1")).toEqual({
      columns: ["id", "n", "total"],
      whereNames: ["full", "region"],
    });
    expect(shape("SELECT DISTINCT * FROM t")).toEqual({ columns: "*", whereNames: [] });
  });

  it("leaves out of the WHERE names the words of SQL's expression syntax and function names", () => {
    expect(shape("SELECT id FROM t WHERE status IS NOT NULL AND lower(name) LIKE ? ORDER BY id")?.whereNames).toEqual(["status", "name"]);
  });

  it("gives nothing for a statement it cannot read whole", () => {
    expect(selectShape(one("WITH x AS (SELECT 1) SELECT * FROM x"))).toBeUndefined();
    expect(selectShape(one(`SELECT id FROM ${DYNAMIC}`))).toBeUndefined();
    expect(selectShape(one("SELECT 1"))).toBeUndefined();
    expect(selectShape(one("UPDATE t SET a = 1"))).toBeUndefined();
  });
});

describe("rowWrite", () => {
  const rw = (text: string) => {
    const r = rowWrite(one(text));
    return (
      r && {
        table: r.table,
        assigned: r.assigned === "all" ? "all" : [...r.assigned],
        whereNames: [...r.whereNames],
        whereParams: [...r.whereParams],
      }
    );
  };

  it("reads an UPDATE's SET targets, WHERE names, and which parameters only choose rows", () => {
    expect(rw("UPDATE teams SET full = 1, n = n + ? WHERE id = ? AND full = 0")).toEqual({
      table: "teams",
      assigned: ["full", "n"],
      whereNames: ["id", "full"],
      whereParams: [2],
    });
    expect(rw("UPDATE OR IGNORE t SET (a, b) = (?, ?), c = CASE WHEN d = 1 THEN 2 ELSE 3 END WHERE id = ?3 RETURNING a")).toEqual({
      table: "t",
      assigned: ["a", "b", "c"],
      whereNames: ["id"],
      whereParams: [3],
    });
  });

  it("counts a parameter used both in SET and WHERE as a stored value", () => {
    expect(rw("UPDATE t SET a = :v WHERE a <> :v AND id = :id")?.whereParams).toEqual([2]);
  });

  it("changes the whole row for DELETE and REPLACE; an upsert assigns its DO UPDATE SET columns", () => {
    expect(rw("DELETE FROM sessions WHERE expires < ?")).toEqual({
      table: "sessions",
      assigned: "all",
      whereNames: ["expires"],
      whereParams: [1],
    });
    expect(rw("REPLACE INTO t (id, v) VALUES (?, ?)")).toEqual({ table: "t", assigned: "all", whereNames: [], whereParams: [] });
    expect(rw("INSERT INTO t (id, n) VALUES (?, 1) ON CONFLICT (id) DO UPDATE SET n = n + 1 WHERE n < 10")).toEqual({
      table: "t",
      assigned: ["n"],
      whereNames: ["n"],
      whereParams: [],
    });
  });

  it("gives nothing for a plain INSERT, a SELECT, a WITH or a statement with `${…}`", () => {
    expect(rowWrite(one("INSERT INTO t (a) VALUES (?)"))).toBeUndefined();
    expect(rowWrite(one("SELECT * FROM t"))).toBeUndefined();
    expect(rowWrite(one("WITH x AS (SELECT 1) UPDATE t SET a = 1"))).toBeUndefined();
    expect(rowWrite(one(`UPDATE t SET ${DYNAMIC} = ? WHERE id = ?`))).toBeUndefined();
  });
});
