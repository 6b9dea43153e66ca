/**
 * require-sqlite-backend on workerd: each docs example runs on the backend the page's wrangler
 * config gives its class (`new_classes` is the key-value backend, what Miniflare's
 * `useSQLite: false` runs). The ❌ `Room` throws at its first `sql.exec`; the same code in the
 * SQLite-backed `Chat`, and a key-value `Room` on the asynchronous API, work.
 */
import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { parseCompatibility } from "../../../src/analysis/wrangler.js";
import { ROOT, docsWorkers, ruleProof, thrown, value } from "../harness.js";

const RULE = "require-sqlite-backend";

/** The classes the page's `<!-- test: wrangler-config -->` declares key-value backed. */
function keyValueClasses(): string[] {
  const page = fs.readFileSync(path.join(ROOT, "docs/rules", `${RULE}.md`), "utf8");
  const block = /<!-- test: wrangler-config -->\n```jsonc\n([\s\S]*?)```/.exec(page);
  const storage = block && parseCompatibility(block[1], "json")?.classStorage;
  if (!storage) throw new Error(`docs/rules/${RULE}.md: no wrangler-config block that declares class backends`);
  return [...storage].filter(([, s]) => s.backend === "kv").map(([name]) => name);
}

const { proof, runtime, define } = ruleProof(RULE, () => docsWorkers(RULE).map((w) => ({ ...w, keyValueClasses: keyValueClasses() })));

export default define(() => {
  it("❌ Room (new_classes): post() throws at its first sql.exec", async () => {
    expect(keyValueClasses()).toEqual(["Room"]);
    const error = thrown(await runtime().object("incorrect-0", "Room").call("post", "hello"));
    expect(error).toMatch(
      /^Error: SQL is not enabled for this Durable Object class\. To enable it, change `new_classes` to `new_sqlite_classes`/,
    );
    proof.failure("a", `❌ \`Room\` in \`new_classes\`: \`post()\` throws \`${error.slice(0, error.indexOf(". "))}.\``);
    proof.local(
      "a",
      "That a deployed class keeps its backend (Cloudflare's docs: a class in `new_classes` cannot move to `new_sqlite_classes` after it is deployed): locally every run starts new namespaces",
    );
  });

  it("✅ Chat (new_sqlite_classes): the same code stores and counts", async () => {
    const chat = runtime().object("correct-0", "Chat");
    expect(value(await chat.call("post", "hello"))).toBe(1);
    expect(value(await chat.call("post", "again"))).toBe(2);
    proof.fixed("a", "✅ `Chat` in `new_sqlite_classes`: the same `post()` stores and counts (1, then 2)");
  });

  it("✅ Room (new_classes) on the asynchronous API: stores and counts", async () => {
    const room = runtime().object("correct-1", "Room");
    expect(value(await room.call("post", "hello"))).toBe(1);
    expect(value(await room.call("post", "again"))).toBe(2);
    proof.fixed("b", "✅ `Room` in `new_classes` with `storage.get`/`put`: stores and counts (1, then 2)");
  });
});
