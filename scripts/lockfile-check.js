// `node scripts/lockfile-check.js [dir]`: fails when an entry of `<dir>/package-lock.json` (default:
// the repo) depends on a moving spec that no `overrides` entry of `<dir>/package.json` pins.
//
// A moving spec is a dist-tag (`latest`, `next`, `beta`, …), `*`, `x` or an empty range: what it
// resolves to changes whenever the registry publishes, so the lock stops validating (`npm ci`:
// "lock file's jschardet@4.0.0 does not satisfy jschardet@4.1.0") or, for `*`, silently takes a
// new major on the next `npm install`. Checked: every package's `dependencies` and
// `optionalDependencies`, the root's `devDependencies`, and `peerDependencies` that are not
// optional (an optional peer is not installed on its account). `npm:` aliases are checked by the
// spec after the name; URLs, git, `file:`, `link:` and `workspace:` specs are not ranges.
//
// Exits 1 and names each package (`node_modules/a → b@latest`), or prints `lockfile: ok`.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const NOT_A_RANGE = /^(?:file:|link:|workspace:|git\+|git:|github:|gitlab:|bitbucket:|https?:)/;

/** Whether `spec` resolves through something that moves: a dist-tag, `*`, `x` or nothing at all. */
export function isMovingSpec(spec) {
  let s = String(spec ?? "").trim();
  if (NOT_A_RANGE.test(s)) return false;
  if (s.startsWith("npm:")) {
    const at = s.lastIndexOf("@");
    s = at > "npm:".length ? s.slice(at + 1).trim() : "";
  }
  if (s === "" || /^[xX*](?:\.[xX*]){0,2}$/.test(s)) return true;
  if (/[\s<>=^~|]/.test(s) || /^v?\d/.test(s)) return false; // a range or a version
  return /^[A-Za-z][\w.-]*$/.test(s); // a dist-tag
}

/** The top-level names and `parent > name` pairs that `overrides` pins (npm's nested form included). */
function overridden(overrides, parents = [], out = new Set()) {
  for (const [key, value] of Object.entries(overrides ?? {})) {
    const name = key.replace(/(.)@[^@]*$/, "$1"); // `pkg@range` keys select by version; the name is what we match
    // `$name` takes the root's own spec for `name`, which is checked as a root edge.
    if (typeof value === "string" && (value.startsWith("$") || !isMovingSpec(value))) out.add([...parents, name].join(" > "));
    if (value && typeof value === "object") {
      if (typeof value["."] === "string" && !isMovingSpec(value["."])) out.add([...parents, name].join(" > "));
      overridden(value, [...parents, name], out);
    }
  }
  return out;
}

/** The package name of a lockfile key (`node_modules/a/node_modules/@s/b` → `@s/b`). */
const nameOf = (key, entry) => entry.name ?? key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length);

/**
 * Every dependency edge of `lock` (a package-lock.json, lockfileVersion 2 or 3) whose spec moves
 * and that `pkg.overrides` does not pin, as `{ from, name, spec }`.
 */
export function movingSpecs(lock, pkg) {
  const pinned = overridden(pkg?.overrides);
  const problems = [];
  for (const [key, entry] of Object.entries(lock?.packages ?? {})) {
    if (entry.link) continue;
    const from = key === "" ? "(root)" : key;
    const parent = key === "" ? undefined : nameOf(key, entry);
    const optionalPeers = entry.peerDependenciesMeta ?? {};
    const edges = [
      ...Object.entries(entry.dependencies ?? {}),
      ...Object.entries(entry.optionalDependencies ?? {}),
      ...(key === "" ? Object.entries(entry.devDependencies ?? {}) : []),
      ...Object.entries(entry.peerDependencies ?? {}).filter(([name]) => !optionalPeers[name]?.optional),
    ];
    for (const [name, spec] of edges) {
      if (!isMovingSpec(spec)) continue;
      if (pinned.has(name) || (parent && pinned.has(`${parent} > ${name}`))) continue;
      problems.push({ from, name, spec: String(spec) });
    }
  }
  return problems;
}

/** `movingSpecs` of the package-lock.json and package.json in `dir`, as printable lines. */
export function checkLockfile(dir) {
  const read = (file) => JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
  return movingSpecs(read("package-lock.json"), read("package.json")).map(
    (p) =>
      `${p.from} → ${p.name}@${JSON.stringify(p.spec)}: a moving spec; pin it with "overrides": { "${p.name}": "<version>" } in package.json`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(process.argv[2] ?? fileURLToPath(new URL("../", import.meta.url)));
  const problems = checkLockfile(dir);
  if (problems.length === 0) console.log("lockfile: ok");
  else console.error(`lockfile (${path.join(dir, "package-lock.json")}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  process.exit(problems.length === 0 ? 0 : 1);
}
