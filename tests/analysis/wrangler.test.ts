import { describe, it, expect, beforeEach, afterEach } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  clearWranglerCache,
  compatibilityFor,
  describeSection,
  isCalendarDate,
  isOnOrAfter,
  parseCompatibility,
  wranglerCacheSize,
} from "../../src/analysis/wrangler.js";

const UNKNOWN = { date: undefined, env: undefined, flags: [], configPath: undefined, ignoredPath: undefined };

let tmp: string;

beforeEach(() => {
  clearWranglerCache();
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "wrangler-test-")));
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  clearWranglerCache();
});

/** Writes `text` to tmp-relative `rel`, creating directories; returns the absolute path. */
function write(rel: string, text: string | Buffer): string {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe("parseCompatibility", () => {
  it("parses TOML", () => {
    const toml = `name = "w"\ncompatibility_date = "2024-09-23"\ncompatibility_flags = ["nodejs_compat", "a_flag"]\n`;
    expect(parseCompatibility(toml, "toml")).toEqual({ date: "2024-09-23", flags: ["a_flag", "nodejs_compat"] });
  });

  it("parses JSON", () => {
    const json = JSON.stringify({ compatibility_date: "2023-01-01", compatibility_flags: ["x"] });
    expect(parseCompatibility(json, "json")).toEqual({ date: "2023-01-01", flags: ["x"] });
  });

  it("parses JSONC with comments, trailing commas and a BOM", () => {
    const jsonc = `\uFEFF{
      // line comment
      "compatibility_date": "2025-04-01", /* block */
      "compatibility_flags": ["nodejs_compat",],
    }`;
    expect(parseCompatibility(jsonc, "json")).toEqual({ date: "2025-04-01", flags: ["nodejs_compat"] });
  });

  it("returns undefined for malformed or non-object input", () => {
    expect(parseCompatibility("compatibility_date = ", "toml")).toBeUndefined();
    expect(parseCompatibility('{ "compatibility_date": ', "json")).toBeUndefined();
    expect(parseCompatibility("", "json")).toBeUndefined();
    expect(parseCompatibility("null", "json")).toBeUndefined();
    expect(parseCompatibility("[1, 2]", "json")).toBeUndefined();
    expect(parseCompatibility('"2024-01-01"', "json")).toBeUndefined();
    expect(parseCompatibility("\u0000\u00ff\u0001binary", "toml")).toBeUndefined();
  });

  it("treats a missing, non-string or badly formatted date as unknown", () => {
    expect(parseCompatibility(`compatibility_flags = ["a"]`, "toml")).toEqual({ date: undefined, flags: ["a"] });
    expect(parseCompatibility(`compatibility_date = 2024-01-01`, "toml")?.date).toBeUndefined(); // TOML date, not a string
    expect(parseCompatibility(`{"compatibility_date": 20240101}`, "json")?.date).toBeUndefined();
    expect(parseCompatibility(`{"compatibility_date": "2024-1-1"}`, "json")?.date).toBeUndefined();
    expect(parseCompatibility(`{}`, "json")).toEqual({ date: undefined, flags: [] });
  });

  it("ignores non-string flags and non-array flag values", () => {
    expect(parseCompatibility(`{"compatibility_flags": ["b", 1, null, {"x": 1}, "a", "b"]}`, "json")?.flags).toEqual(["a", "b"]);
    expect(parseCompatibility(`{"compatibility_flags": "nodejs_compat"}`, "json")?.flags).toEqual([]);
  });

  it("combines environments: oldest date, intersected flags, inheritance", () => {
    const toml = `
compatibility_date = "2024-06-01"
compatibility_flags = ["nodejs_compat", "top_only"]

[env.staging]
compatibility_date = "2023-03-15"
compatibility_flags = ["nodejs_compat", "staging_only"]

[env.production]
# inherits both date and flags from the top level
name = "prod"
`;
    expect(parseCompatibility(toml, "toml")).toStrictEqual({ date: "2023-03-15", env: "staging", flags: ["nodejs_compat"] });

    const json = JSON.stringify({
      compatibility_date: "2024-06-01",
      compatibility_flags: ["nodejs_compat", "a"],
      env: { staging: { compatibility_date: "2025-01-01" }, dev: { compatibility_flags: ["a", "nodejs_compat", "b"] } },
    });
    // staging inherits the top-level flags; dev inherits the top-level date, which is the oldest.
    expect(parseCompatibility(json, "json")).toStrictEqual({ date: "2024-06-01", env: undefined, flags: ["a", "nodejs_compat"] });
  });

  it("names the section whose date applies: the top level on a tie, or when an environment inherits it", () => {
    const tie = `compatibility_date = "2025-06-01"\n[env.staging]\ncompatibility_date = "2025-06-01"\n`;
    expect(parseCompatibility(tie, "toml")).toStrictEqual({ date: "2025-06-01", env: undefined, flags: [] });
    const issue = `compatibility_date = "2026-05-01"\n[env.staging]\ncompatibility_date = "2025-06-01"\n[env.production]\nname = "p"\n`;
    expect(parseCompatibility(issue, "toml")).toStrictEqual({ date: "2025-06-01", env: "staging", flags: [] });
  });

  it("names the first section without a valid date when the date is unknown", () => {
    expect(parseCompatibility(`[env.staging]\ncompatibility_date = "2024-01-01"\n`, "toml")).toStrictEqual({
      date: undefined,
      env: undefined,
      flags: [],
    });
    const badEnv = JSON.stringify({ compatibility_date: "2024-01-01", env: { a: {}, b: { compatibility_date: "2025-13-45" } } });
    expect(parseCompatibility(badEnv, "json")).toStrictEqual({ date: undefined, env: "b", flags: [] });
  });

  it("takes only days of the calendar as dates", () => {
    expect(parseCompatibility(`compatibility_date = "2099-99-99"`, "toml")?.date).toBeUndefined();
    expect(parseCompatibility(`compatibility_date = "2025-02-29"`, "toml")?.date).toBeUndefined();
    expect(parseCompatibility(`compatibility_date = "2024-02-29"`, "toml")?.date).toBe("2024-02-29");
  });

  it("makes the date unknown when any effective date is missing or invalid", () => {
    const noTopDate = `[env.staging]\ncompatibility_date = "2024-01-01"\n`;
    expect(parseCompatibility(noTopDate, "toml")?.date).toBeUndefined();
    const badEnvDate = JSON.stringify({ compatibility_date: "2024-01-01", env: { x: { compatibility_date: "soon" } } });
    expect(parseCompatibility(badEnvDate, "json")?.date).toBeUndefined();
  });

  it("gives an environment with explicitly empty or invalid flags no flags", () => {
    const json = JSON.stringify({ compatibility_flags: ["a"], env: { x: { compatibility_flags: [] } } });
    expect(parseCompatibility(json, "json")?.flags).toEqual([]);
    const bad = JSON.stringify({ compatibility_flags: ["a"], env: { x: { compatibility_flags: "a" } } });
    expect(parseCompatibility(bad, "json")?.flags).toEqual([]);
  });
});

describe("the storage backend of each class (parseCompatibility's classStorage)", () => {
  const backends = (text: string, kind: "toml" | "json" = "json") => {
    const m = parseCompatibility(text, kind)?.classStorage;
    return m && Object.fromEntries([...m].map(([name, c]) => [name, `${c.backend} (${c.via})`]));
  };

  it("reads migrations in order: new_classes, new_sqlite_classes, renames, transfers and deletions", () => {
    expect(
      backends(`{
        "migrations": [
          { "tag": "v1", "new_classes": ["Room", "Old", "Gone"], "new_sqlite_classes": ["Chat"] },
          { "tag": "v2", "renamed_classes": [{ "from": "Old", "to": "Lobby" }, { "from": "Unknown", "to": "Chat" }] },
          { "tag": "v3", "deleted_classes": ["Gone"], "transferred_classes": [{ "from": "X", "from_script": "other", "to": "Room" }] },
          { "tag": "v4", "new_classes": ["Room"] }
        ]
      }`),
    ).toEqual({ Lobby: "kv (renamed)", Room: "kv (migrations)" });
  });

  it("reads TOML's [[migrations]] tables", () => {
    expect(
      backends('[[migrations]]\ntag = "v1"\nnew_classes = ["Room"]\n\n[[migrations]]\ntag = "v2"\nnew_sqlite_classes = ["Chat"]\n', "toml"),
    ).toEqual({
      Room: "kv (migrations)",
      Chat: "sqlite (migrations)",
    });
  });

  it("reads the exports field: live Durable Object classes with a storage of sqlite or legacy-kv", () => {
    expect(
      backends(`{ "exports": {
        "Room": { "type": "durable-object", "storage": "legacy-kv" },
        "Chat": { "type": "durable-object", "storage": "sqlite", "state": "created" },
        "Gone": { "type": "durable-object", "storage": "legacy-kv", "state": "deleted" },
        "NoStorage": { "type": "durable-object" },
        "Entry": { "type": "worker-entrypoint" }
      } }`),
    ).toEqual({ Room: "kv (exports)", Chat: "sqlite (exports)" });
  });

  it("declares nothing when the config has both forms, or an environment sets either, or there is neither", () => {
    expect(backends('{ "migrations": [{ "tag": "v1", "new_classes": ["A"] }], "exports": {} }')).toBeUndefined();
    expect(
      backends('{ "migrations": [{ "tag": "v1", "new_classes": ["A"] }], "env": { "staging": { "migrations": [] } } }'),
    ).toBeUndefined();
    expect(backends('{ "compatibility_date": "2026-01-01" }')).toBeUndefined();
    expect(backends('{ "migrations": "v1", "exports": null }')).toBeUndefined();
  });
});

describe("describeSection", () => {
  it("names the file relative to the linted file's directory, and the environment as the file's format writes it", () => {
    const dir = path.join(tmp, "proj");
    expect(describeSection(path.join(dir, "wrangler.toml"), undefined, dir)).toBe("`wrangler.toml`");
    expect(describeSection(path.join(dir, "wrangler.toml"), "staging", dir)).toBe("`[env.staging]` of `wrangler.toml`");
    expect(describeSection(path.join(dir, "wrangler.jsonc"), "staging", path.join(dir, "src/api"))).toBe(
      "`env.staging` of `../../wrangler.jsonc`",
    );
    expect(describeSection(path.join(dir, "wrangler.json"), undefined, path.join(dir, "src"))).toBe("`../wrangler.json`");
  });
});

describe("isCalendarDate", () => {
  it("is true for days of the calendar only", () => {
    for (const d of ["2025-06-01", "2024-02-29", "2000-02-29", "2025-12-31"]) expect(isCalendarDate(d), d).toBe(true);
    for (const d of ["2025-13-45", "2099-99-99", "2025-02-29", "1900-02-29", "2025-04-31", "2025-00-10", "2025-6-1", ""]) {
      expect(isCalendarDate(d), d).toBe(false);
    }
  });
});

describe("isOnOrAfter", () => {
  it("compares valid dates", () => {
    expect(isOnOrAfter("2024-01-01", "2024-01-01")).toBe(true);
    expect(isOnOrAfter("2024-01-02", "2024-01-01")).toBe(true);
    expect(isOnOrAfter("2023-12-31", "2024-01-01")).toBe(false);
  });

  it("is false for malformed dates", () => {
    expect(isOnOrAfter("2024-1-1", "2023-01-01")).toBe(false);
    expect(isOnOrAfter("2024-01-01", "")).toBe(false);
    expect(isOnOrAfter("9999", "2023-01-01")).toBe(false);
  });
});

describe("compatibilityFor", () => {
  it("reads wrangler.toml from the linted file's directory", () => {
    const config = write("wrangler.toml", `compatibility_date = "2024-09-23"\ncompatibility_flags = ["nodejs_compat"]\n`);
    expect(compatibilityFor(path.join(tmp, "src.ts"))).toStrictEqual({
      date: "2024-09-23",
      env: undefined,
      flags: ["nodejs_compat"],
      configPath: config,
      ignoredPath: undefined,
    });
  });

  it("reads wrangler.json and wrangler.jsonc", () => {
    const json = write("a/wrangler.json", `{"compatibility_date": "2024-01-01"}`);
    const jsonc = write("b/wrangler.jsonc", `{ /* c */ "compatibility_date": "2025-01-01", "compatibility_flags": ["f",], }`);
    expect(compatibilityFor(path.join(tmp, "a/x.ts"))).toEqual({ date: "2024-01-01", flags: [], configPath: json });
    expect(compatibilityFor(path.join(tmp, "b/x.ts"))).toEqual({ date: "2025-01-01", flags: ["f"], configPath: jsonc });
  });

  it("walks up through nested directories and the nearest config wins", () => {
    write("wrangler.toml", `compatibility_date = "2020-01-01"\n`);
    const inner = write("pkg/wrangler.jsonc", `{"compatibility_date": "2024-05-05"}`);
    expect(compatibilityFor(path.join(tmp, "pkg/src/deep/er/file.ts"))).toMatchObject({ date: "2024-05-05", configPath: inner });
    expect(compatibilityFor(path.join(tmp, "other/file.ts"))).toMatchObject({ date: "2020-01-01" });
  });

  it("prefers wrangler.json over wrangler.jsonc over wrangler.toml in one directory", () => {
    write("wrangler.toml", `compatibility_date = "2020-01-01"\n`);
    const jsonc = write("wrangler.jsonc", `{"compatibility_date": "2021-01-01"}`);
    expect(compatibilityFor(path.join(tmp, "x.ts"))).toMatchObject({ date: "2021-01-01", configPath: jsonc });
    const json = write("wrangler.json", `{"compatibility_date": "2022-01-01"}`);
    expect(compatibilityFor(path.join(tmp, "x.ts"))).toMatchObject({ date: "2022-01-01", configPath: json });
  });

  it("combines env sections from a real file", () => {
    write(
      "wrangler.jsonc",
      `{
        "compatibility_date": "2024-06-01",
        "compatibility_flags": ["nodejs_compat", "extra"],
        "env": {
          "staging": { "compatibility_date": "2023-02-02", "compatibility_flags": ["nodejs_compat"] },
          "production": {}, // inherits everything
        },
      }`,
    );
    expect(compatibilityFor(path.join(tmp, "x.ts"))).toMatchObject({ date: "2023-02-02", env: "staging", flags: ["nodejs_compat"] });
  });

  it("treats a malformed nearest config as absent, names it as ignored, and does not search further up", () => {
    write("wrangler.toml", `compatibility_date = "2020-01-01"\n`);
    const bad = write("bad/wrangler.toml", `compatibility_date = "2024-01-01\n[[[`);
    const junk = write("junk/wrangler.json", Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x80, 0x01, 0x22]));
    const array = write("array/wrangler.json", `["compatibility_date"]`);
    fs.mkdirSync(path.join(tmp, "dir/wrangler.toml"), { recursive: true });
    const cases = { bad, junk, array, dir: path.join(tmp, "dir/wrangler.toml") };
    for (const [sub, file] of Object.entries(cases)) {
      expect(compatibilityFor(path.join(tmp, sub, "nested/x.ts"))).toStrictEqual({ ...UNKNOWN, ignoredPath: file });
    }
  });

  it("handles a config with a non-string date and non-string flags", () => {
    const config = write("wrangler.json", `{"compatibility_date": 5, "compatibility_flags": ["ok", 3, false]}`);
    expect(compatibilityFor(path.join(tmp, "x.ts"))).toEqual({ date: undefined, flags: ["ok"], configPath: config });
  });

  it("returns unknown for ESLint's virtual filenames", () => {
    expect(compatibilityFor("<input>")).toEqual(UNKNOWN);
    expect(compatibilityFor("<text>")).toEqual(UNKNOWN);
  });

  it("resolves relative filenames against process.cwd()", () => {
    const config = write("proj/wrangler.toml", `compatibility_date = "2024-02-02"\n`);
    const relative = path.relative(process.cwd(), path.join(tmp, "proj/src/x.ts"));
    expect(path.isAbsolute(relative)).toBe(false);
    expect(compatibilityFor(relative)).toEqual({ date: "2024-02-02", flags: [], configPath: config });
    expect(compatibilityFor("")).toEqual(compatibilityFor(path.join(process.cwd(), "x.ts")));
  });

  it("never throws on odd paths", () => {
    const file = write("wrangler.toml", `compatibility_date = "2024-02-02"\n`);
    // A processor-style virtual path under a real file: ENOTDIR while walking.
    expect(compatibilityFor(path.join(file, "0.ts"))).toMatchObject({ date: "2024-02-02" });
    expect(() => compatibilityFor("\u0000weird")).not.toThrow();
  });

  it("re-reads a config whose mtime or size changed, and notices creation and deletion", () => {
    const file = path.join(tmp, "src/x.ts");
    expect(compatibilityFor(file)).toEqual(UNKNOWN);
    const config = write("wrangler.toml", `compatibility_date = "2024-01-01"\n`);
    fs.utimesSync(config, 1_600_000_000, 1_600_000_000);
    expect(compatibilityFor(file).date).toBe("2024-01-01");

    fs.writeFileSync(config, `compatibility_date = "2025-01-01"\n`); // same size
    fs.utimesSync(config, 1_700_000_000, 1_700_000_000);
    expect(compatibilityFor(file).date).toBe("2025-01-01");

    fs.writeFileSync(config, `compatibility_date = "2025-02-02" # longer\n`); // different size
    fs.utimesSync(config, 1_700_000_000, 1_700_000_000); // same mtime
    expect(compatibilityFor(file).date).toBe("2025-02-02");

    fs.rmSync(config);
    expect(compatibilityFor(file)).toEqual(UNKNOWN);
  });

  it("serves unchanged files from the cache", () => {
    const config = write("wrangler.toml", `compatibility_date = "2024-01-01"\n`);
    fs.utimesSync(config, 1_600_000_000, 1_600_000_000);
    expect(compatibilityFor(path.join(tmp, "x.ts")).date).toBe("2024-01-01");
    fs.writeFileSync(config, `compatibility_date = "2099-01-01"\n`);
    fs.utimesSync(config, 1_600_000_000, 1_600_000_000);
    expect(compatibilityFor(path.join(tmp, "x.ts")).date).toBe("2024-01-01");
    clearWranglerCache();
    expect(compatibilityFor(path.join(tmp, "x.ts")).date).toBe("2099-01-01");
  });

  it("bounds the cache at 64 entries, evicting the least recently used", () => {
    const T = 1_600_000_000;
    const mk = (i: number): string => {
      const config = write(`p${i}/wrangler.toml`, `compatibility_date = "2000-01-01"\n`);
      fs.utimesSync(config, T, T);
      return path.join(tmp, `p${i}`, "x.ts");
    };
    const files = Array.from({ length: 70 }, (_, i) => mk(i));
    for (const f of files.slice(0, 64)) expect(compatibilityFor(f).date).toBe("2000-01-01");
    expect(wranglerCacheSize()).toBe(64);

    expect(compatibilityFor(files[0]).date).toBe("2000-01-01"); // hit: p0 becomes most recent
    compatibilityFor(files[64]); // evicts p1, the least recently used
    expect(wranglerCacheSize()).toBe(64);

    // Silently change p0 and p1 (same size, same mtime): only an evicted entry is re-read.
    for (const i of [0, 1]) {
      const config = write(`p${i}/wrangler.toml`, `compatibility_date = "2099-09-09"\n`);
      fs.utimesSync(config, T, T);
    }
    expect(compatibilityFor(files[0]).date).toBe("2000-01-01");
    expect(compatibilityFor(files[1]).date).toBe("2099-09-09");

    for (const f of files) compatibilityFor(f);
    expect(wranglerCacheSize()).toBe(64);
  });
});
