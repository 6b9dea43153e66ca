/**
 * Node built-ins that the bundle's dependencies import but never call in the playground: `os`,
 * `crypto`, `url`, `util` for TypeScript's Node `sys`, tinyglobby and the parser's project service
 * (the playground lints without type information).
 */
export default {};
