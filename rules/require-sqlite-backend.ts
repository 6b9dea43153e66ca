import path from "node:path";
import type { TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../src/rule-kit.js";
import type { ClassNode } from "../src/analysis/ast.js";
import { exportedClassNames } from "../src/analysis/exported-classes.js";
import { isSqlTag } from "../src/analysis/sql-source.js";
import type { ClassFacts, DurableObjectModel } from "../src/analysis/storage.js";
import { type ClassStorage, compatibilityFor, describeSection } from "../src/analysis/wrangler.js";

/** The calls that throw on the key-value backend: `sql.exec()` and the synchronous `storage.kv` methods (measured). */
const SQLITE_ONLY_CALLS: ReadonlySet<string> = new Set(["exec", "get", "put", "delete", "list"]);
const CALL_NAMES = [...SQLITE_ONLY_CALLS];

type MessageIds = "kvMigrations" | "kvRenamed" | "kvExports";
const MESSAGE_BY_VIA: Record<ClassStorage["via"], MessageIds> = { migrations: "kvMigrations", renamed: "kvRenamed", exports: "kvExports" };

export default createRule<[], MessageIds>({
  name: "require-sqlite-backend",
  meta: {
    type: "problem",
    docs: {
      description:
        "Require the SQLite backend for a Durable Object class that uses `ctx.storage.sql` or the synchronous `ctx.storage.kv` API",
      recommended: "error",
    },
    schema: [],
    messages: {
      kvMigrations:
        "{{api}} throws: {{config}} puts `{{className}}` in `new_classes` (key-value backend). " +
        "Not deployed yet: use `new_sqlite_classes`. Deployed: move to a new SQLite class.",
      kvRenamed:
        "{{api}} throws: `{{className}}` is key-value backed ({{config}}: `new_classes`, then renamed). " +
        "A deployed class keeps its backend: move to a new SQLite class.",
      kvExports:
        '{{api}} throws: {{config}} declares `{{className}}` with `"storage": "legacy-kv"`. ' +
        'Not deployed yet: use `"sqlite"`. Deployed: move to a new SQLite class.',
    },
  },
  create(context, model) {
    const calls = model.calls(CALL_NAMES, { sqlTags: true });
    const properties: TSESTree.MemberExpression[] = [];
    return {
      // `sql.databaseSize` throws too (measured); reading it is a property, not a call.
      "MemberExpression[property.name='databaseSize']"(node: TSESTree.MemberExpression) {
        if (!node.computed && model.kindOf(node.object) === "sql") properties.push(node);
      },
      "Program:exit"() {
        const uses: { node: TSESTree.Node; api: string }[] = [];
        for (const name of CALL_NAMES) {
          for (const call of calls.of(name)) {
            const h = model.handleCall(call, SQLITE_ONLY_CALLS);
            if (h && ((h.kind === "sql" && h.method === "exec") || (h.kind === "kv" && h.method !== "exec"))) {
              uses.push({ node: call, api: `\`${h.kind}.${h.method}()\`` });
            }
          }
        }
        for (const p of properties) uses.push({ node: p, api: "`sql.databaseSize`" });
        // The Agents SDK's `this.sql`…`` runs `exec()` on the object's database.
        for (const tag of calls.sqlTags()) if (isSqlTag(model, tag)) uses.push({ node: tag, api: "`this.sql`" });
        if (uses.length === 0) return;
        const settings = compatibilityFor(context.filename);
        if (!settings.classStorage || !settings.configPath) return;
        const config = describeSection(settings.configPath, undefined, path.dirname(path.resolve(context.filename)));
        const kvNames = kvBackedNames(model, context.sourceCode, settings.classStorage);
        if (kvNames.size === 0) return;
        const reported = new Set<string>();
        uses.sort((a, b) => a.node.range[0] - b.node.range[0]);
        for (const { node, api } of uses) {
          const cls = model.durableObjectClassAt(node);
          const kv = cls && kvNames.get(cls.node);
          if (!kv) continue;
          // One report per class and API: the first use says it all.
          const once = `${kv.name}\0${api}`;
          if (reported.has(once)) continue;
          reported.add(once);
          context.report({ node, messageId: MESSAGE_BY_VIA[kv.via], data: { api, config, className: kv.name } });
        }
      },
    };
  },
});

/**
 * The classes of this file whose code runs in a class the config declares key-value backed: an
 * exported class so declared, and the local classes it extends (their methods run in it too).
 * A class that is SQLite-backed under another of its exported names, or the base of such a class,
 * is left out: which backend runs its code cannot be told.
 */
function kvBackedNames(
  model: DurableObjectModel,
  sourceCode: Parameters<typeof exportedClassNames>[0],
  declared: ReadonlyMap<string, ClassStorage>,
): Map<ClassNode, { name: string; via: ClassStorage["via"] }> {
  const kv = new Map<ClassNode, { name: string; via: ClassStorage["via"] }>();
  const sqlite = new Set<ClassNode>();
  for (const [cls, names] of exportedClassNames(sourceCode)) {
    const facts = model.classOf(cls);
    for (const name of names) {
      const storage = declared.get(name);
      if (!storage) continue;
      for (
        let f: ClassFacts | undefined = facts, depth = 0;
        f && depth < 16;
        f = typeof f.base === "object" ? f.base : undefined, depth++
      ) {
        if (storage.backend === "sqlite") sqlite.add(f.node);
        else if (!kv.has(f.node)) kv.set(f.node, { name, via: storage.via });
      }
    }
  }
  for (const cls of sqlite) kv.delete(cls);
  return kv;
}
