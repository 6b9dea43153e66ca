/**
 * require-delete-alarm-with-delete-all on workerd: the ❌ `Session` runs under four compatibility
 * settings. For each, the rule is linted with the same date and flags, and what it says must match
 * what workerd does: it reports exactly where the alarm survives `deleteAll()`. Where it survives,
 * it then fires on the emptied object. The rule's suggestion and the ✅ example delete it.
 */
import { expect, it } from "vitest";
import { COMPATIBILITY_DATE, type ObjectRef, type WorkerSpec, applySuggestions, docsExample, lint, ruleProof, value } from "../harness.js";

const RULE = "require-delete-alarm-with-delete-all";
const OLD_DATE = "2025-09-01";
const bad = docsExample(RULE, "incorrect-0").code;
const good = docsExample(RULE, "correct-0").code;
const suggested = applySuggestions(RULE, bad, "suggestDeleteAlarm");

interface Setting {
  worker: string;
  date: string;
  flags: string[];
}

const SETTINGS: Setting[] = [
  { worker: "incorrect-0", date: OLD_DATE, flags: [] },
  { worker: "incorrect-0-day-before", date: "2026-02-23", flags: [] },
  { worker: "incorrect-0-first-day", date: "2026-02-24", flags: [] },
  { worker: "incorrect-0-new-date", date: COMPATIBILITY_DATE, flags: [] },
  { worker: "incorrect-0-deletes-flag", date: OLD_DATE, flags: ["delete_all_deletes_alarm"] },
  { worker: "incorrect-0-preserves-flag", date: COMPATIBILITY_DATE, flags: ["delete_all_preserves_alarm"] },
];

const describeSetting = (s: Setting): string => `date ${s.date}${s.flags.map((f) => ` + \`${f}\``).join("")}`;

const specs = (): WorkerSpec[] => [
  ...SETTINGS.map((s) => ({ name: s.worker, code: bad, compatibilityDate: s.date, compatibilityFlags: s.flags })),
  { name: "correct-0", code: good, compatibilityDate: OLD_DATE },
  { name: "suggested", code: suggested, compatibilityDate: OLD_DATE },
];

const { proof, runtime, define } = ruleProof(RULE, specs);

/** `start()` with an alarm `ttlMs` ahead, then `logout()`: is the alarm still set? */
async function startThenLogout(session: ObjectRef, ttlMs: number): Promise<boolean> {
  value(await session.call("start", ttlMs));
  expect(await session.storage("getAlarm")).not.toBeNull();
  value(await session.call("logout"));
  expect(await session.keys()).toEqual([]);
  return (await session.storage("getAlarm")) !== null;
}

export default define(() => {
  for (const setting of SETTINGS) {
    it(`❌ Session at ${describeSetting(setting)}: the rule reports exactly when the alarm survives deleteAll()`, async () => {
      const reported = lint(RULE, bad, [{ compatibilityDate: setting.date, compatibilityFlags: setting.flags }]).length > 0;
      const survives = await startThenLogout(runtime().object(setting.worker, "Session"), 60_000);
      expect(survives).toBe(reported);
      const order = `${SETTINGS.indexOf(setting)}`;
      if (survives) {
        proof.failure(
          `b-${order}`,
          `❌ \`Session\` at ${describeSetting(setting)}: the alarm is still set after \`logout()\`; the rule reports`,
        );
      } else {
        proof.fixed(
          `c-${order}`,
          `the ❌ \`Session\` unchanged at ${describeSetting(setting)}: the alarm is deleted with the keys; the rule is silent`,
        );
      }
    });
  }

  it(`❌ Session at date ${OLD_DATE}: the surviving alarm fires alarm() on the emptied object`, async () => {
    const session = runtime().object("incorrect-0", "Session");
    expect(await startThenLogout(session, 60_000)).toBe(true);
    // The alarm survived; bring it forward rather than wait a minute.
    await session.storage("setAlarm", Date.now());
    const runs = await session.finishedAlarms();
    expect(runs[0]).toMatchObject({ keys: 0, threw: null });
    proof.failure(
      "a",
      `❌ \`Session\` at date ${OLD_DATE}: after \`start()\` and \`logout()\` (\`deleteAll()\`), the alarm still fires: \`alarm()\` runs on an object with 0 keys`,
    );
  });

  it(`suggestion applied and ✅ BatchProcessor at date ${OLD_DATE}: the alarm is gone`, async () => {
    const session = runtime().object("suggested", "Session");
    expect(await startThenLogout(session, 60_000)).toBe(false);
    proof.fixed("a", `suggestion applied (\`deleteAlarm()\` before \`deleteAll()\`), date ${OLD_DATE}: the alarm is deleted with the keys`);
    const batch = runtime().object("correct-0", "BatchProcessor");
    value(await batch.call("addItem", "x"));
    expect(await batch.storage("getAlarm")).not.toBeNull();
    value(await batch.call("cleanup"));
    expect(await batch.storage("getAlarm")).toBeNull();
    expect(await batch.keys()).toEqual([]);
    proof.fixed("b", `✅ \`BatchProcessor.cleanup()\`, date ${OLD_DATE}: alarm and keys deleted`);
  });
});
