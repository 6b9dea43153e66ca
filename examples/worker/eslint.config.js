// What a user of the plugin writes: the TypeScript parser for the Worker's sources, and the
// recommended rules.
import durableObjects from "eslint-plugin-durable-objects";
import tsParser from "@typescript-eslint/parser";

export default [
  { ignores: ["**/*.d.ts"] },
  { files: ["**/*.ts"], languageOptions: { parser: tsParser } },
  durableObjects.configs.recommended,
];
