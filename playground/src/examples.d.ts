/** The ❌ examples of docs/rules/*.md, read by the build (scripts/playground-build.js). */
declare module "playground:examples" {
  export interface RuleExample {
    /** The rule's name, without the `durable-objects/` prefix. */
    rule: string;
    /** The code of the page's first `<!-- example: incorrect -->` block. */
    code: string;
    /** Whether the page lints its examples with a wrangler config, which the playground does not have. */
    needsWranglerConfig: boolean;
  }
  const examples: RuleExample[];
  export default examples;
}
