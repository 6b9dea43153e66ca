/**
 * Whether `storage.deleteAll()` deletes the alarm too, under a Worker's compatibility settings: it
 * does with the `delete_all_deletes_alarm` flag, or from compatibility date 2026-02-24 on unless the
 * `delete_all_preserves_alarm` flag is set (measured on workerd).
 */
import { type CompatibilityOptions, type RuntimeChange, changeState } from "./compat.js";

/** From this compatibility date on, `deleteAll()` deletes the alarm too (measured on workerd). */
export const DELETE_ALL_DELETES_ALARM_SINCE = "2026-02-24";

const DELETE_ALL_DELETES_ALARM: RuntimeChange = {
  since: DELETE_ALL_DELETES_ALARM_SINCE,
  enable: "delete_all_deletes_alarm",
  disable: "delete_all_preserves_alarm",
};

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
  const state = changeState(filename, options, DELETE_ALL_DELETES_ALARM);
  if (state.on === true) return undefined;
  if (state.on === false) {
    return state.by === "flag"
      ? { messageId: "preservesFlag", data: { source: state.source } }
      : { messageId: "oldDate", data: { date: state.date, source: state.source } };
  }
  switch (state.why) {
    case "ignoredConfig":
      return { messageId: "ignoredConfig", data: { file: state.file } };
    case "noValidDate":
      return { messageId: "noValidDate", data: { source: state.source } };
    case "unknownDate":
      return { messageId: "unknownDate", data: {} };
  }
}
