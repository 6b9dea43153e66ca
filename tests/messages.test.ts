/**
 * Every message says what goes wrong and what to do in at most 160 characters, not counting the
 * names it quotes (the `{{placeholders}}`); the measured evidence and the examples live on the
 * rule's docs page, which `meta.docs.url` links.
 */
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";

const LIMIT = 160;

describe("rule messages", () => {
  for (const [name, rule] of Object.entries(plugin.rules)) {
    it(`${name}: every message is at most ${LIMIT} characters besides the names it quotes`, () => {
      const long = Object.entries(rule.meta?.messages ?? {})
        .map(([id, text]) => ({ id, length: text.replace(/\{\{\s*\w+\s*\}\}/g, "").length }))
        .filter((m) => m.length > LIMIT);
      expect(long).toEqual([]);
    });
  }
});
