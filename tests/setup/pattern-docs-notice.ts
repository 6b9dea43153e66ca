/**
 * vitest globalSetup: says once, at the top of the run, when the tests made from the shared pattern
 * docs will be skipped (no ../shared beside this clone), so the skipped count has its reason.
 */
import { HAVE_PATTERN_DOCS, PATTERN_DOCS_DIR } from "../helpers/pattern-docs.js";

export default function setup(): void {
  if (!HAVE_PATTERN_DOCS) {
    console.log(
      `\nNote: ${PATTERN_DOCS_DIR} is not beside this clone; the tests made from the shared DO storage pattern docs are skipped (CI runs them).\n`,
    );
  }
}
