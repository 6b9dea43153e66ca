// The bindings declared in wrangler.jsonc.
interface Env {
  VISITS: DurableObjectNamespace<import("./src/index").Visits>;
  PAGE: DurableObjectNamespace<import("./src/app").Page>;
  REMINDERS: DurableObjectNamespace<import("./src/reminders.mts").Reminders>;
  LEDGER: DurableObjectNamespace<import("./src/ledger").Ledger>;
  LEGACY: DurableObjectNamespace;
}

// The page's JSX, as a JSX library (Hono's `hono/jsx`, for one) would declare it; here every
// element renders to a string.
declare namespace JSX {
  type Element = string;
  interface IntrinsicElements {
    [tag: string]: Record<string, unknown>;
  }
}
