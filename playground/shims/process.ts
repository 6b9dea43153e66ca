/**
 * The `process` that the bundle's Node-minded dependencies read (ESLint's `TIMING`, the parser's
 * `TSESTREE_*` switches, `debug`'s `DEBUG`): no environment variables, `/` as the working directory.
 * esbuild injects it where a module uses the free name `process`; the page has no global of that
 * name. It has no `nextTick`, so TypeScript does not take itself for running in Node.
 */
export const process = {
  browser: true,
  env: {} as Record<string, string | undefined>,
  platform: "browser",
  argv: [] as string[],
  execArgv: [] as string[],
  versions: {} as Record<string, string>,
  cwd: (): string => "/",
  emitWarning: (): void => {},
};
