/**
 * Finds the Cloudflare Workers compatibility date and flags that apply to a
 * linted file, by reading the nearest wrangler.json / wrangler.jsonc /
 * wrangler.toml above it. Results are conservative across all environments:
 * the oldest date and only the flags every environment has.
 */
import fs from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { parse as parseJsonc, type ParseError } from "jsonc-parser";

export interface CompatibilitySettings {
  /** "YYYY-MM-DD", the oldest effective date across the top level and all [env.*]; undefined when unknown. */
  date: string | undefined;
  /**
   * The section of the config that decides `date`: the one whose date is the oldest (the top level
   * on a tie, and for an environment that inherits it), or, when the date is unknown, the first one
   * without a valid date. `undefined` is the top level.
   */
  env: string | undefined;
  /** Flags set in every environment (intersection), sorted. */
  flags: string[];
  /** Absolute path of the config file the settings came from; undefined when none was found or it was unusable. */
  configPath: string | undefined;
  /** Absolute path of the nearest config when it was malformed or unreadable and so ignored (then `configPath` is undefined). */
  ignoredPath: string | undefined;
  /** The storage backend the config declares for each Durable Object class it names (see {@link ClassStorage}); undefined when none. */
  classStorage?: ReadonlyMap<string, ClassStorage>;
}

/**
 * The storage backend a config declares for one Durable Object class, and how: `migrations`
 * (`new_classes` is the key-value backend, `new_sqlite_classes` SQLite, followed through
 * `renamed_classes` and `deleted_classes` in order) or the newer `exports` field (`"storage":
 * "legacy-kv"` or `"sqlite"`).
 */
export interface ClassStorage {
  backend: "kv" | "sqlite";
  via: "migrations" | "renamed" | "exports";
}

export interface ParsedCompatibility {
  date: string | undefined;
  /** As {@link CompatibilitySettings.env}. */
  env: string | undefined;
  flags: string[];
  /** As {@link CompatibilitySettings.classStorage}. */
  classStorage?: ReadonlyMap<string, ClassStorage>;
}
type Parsed = ParsedCompatibility;

/** Config file names in wrangler's precedence order within one directory. */
const CONFIG_NAMES = ["wrangler.json", "wrangler.jsonc", "wrangler.toml"] as const;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A calendar date written "YYYY-MM-DD" (leap years included), as a JSON Schema `pattern`: the
 * rule's `compatibilityDate` option is checked against it, so "2025-13-45" or "2099-99-99" is a
 * configuration error rather than a date the rule compares with.
 */
export const CALENDAR_DATE_PATTERN =
  "^(?:\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))" +
  "|(?:\\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)$";
const MAX_CACHE_ENTRIES = 64;

interface CacheEntry {
  mtimeMs: number;
  size: number;
  parsed: Parsed | undefined;
}

/** Parse results keyed by absolute config path; Map insertion order doubles as LRU order. */
const cache = new Map<string, CacheEntry>();

