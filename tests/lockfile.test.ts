/**
 * No dependency of the install tree resolves through a moving spec (a dist-tag such as `latest`,
 * `*`, `x`, an empty range) unless an `overrides` entry pins it: `npm run lint:package` fails and
 * names the package. A `"jschardet": "latest"` in a dev dependency made `npm ci` fail on every
 * clone as soon as jschardet published a release.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

interface Lock {
  packages: Record<
    string,
    {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
      peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    }
  >;
}
interface Pkg {
  overrides?: Record<string, unknown>;
}
interface LockfileCheck {
  isMovingSpec(spec: string): boolean;
  movingSpecs(lock: Lock, pkg: Pkg): { from: string; name: string; spec: string }[];
  checkLockfile(dir: string): string[];
}
const { isMovingSpec, movingSpecs, checkLockfile } = (await import(
  pathToFileURL(path.join(root, "scripts/lockfile-check.js")).href
)) as LockfileCheck;

const read = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(root, file), "utf8")) as T;
const dirs: string[] = [];
/** A directory with the repo's package.json and package-lock.json, each changed by `edit`. */
function copy(edit: (lock: Lock, pkg: Pkg) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "do-lockfile-"));
  dirs.push(dir);
  const lock = read<Lock>("package-lock.json");
  const pkg = read<Pkg>("package.json");
  edit(lock, pkg);
  fs.writeFileSync(path.join(dir, "package-lock.json"), JSON.stringify(lock));
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg));
  return dir;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("the repo's lockfile", () => {
  it("has no moving spec that overrides do not pin", () => {
    expect(checkLockfile(root)).toEqual([]);
  });

  it("holds no SARIF formatter and no ESLint 8 (the formatter is installed by its test, outside the repo)", () => {
    const lock = read<Lock>("package-lock.json");
    expect(Object.keys(lock.packages).filter((k) => k.endsWith("/@microsoft/eslint-formatter-sarif"))).toEqual([]);
    const eslints = Object.entries(lock.packages).filter(([k]) => k.endsWith("node_modules/eslint"));
    expect(eslints.map(([, v]) => (v as { version: string }).version)).toEqual([
      read<{ devDependencies: Record<string, string> }>("package.json").devDependencies.eslint,
    ]);
  });
});

describe("npm run lint:package", () => {
  it('fails and names the package when a lockfile entry depends on "latest"', () => {
    const dir = copy((lock) => {
      lock.packages["node_modules/@types/chai"].dependencies!["assertion-error"] = "latest";
    });
    const r = spawnSync(process.execPath, [path.join(root, "scripts/lint-package.js"), `--lockfile-dir=${dir}`], {
      cwd: root,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      'lockfile:\n  - node_modules/@types/chai → assertion-error@"latest": a moving spec; pin it with "overrides": { "assertion-error": "<version>" } in package.json\n',
    );
  });

  it("passes on the same copy unchanged", () => {
    expect(checkLockfile(copy(() => {}))).toEqual([]);
  });

  it("reports the `*` that the repo's overrides pin once the pin is gone", () => {
    const dir = copy((_lock, pkg) => {
      delete pkg.overrides!["@types/deep-eql"];
    });
    const r = spawnSync(process.execPath, [path.join(root, "scripts/lockfile-check.js"), dir], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `lockfile (${path.join(dir, "package-lock.json")}):\n  - node_modules/@types/chai → @types/deep-eql@"*": a moving spec; pin it with "overrides": { "@types/deep-eql": "<version>" } in package.json\n`,
    );
  });
});

describe("what counts as moving", () => {
  it.each(["latest", "next", "beta", "*", "x", "X.x", "", "  ", "npm:other@latest"])("%j moves", (spec) => {
    expect(isMovingSpec(spec)).toBe(true);
  });
  it.each([
    "1.2.3",
    "^1.2.3",
    "~5.9.3",
    "1.x",
    ">=1 <2",
    "1.2.3 - 2",
    "v1.2.3",
    "npm:other@^1",
    "file:../x",
    "git+https://host/a/b.git",
    "workspace:*",
  ])("%j does not", (spec) => {
    expect(isMovingSpec(spec)).toBe(false);
  });

  const lock = (deps: Record<string, string>, peers: Record<string, string> = {}, optional: string[] = []): Lock => ({
    packages: {
      "": { dependencies: { a: "1.0.0" } },
      "node_modules/a": {
        dependencies: deps,
        peerDependencies: peers,
        peerDependenciesMeta: Object.fromEntries(optional.map((n) => [n, { optional: true }])),
      },
    },
  });

  it("a top-level override pins the name everywhere; a nested one under its parent only", () => {
    expect(movingSpecs(lock({ b: "latest" }), { overrides: { b: "2.0.0" } })).toEqual([]);
    expect(movingSpecs(lock({ b: "latest" }), { overrides: { a: { b: "2.0.0" } } })).toEqual([]);
    expect(movingSpecs(lock({ b: "latest" }), { overrides: { c: { b: "2.0.0" } } })).toEqual([
      { from: "node_modules/a", name: "b", spec: "latest" },
    ]);
  });

  it("an override that is itself a tag pins nothing", () => {
    expect(movingSpecs(lock({ b: "latest" }), { overrides: { b: "next" } })).toEqual([
      { from: "node_modules/a", name: "b", spec: "latest" },
    ]);
  });

  it("an optional peer is not installed on its account; a required one is checked", () => {
    expect(movingSpecs(lock({}, { p: "*" }, ["p"]), {})).toEqual([]);
    expect(movingSpecs(lock({}, { p: "*" }), {})).toEqual([{ from: "node_modules/a", name: "p", spec: "*" }]);
  });
});
