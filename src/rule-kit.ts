/**
 * The rule kit: every rule of the plugin is made here, and the kit owns what every rule used to
 * repeat in its `create`:
 *
 * 1. the text pre-filter the rule declares (`mentions`): a file that does not mention the words
 *    its reports need costs the rule nothing;
 * 2. the region bail-out: where no Durable Object handle can be (`DurableObjectModel#hasRegions`),
 *    the rule listens to nothing (unless it declares `outsideRegions`);
 * 3. the shared listeners (src/analysis/listeners.ts): the listeners of the parts of the file's
 *    analysis that the rule was the first to use (the call index, the code path tracker) go out
 *    with the rule's own, so a rule cannot forget them, and any rule can be the first, alone or in
 *    any order;
 * 4. binding the listener methods (`listen`) of the rule's per-file object (see `methodListeners`).
 *
 * A rule is then its `meta`, and a `create` that gets the file's model and returns its listeners
 * (or its per-file object).
 *
 * Under oxlint the rules keep `create`, which oxlint calls per file as ESLint does: `createOnce`
 * with a `before()` hook would not be cheaper. A file with no region costs the same either way (the
 * text checks and `hasRegions`, then an empty visitor, which oxlint skips), and `createOnce` fixes
 * a rule's listeners once for all files, while the shared listeners go with whichever rule is the
 * first to use a part in each file: every rule would need a guard in each shared listener, paid
 * on every node.
 */
import { ESLintUtils, type TSESLint } from "@typescript-eslint/utils";
import type { RuleWithMetaAndName } from "@typescript-eslint/utils/eslint-utils";
import { mergeListeners, methodListeners, sharedListenersOf } from "./analysis/listeners.js";
import { type DurableObjectModel, getModel } from "./analysis/storage.js";
import { type DurableObjectsRuleDocs, type RuleContext, createRule as createPlainRule } from "./create-rule.js";

/**
 * What a file must mention: each entry one word (case-sensitive), or a list of words of which any
 * one will do (for a SQL keyword, its usual spellings: a case-insensitive pattern over the whole
 * text costs far more than a few substring searches).
 */
export type Mentions = readonly (string | readonly string[])[];

interface KitRuleBase<Options extends readonly unknown[], MessageIds extends string> extends Omit<
  RuleWithMetaAndName<Options, MessageIds, DurableObjectsRuleDocs>,
  "create"
> {
  /** The rule runs only on files whose text mentions these (a substring test, before anything is parsed out of the tree). */
  readonly mentions?: Mentions;
  /** Run on files where no Durable Object handle can be too (a rule about code outside Durable Objects). */
  readonly outsideRegions?: true;
}

/** A rule whose `create` returns its listeners. */
interface ListenerRule<Options extends readonly unknown[], MessageIds extends string> extends KitRuleBase<Options, MessageIds> {
  readonly listen?: undefined;
  create(
    context: RuleContext<MessageIds, Options>,
    model: DurableObjectModel,
    options: Readonly<Options>,
  ): TSESLint.RuleListener | undefined;
}

/** A rule whose `create` returns its per-file object, whose methods `listen` are its listeners. */
interface ObjectRule<Options extends readonly unknown[], MessageIds extends string, PerFile extends object> extends KitRuleBase<
  Options,
  MessageIds
> {
  readonly listen: readonly (keyof PerFile & string)[];
  create(context: RuleContext<MessageIds, Options>, model: DurableObjectModel, options: Readonly<Options>): PerFile | undefined;
}

export type KitRule<Options extends readonly unknown[], MessageIds extends string, PerFile extends object = never> =
  ListenerRule<Options, MessageIds> | ObjectRule<Options, MessageIds, PerFile>;

/** Whether `text` mentions every entry of `mentions`. */
export function mentionsAll(text: string, mentions: Mentions): boolean {
  for (const m of mentions) {
    if (typeof m === "string") {
      if (!text.includes(m)) return false;
    } else if (!m.some((word) => text.includes(word))) {
      return false;
    }
  }
  return true;
}

const NONE: TSESLint.RuleListener = Object.freeze({});
const NO_OPTIONS: readonly never[] = Object.freeze([]);
/** Distinct configured options kept per rule (an editor's configs for a few projects); beyond it the memo starts again. */
const MAX_OPTION_SETS = 16;

/**
 * Makes a rule of the plugin (see the file comment). `PerFile` is the type of the object `create`
 * returns when the rule names its listener methods in `listen`.
 *
 * The options are typescript-eslint's `applyDefault` of the defaults and the configured options, as
 * its `RuleCreator` gives them, but worked out only for a file that passes the checks, never for a
 * rule without defaults (where `applyDefault` always gives `[]`), and once per distinct configured
 * options (by their JSON), not per file: it `structuredClone`s the defaults each time. The rules
 * only read their options, so files share them.
 */
export function createRule<Options extends readonly unknown[], MessageIds extends string, PerFile extends object = never>(
  rule: Readonly<KitRule<Options, MessageIds, PerFile>>,
) {
  const { mentions, outsideRegions, listen, create, ...rest } = rule;
  const defaults = (rest.meta.defaultOptions ?? rest.defaultOptions ?? NO_OPTIONS) as Options;
  const module = createPlainRule<Options, MessageIds>({ ...rest, create: () => NONE });
  /** The options worked out for each configured options' JSON (a config has few): `applyDefault` once each, not once per file. */
  const optionsFor = new Map<string, Readonly<Options>>();
  function optionsOf(configured: Readonly<Options>): Readonly<Options> {
    const key = JSON.stringify(configured);
    let options = optionsFor.get(key);
    if (!options) {
      if (optionsFor.size >= MAX_OPTION_SETS) optionsFor.clear();
      optionsFor.set(key, (options = ESLintUtils.applyDefault(defaults, configured as Options) as Readonly<Options>));
    }
    return options;
  }
  return {
    ...module,
    create(context: RuleContext<MessageIds, Options>): TSESLint.RuleListener {
      if (mentions && !mentionsAll(context.sourceCode.text, mentions)) return NONE;
      const model = getModel(context);
      if (!outsideRegions && !model.hasRegions) return NONE;
      const options = defaults.length === 0 ? (NO_OPTIONS as unknown as Readonly<Options>) : optionsOf(context.options);
      const shared = sharedListenersOf(context.sourceCode.ast);
      shared.begin(context.id);
      let made: object | undefined;
      try {
        made = create(context, model, options);
      } catch (error) {
        shared.abort();
        throw error;
      }
      const own = made === undefined ? NONE : listen ? methodListeners(made as PerFile, listen) : (made as TSESLint.RuleListener);
      const parts = shared.take();
      return parts ? mergeListeners(parts, own) : own;
    },
  };
}