function unknown(ignoredPath?: string): CompatibilitySettings {
  return { date: undefined, env: undefined, flags: [], configPath: undefined, ignoredPath };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Whether `value` is "YYYY-MM-DD" and a day of the calendar ("2025-02-29" is not). */
export function isCalendarDate(value: string): boolean {
  if (!DATE_RE.test(value)) return false;
  const [y, m, d] = value.split("-").map(Number);
  const day = new Date(0);
  day.setUTCFullYear(y, m - 1, d);
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

function validDate(value: unknown): string | undefined {
  return typeof value === "string" && isCalendarDate(value) ? value : undefined;
}

/** Non-array values count as "no flags"; non-string entries are ignored. */
function stringFlags(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((f): f is string => typeof f === "string") : [];
}

/**
 * Pure parser for tests and reuse: kind is "toml" | "json" (json covers .jsonc:
 * comments and trailing commas allowed). Returns undefined when malformed or
 * when the top level is not an object. Never throws.
 *
 * An environment that omits `compatibility_date` / `compatibility_flags`
 * inherits the top-level value; one that sets an invalid date (not a
 * "YYYY-MM-DD" day of the calendar) makes the combined date unknown, and one
 * that sets non-array flags contributes no flags. `env` names the section that
 * decides the date (see {@link CompatibilitySettings.env}).
 */
export function parseCompatibility(text: string, kind: "toml" | "json"): Parsed | undefined {
  try {
    const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    let root: unknown;
    if (kind === "toml") {
      root = parseToml(source);
    } else {
      const errors: ParseError[] = [];
      root = parseJsonc(source, errors, { allowTrailingComma: true, disallowComments: false });
      if (errors.length > 0) return undefined;
    }
    if (!isRecord(root)) return undefined;

    const topDate = validDate(root.compatibility_date);
    const topFlags = stringFlags(root.compatibility_flags);
    // Each section's effective date, and the section it comes from (an inherited date is the top level's).
    const dates: { date: string | undefined; env: string | undefined }[] = [{ date: topDate, env: undefined }];
    const flagSets: string[][] = [topFlags];
    if (isRecord(root.env)) {
      for (const [name, env] of Object.entries(root.env)) {
        if (!isRecord(env)) continue;
        dates.push(
          env.compatibility_date === undefined ? { date: topDate, env: undefined } : { date: validDate(env.compatibility_date), env: name },
        );
        flagSets.push(env.compatibility_flags === undefined ? topFlags : stringFlags(env.compatibility_flags));
      }
    }

    const flags = [...new Set(topFlags)].filter((flag) => flagSets.every((set) => set.includes(flag))).sort();
    const classStorage = classStorageOf(root);
    const storage = classStorage ? { classStorage } : {};
    const missing = dates.find((d) => d.date === undefined);
    if (missing) return { date: undefined, env: missing.env, flags, ...storage };
    const oldest = dates.reduce((a, b) => (b.date! < a.date! ? b : a));
    return { date: oldest.date, env: oldest.env, flags, ...storage };
  } catch {
    return undefined;
  }
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

/**
 * The backend of each class the config declares, from the top level (migrations are inherited by
 * every environment and cannot be overridden). A config with both `migrations` and `exports` (which
 * wrangler rejects), or with an environment that sets either, declares nothing here: the rule
 * that reads this stays silent rather than guess. A class renamed from one the list does not know,
 * transferred from another Worker, or deleted, has no entry.
 */
function classStorageOf(root: Record<string, unknown>): Map<string, ClassStorage> | undefined {
  if (root.migrations !== undefined && root.exports !== undefined) return undefined;
  if (isRecord(root.env) && Object.values(root.env).some((e) => isRecord(e) && (e.migrations !== undefined || e.exports !== undefined))) {
    return undefined;
  }
  const out = new Map<string, ClassStorage>();
  if (Array.isArray(root.migrations)) {
    for (const m of root.migrations) {
      if (!isRecord(m)) continue;
      for (const c of strings(m.new_classes)) out.set(c, { backend: "kv", via: "migrations" });
      for (const c of strings(m.new_sqlite_classes)) out.set(c, { backend: "sqlite", via: "migrations" });
      for (const r of Array.isArray(m.renamed_classes) ? m.renamed_classes : []) {
        if (!isRecord(r) || typeof r.from !== "string" || typeof r.to !== "string") continue;
        const from = out.get(r.from);
        out.delete(r.from);
        if (from) out.set(r.to, { backend: from.backend, via: "renamed" });
        else out.delete(r.to);
      }
      for (const t of Array.isArray(m.transferred_classes) ? m.transferred_classes : []) {
        if (isRecord(t) && typeof t.to === "string") out.delete(t.to);
      }
      for (const c of strings(m.deleted_classes)) out.delete(c);
    }
  } else if (isRecord(root.exports)) {
    for (const [name, e] of Object.entries(root.exports)) {
      if (!isRecord(e) || e.type !== "durable-object" || (e.state !== undefined && e.state !== "created")) continue;
      if (e.storage === "sqlite") out.set(name, { backend: "sqlite", via: "exports" });
      else if (e.storage === "legacy-kv") out.set(name, { backend: "kv", via: "exports" });
    }
  }
  return out.size > 0 ? out : undefined;
}

/** Nearest existing config entry (file or not) walking up from startDir, with its stat. */
function findNearestConfig(startDir: string): { file: string; stat: fs.Stats } | undefined {
  let dir = startDir;
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const file = path.join(dir, name);
      let stat: fs.Stats | undefined;
      try {
        stat = fs.statSync(file, { throwIfNoEntry: false });
      } catch {
        // ENOTDIR (e.g. a processor's virtual "file.md/0.js" path), EACCES…: not here.
        continue;
      }
      if (stat) return { file, stat };
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function loadConfig(file: string, stat: fs.Stats): Parsed | undefined {
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) {
    cache.delete(file);
    cache.set(file, hit);
    return hit.parsed;
  }
  let parsed: Parsed | undefined;
  try {
    const text = fs.readFileSync(file, "utf8");
    parsed = parseCompatibility(text, file.endsWith(".toml") ? "toml" : "json");
  } catch {
    parsed = undefined;
  }
  cache.delete(file);
  cache.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, parsed });
  while (cache.size > MAX_CACHE_ENTRIES) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
  return parsed;
}

/**
 * Settings for a linted file (absolute path). Never throws.
 *
 * Relative paths (and "") are resolved against `process.cwd()`; ESLint's
 * virtual names such as `<input>` / `<text>` yield unknown settings without
 * touching the disk. The nearest config is located afresh on every call; a
 * nearest config that is malformed or unreadable makes the result unknown
 * (the search does not continue further up), with the file as `ignoredPath`.
 */
export function compatibilityFor(filename: string): CompatibilitySettings {
  try {
    if (/^<.*>$/.test(filename)) return unknown();
    const startDir = filename === "" ? process.cwd() : path.dirname(path.resolve(filename));
    const found = findNearestConfig(startDir);
    if (!found) return unknown();
    if (!found.stat.isFile()) return unknown(found.file);
    const parsed = loadConfig(found.file, found.stat);
    if (!parsed) return unknown(found.file);
    return {
      date: parsed.date,
      env: parsed.env,
      flags: [...parsed.flags],
      configPath: found.file,
      ignoredPath: undefined,
      ...(parsed.classStorage ? { classStorage: parsed.classStorage } : {}),
    };
  } catch {
    return unknown();
  }
}

/**
 * How a message names the section `env` of the config `file`, as the user wrote it: "`[env.staging]`
 * of `wrangler.toml`", "`env.staging` of `../wrangler.jsonc`", or "`wrangler.toml`" for the top level.
 * `file` is shown relative to `fromDir`, the linted file's directory, with `/`: the message is then
 * the same wherever ESLint runs (a project's folder, `src/`, a monorepo's root, an editor's server).
 */
export function describeSection(file: string, env: string | undefined, fromDir: string): string {
  const shown = `\`${path.relative(fromDir, file).split(path.sep).join("/")}\``;
  if (env === undefined) return shown;
  return `${file.endsWith(".toml") ? `\`[env.${env}]\`` : `\`env.${env}\``} of ${shown}`;
}

/** true when `date` (YYYY-MM-DD) is on or after `since` (YYYY-MM-DD); plain string compare after validating the format. */
export function isOnOrAfter(date: string, since: string): boolean {
  return DATE_RE.test(date) && DATE_RE.test(since) && date >= since;
}

/** For tests: empties the parse cache. */
export function clearWranglerCache(): void {
  cache.clear();
}

/** For tests: number of config files currently held in the parse cache. */
export function wranglerCacheSize(): number {
  return cache.size;
}
