/**
 * ESLint 9 and @typescript-eslint/parser, installed at exact versions outside the repo
 * (pinned-install.ts): ESLint at ESLINT9_VERSION, the newest 9.x when it was last raised, and the
 * parser at the repo's own pin.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { installPinned, repoPin } from "./pinned-install.js";

export const ESLINT9_VERSION = "9.39.5";

export interface Eslint9 {
  dir: string;
  version: string;
  /** ESLint 9's CLI entry (bin/eslint.js). */
  cli: string;
  /** The parser's entry inside the install, for a config to import. */
  parser: string;
}

export async function installEslint9(): Promise<Eslint9> {
  const dir = await installPinned("eslint9", {
    eslint: ESLINT9_VERSION,
    "@typescript-eslint/parser": repoPin("@typescript-eslint/parser"),
  });
  const require = createRequire(path.join(dir, "package.json"));
  const pkg = require("eslint/package.json") as { version: string };
  return {
    dir,
    version: pkg.version,
    cli: path.join(path.dirname(require.resolve("eslint/package.json")), "bin/eslint.js"),
    parser: require.resolve("@typescript-eslint/parser"),
  };
}
