/**
 * The `eslint` package's Node entry for the browser bundle. @typescript-eslint/utils, which the
 * plugin's rules import for `ESLintUtils` and `AST_NODE_TYPES`, also defines classes that extend
 * ESLint's `ESLint`, `RuleTester` and `SourceCode` when it loads; the playground uses none of them.
 * `Linter` is ESLint's browser-safe one (`eslint/universal`); the others are placeholders that say
 * so if constructed.
 */
import { Linter } from "eslint/universal";

class NotInTheBrowser {
  constructor() {
    throw new Error("Not available in the playground: only ESLint's Linter is bundled");
  }
}

export { Linter };
export class ESLint extends NotInTheBrowser {}
export class RuleTester extends NotInTheBrowser {}
export class SourceCode extends NotInTheBrowser {}
export const FlatESLint = ESLint;
export const LegacyESLint = ESLint;
export default { Linter, ESLint, RuleTester, SourceCode, FlatESLint, LegacyESLint };
