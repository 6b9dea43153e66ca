/** Where things are: the repo, its build, the bundled example, and the repo's installed tools. */
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const exampleDir = path.join(repoRoot, "examples/worker");
/** The built plugin, as `npm run build` leaves it (what a user imports). */
export const distEntry = path.join(repoRoot, "dist/src/index.js");
export const distEntryUrl = pathToFileURL(distEntry).href;
/** Source files of the example that every tool lints, relative to `exampleDir`. */
export const EXAMPLE_FILES = ["src/counter.ts", "src/index.ts", "src/room.ts", "src/schema.ts", "src/session.ts"];

/** An executable of the repo's dev dependencies (node_modules/.bin). */
export function bin(name: string): string {
  return path.join(repoRoot, "node_modules/.bin", name);
}

/** The file URL of a package the repo depends on (its CommonJS entry), resolved from the repo root. */
export function resolveFromRepo(specifier: string): string {
  return pathToFileURL(createRequire(path.join(repoRoot, "package.json")).resolve(specifier)).href;
}

/** A directory under os.tmpdir() shared by the integration tests' caches. */
export const tmpRoot = path.join(os.tmpdir(), "eslint-plugin-durable-objects-integration");
