/**
 * Whether `storage.deleteAll()` deletes the alarm too, under a Worker's compatibility settings: it
 * does with the `delete_all_deletes_alarm` flag, or from compatibility date 2026-02-24 on unless the
 * `delete_all_preserves_alarm` flag is set (measured on workerd).
 */
import path from "node:path";
import { compatibilityFor, describeSection, isOnOrAfter } from "./wrangler.js";

/** From this compatibility date on, `deleteAll()` deletes the alarm too (measured on workerd). */
export const DELETE_ALL_DELETES_ALARM_SINCE = "2026-02-24";

/** Settings given instead of those of the wrangler config (a rule's options). */
export interface CompatibilityOptions {
  compatibilityDate?: string;
  compatibilityFlags?: string[];
}

/** Why the alarm stays: an old date, no date known, a config without a valid date, a malformed config, the preserving flag. */
export type KeepsAlarmReason = "oldDate" | "unknownDate" | "noValidDate" | "ignoredConfig" | "preservesFlag";

/**
 * Why `deleteAll()` in `filename` leaves the alarm set, with where the date or flag came from (the
 * options first, then the nearest wrangler config); undefined when it deletes the alarm too.
 */
export function whyDeleteAllKeepsAlarm(
  filename: string,
  options: CompatibilityOptions,
): { messageId: KeepsAlarmReason; data: Record<string, string> } | undefined {
  const fromDir = path.dirname(path.resolve(filename));
  const settings =
    options.compatibilityDate !== undefined && options.compatibilityFlags !== undefined ? undefined : compatibilityFor(filename);
  const configPath = settings?.configPath;
  const date = options.compatibilityDate ?? settings?.date;
  const flags = options.compatibilityFlags ?? settings?.flags ?? [];
  if (flags.includes("delete_all_deletes_alarm")) return undefined;
  const preserves = flags.includes("delete_all_preserves_alarm");
  if (date !== undefined && isOnOrAfter(date, DELETE_ALL_DELETES_ALARM_SINCE)) {
    if (!preserves) return undefined;
    const source =
      options.compatibilityFlags !== undefined || configPath === undefined
        ? "the `compatibilityFlags` option"
        : describeSection(configPath, undefined, fromDir);
    return { messageId: "preservesFlag", data: { source } };
  }
  if (date !== undefined) {
    const source =
      options.compatibilityDate !== undefined || configPath === undefined
        ? "the `compatibilityDate` option"
        : describeSection(configPath, settings?.env, fromDir);
    return { messageId: "oldDate", data: { date, source } };
  }
  if (settings?.ignoredPath !== undefined) {
    return { messageId: "ignoredConfig", data: { file: describeSection(settings.ignoredPath, undefined, fromDir) } };
  }
  if (configPath !== undefined) return { messageId: "noValidDate", data: { source: describeSection(configPath, settings?.env, fromDir) } };
  return { messageId: "unknownDate", data: {} };
}
