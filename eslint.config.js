// The repo lints itself: ESLint's recommended rules, this plugin's own recommended config (from the
// build, as a user gets it), and eslint-plugin-eslint-plugin on the rules and their tests.
import js from "@eslint/js";
import eslintPlugin from "eslint-plugin-eslint-plugin";
import tsParser from "@typescript-eslint/parser";
import durableObjects from "./dist/src/index.js";

export default [
  { ignores: ["dist/", ".cache/", "examples/", "tests/fixtures/", "node_modules/", "playground/dist/"] },
  js.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { parser: tsParser },
    rules: {
      // TypeScript checks these, with types (tsconfig.json: noUnusedLocals, noUnusedParameters).
      "no-undef": "off",
      "no-unused-vars": "off",
      "no-redeclare": "off",
    },
  },
  {
    files: ["**/*.js"],
    languageOptions: {
      globals: { console: "readonly", process: "readonly", URL: "readonly", performance: "readonly", setTimeout: "readonly" },
    },
  },
  durableObjects.configs.recommended,
  // eslint-plugin-eslint-plugin's checks on our own rules and rule tests.
  { files: ["rules/**/*.ts"], ...eslintPlugin.configs["rules-recommended"] },
  { files: ["tests/rules/**/*.ts"], ...eslintPlugin.configs["tests-recommended"] },
  {
    // Every case says what it shows, once per rule (the helper's `new RuleTester().run(…)` is what they look for).
    files: ["tests/rules/**/*.ts"],
    rules: {
      "eslint-plugin/require-test-case-name": ["error", { require: "always" }],
      "eslint-plugin/unique-test-case-names": "error",
    },
  },
  {
    // Narrow AST nodes by their `type`, not with `in` (needs types: the repo's tsconfig.json).
    files: ["src/**/*.ts", "rules/**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "eslint-plugin": eslintPlugin },
    rules: { "eslint-plugin/no-property-in-node": "error" },
  },
];
