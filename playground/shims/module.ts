/**
 * `node:module` for the browser bundle. src/create-rule.ts reads the plugin's own package.json with
 * `createRequire(import.meta.url)("../package.json")`: here that `require` answers with the name and
 * version the build read from package.json (`__PLAYGROUND_PACKAGE__`), so `meta.docs.url` points at
 * the same versioned docs page as in Node. Anything else is not there.
 */
declare const __PLAYGROUND_PACKAGE__: { name: string; version: string };

export function createRequire(): (id: string) => unknown {
  return (id: string) => {
    if (id.endsWith("/package.json")) return __PLAYGROUND_PACKAGE__;
    throw Object.assign(new Error(`Cannot find module '${id}' (the playground bundles its modules)`), { code: "MODULE_NOT_FOUND" });
  };
}

export default { createRequire };
