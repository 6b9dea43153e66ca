/** Every rule of the plugin, by name. Adding a rule here adds it to the configs its `meta.docs` names. */
import noPragmaUserVersion from "../rules/no-pragma-user-version.js";
import noUnsafeReadModifyWrite from "../rules/no-unsafe-read-modify-write.js";
import preferCoalescedWrites from "../rules/prefer-coalesced-writes.js";
import requireDeleteAlarmWithDeleteAll from "../rules/require-delete-alarm-with-delete-all.js";

export const rules = {
  "no-pragma-user-version": noPragmaUserVersion,
  "no-unsafe-read-modify-write": noUnsafeReadModifyWrite,
  "prefer-coalesced-writes": preferCoalescedWrites,
  "require-delete-alarm-with-delete-all": requireDeleteAlarmWithDeleteAll,
};

export type RuleName = keyof typeof rules;
