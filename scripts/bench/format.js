/**
 * How the bench writes its numbers, for its own output and for scripts/performance-page.js, which
 * renders docs/performance.md from the bench's JSON in the same form.
 */
export const ms = (x) =>
  Number.isFinite(x) ? (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2)) : "n/a";
export const pct = (x) => (Number.isFinite(x) ? `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%` : "n/a");
export const ratio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : "n/a");
export const range = (s) => `${ms(s.min)}–${ms(s.max)}`;
export const exponent = (x) => (Number.isFinite(x) ? x.toFixed(2) : "n/a");
export const lineCount = (text) => text.split("\n").length;

/** A Markdown table, first column left-aligned, the others right-aligned. */
export function table(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map(String));
  const widths = headers.map((_, i) => Math.max(3, ...cells.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
  const sep = `| ${widths.map((w, i) => (i === 0 ? `:${"-".repeat(w - 1)}` : `${"-".repeat(w - 1)}:`)).join(" | ")} |`;
  return [line(cells[0]), sep, ...cells.slice(1).map(line)].join("\n");
}
