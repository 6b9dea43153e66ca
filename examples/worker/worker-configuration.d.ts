// The bindings declared in wrangler.jsonc, in the shape `wrangler types` generates.
declare namespace Cloudflare {
  interface Env {
    COUNTER: DurableObjectNamespace<import("./src/counter").Counter>;
    CACHED_COUNTER: DurableObjectNamespace<import("./src/counter").CachedCounter>;
    NOTES: DurableObjectNamespace<import("./src/schema").Notes>;
    NOTES_LEGACY: DurableObjectNamespace<import("./src/schema").NotesLegacy>;
    SESSION: DurableObjectNamespace<import("./src/session").Session>;
    ROOM: DurableObjectNamespace<import("./src/room").Room>;
    CACHE: KVNamespace;
  }
}
interface Env extends Cloudflare.Env {}
