/**
 * Whether a runtime change that a compatibility date turns on (and flags turn on or off) applies
 * to a file: from the rule's options first, then the nearest wrangler config. Each rule that
 * depends on one names the change (`RuntimeChange`) and words its message from the answer.
 */
import path from "node:path";
import type { JSONSchema4 } from "@typescript-eslint/utils/json-schema";
import { CALENDAR_DATE_PATTERN, compatibilityFor, describeSection, isOnOrAfter } from "./wrangler.js";

/** Settings given instead of those of the wrangler config (a rule's options). */
export interface CompatibilityOptions {
  compatibilityDate?: string;
  compatibilityFlags?: string[];
}

/** The JSON schema of `CompatibilityOptions`, as a rule's only option. */
export const COMPATIBILITY_OPTIONS_SCHEMA: JSONSchema4 = {
  type: "object",
  description: "Overrides for what the nearest wrangler config says.",
  properties: {
    compatibilityDate: {
      type: "string",
      // ESLint's `format: "date"` names the problem ("should match format \"date\"") but checks
      // only the shape of the month and day; the pattern then rejects what is left ("2025-02-30").
      allOf: [
        { type: "string", format: "date" },
        { type: "string", pattern: CALENDAR_DATE_PATTERN },
      ],
      description:
        "The Worker's compatibility date (YYYY-MM-DD). Overrides `compatibility_date` from the nearest wrangler.toml / wrangler.json / wrangler.jsonc.",
    },
    compatibilityFlags: {
      type: "array",
      items: { type: "string" },
      uniqueItems: true,
      description: "The Worker's compatibility flags. Overrides `compatibility_flags` from the nearest wrangler config.",
    },
  },
  additionalProperties: false,
};

/** A runtime behaviour that compatibility settings switch: on from `since`, or with `enable`; off with `disable`. */
export interface RuntimeChange {
  since: string;
  enable: string;
  disable: string;
}

/**
 * Whether the change applies, and what says so (`source`: where the date or flag came from, as a
 * message shows it). `on: undefined` when no date is known: `why` says what was found instead.
 */
export type ChangeState =
  | { on: true; by: "date" | "flag"; source: string }
  | { on: false; by: "date"; date: string; source: string }
  | { on: false; by: "flag"; source: string }
  | { on: undefined; why: "unknownDate" }
  | { on: undefined; why: "noValidDate"; source: string }
  | { on: undefined; why: "ignoredConfig"; file: string };

export function changeState(filename: string, options: CompatibilityOptions, change: RuntimeChange): ChangeState {
  const fromDir = path.dirname(path.resolve(filename));
  const settings =
    options.compatibilityDate !== undefined && options.compatibilityFlags !== undefined ? undefined : compatibilityFor(filename);
  const configPath = settings?.configPath;
  const date = options.compatibilityDate ?? settings?.date;
  const flags = options.compatibilityFlags ?? settings?.flags ?? [];
  const flagSource = (): string =>
    options.compatibilityFlags !== undefined || configPath === undefined
      ? "the `compatibilityFlags` option"
      : describeSection(configPath, undefined, fromDir);
  const dateSource = (): string =>
    options.compatibilityDate !== undefined || configPath === undefined
      ? "the `compatibilityDate` option"
      : describeSection(configPath, settings?.env, fromDir);
  if (flags.includes(change.enable)) return { on: true, by: "flag", source: flagSource() };
  if (date !== undefined && isOnOrAfter(date, change.since)) {
    return flags.includes(change.disable)
      ? { on: false, by: "flag", source: flagSource() }
      : { on: true, by: "date", source: dateSource() };
  }
  if (date !== undefined) return { on: false, by: "date", date, source: dateSource() };
  if (settings?.ignoredPath !== undefined)
    return { on: undefined, why: "ignoredConfig", file: describeSection(settings.ignoredPath, undefined, fromDir) };
  if (configPath !== undefined) return { on: undefined, why: "noValidDate", source: describeSection(configPath, settings?.env, fromDir) };
  return { on: undefined, why: "unknownDate" };
}
