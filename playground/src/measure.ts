/**
 * Not part of the page: the build bundles this entry with the page's own settings and runs it in
 * Node (a fresh `vm` context, no DOM) to print how long the first lint of the default example takes.
 */
import examples from "playground:examples";
import { lint } from "./lint.js";

Object.assign(globalThis, {
  playgroundMeasure(rule: string): { ms: number; findings: number } {
    const example = examples.find((e) => e.rule === rule) ?? examples[0];
    const started = performance.now();
    const findings = lint(example.code, { config: "recommended", compatibilityDate: "", compatibilityFlags: [] });
    return { ms: performance.now() - started, findings: findings.length };
  },
});
