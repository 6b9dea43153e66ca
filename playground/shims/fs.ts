/**
 * `node:fs` for the browser bundle: a file system with no files. The plugin's wrangler lookup
 * (src/analysis/wrangler.ts) then finds no config, as it does for a file with none above it, and the
 * rules judge what the options give (the playground's compatibility date and flags). The parser's
 * project-service code that also imports `fs` never runs: the playground lints without types.
 */
function noEntry(file: unknown): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory (the playground has no files): '${String(file)}'`), {
    code: "ENOENT",
  });
}

export function statSync(file: unknown, options?: { throwIfNoEntry?: boolean }): undefined {
  if (options?.throwIfNoEntry === false) return undefined;
  throw noEntry(file);
}
export const lstatSync = statSync;
export function existsSync(): boolean {
  return false;
}
export function readFileSync(file: unknown): never {
  throw noEntry(file);
}
export function readdirSync(file: unknown): never {
  throw noEntry(file);
}
export function realpathSync(file: unknown): never {
  throw noEntry(file);
}

export default { statSync, lstatSync, existsSync, readFileSync, readdirSync, realpathSync };
