/**
 * eslint-doc-generator settings: the header of each docs/rules/*.md page and the rules table in
 * README.md. Run `npm run build` first (the generator loads the plugin from dist/ through the
 * package's `exports`), then `npx eslint-doc-generator`; `--check` fails when anything is stale.
 */

/** @type {import('eslint-doc-generator').GenerateOptions} */
const config = {
  // recommended-type-checked has the same rules as recommended (it only turns type information on).
  ignoreConfig: ["recommended-type-checked"],
  configEmoji: [
    ["recommended", "✅"],
    ["strict", "🔒"],
    ["all", "🌐"],
  ],
  ruleDocTitleFormat: "desc-parens-prefix-name",
  ruleDocNotices: ["deprecated", "configs", "fixableAndHasSuggestions", "options", "requiresTypeChecking", "type"],
  ruleListColumns: [
    "name",
    "description",
    "configsError",
    "configsWarn",
    "fixableAndHasSuggestions",
    "options",
    "requiresTypeChecking",
    "type",
  ],
  // Every page has the same sections (tests/docs.test.ts checks them too). "## Options" is present
  // on every page, including "This rule has no options.", so the generator's own options-section
  // check (which forbids the section on rules without options) is off; the test checks instead
  // that every option in a rule's schema is mentioned on its page.
  ruleDocSectionInclude: ["Why: what goes wrong at run time", "Options", "What the rule cannot see", "When not to use it"],
  ruleDocSectionOptions: false,
  urlConfigs: "https://github.com/eslint-plugin-durable-objects/eslint-plugin-durable-objects#configs",
};

export default config;
