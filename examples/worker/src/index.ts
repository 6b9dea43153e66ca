/**
 * The Worker: routes `/<object>/<name>/<action>` to the Durable Object named `<name>`.
 * `?unsafe` picks the ❌ variant of an action, so both twins can be tried side by side.
 */
import type { CartItem, Profile } from "./session";

export { CachedCounter, Counter } from "./counter";
export { Notes, NotesLegacy } from "./schema";
export { Room } from "./room";
export { Session } from "./session";

export default {
  async fetch(request, env): Promise<Response> {
    const url = new URL(request.url);
    const [, kind = "", name = "default", action = ""] = url.pathname.split("/");
    const unsafe = url.searchParams.has("unsafe");
    const user = request.headers.get("x-user") ?? "anonymous";

    switch (`${kind}/${action}`) {
      case "counter/increment": {
        const counter = env.COUNTER.get(env.COUNTER.idFromName(name));
        return Response.json({ count: unsafe ? await counter.incrementUnsafe(user) : await counter.increment(user) });
      }
      case "cached-counter/increment": {
        const counter = env.CACHED_COUNTER.get(env.CACHED_COUNTER.idFromName(name));
        return Response.json({ count: await counter.increment(user) });
      }
      case "notes/add": {
        const notes = unsafe ? env.NOTES_LEGACY.get(env.NOTES_LEGACY.idFromName(name)) : env.NOTES.get(env.NOTES.idFromName(name));
        return Response.json({ id: await notes.add(await request.text()) });
      }
      case "notes/like": {
        const notes = env.NOTES.get(env.NOTES.idFromName(name));
        const id = Number(url.searchParams.get("id"));
        return Response.json({ likes: unsafe ? await notes.likeUnsafe(id) : await notes.like(id) });
      }
      case "session/profile": {
        const session = env.SESSION.get(env.SESSION.idFromName(name));
        const profile = await request.json<Profile>();
        await session.touch();
        await (unsafe ? session.saveProfileUnsafe(profile) : session.saveProfile(profile));
        return new Response(null, { status: 204 });
      }
      case "session/cart": {
        const session = env.SESSION.get(env.SESSION.idFromName(name));
        await session.touch();
        if (request.method === "POST") {
          const items = await request.json<CartItem[]>();
          await (unsafe ? session.addToCartUnsafe(items) : session.addToCart(items));
        }
        return Response.json(await session.cart());
      }
      case "session/logout": {
        const session = env.SESSION.get(env.SESSION.idFromName(name));
        await (unsafe ? session.logoutUnsafe() : session.logout());
        return new Response(null, { status: 204 });
      }
      case "room/join": {
        const room = env.ROOM.get(env.ROOM.idFromName(name));
        // Workers KV, not Durable Object storage: two awaited KV puts are two independent writes.
        await env.CACHE.put(`room:${name}:last-user`, user);
        await env.CACHE.put(`room:${name}:last-seen`, new Date().toISOString(), { expirationTtl: 3600 });
        return Response.json({ visits: await room.join(user) });
      }
      case "room/reset": {
        // An RPC call to `Room.deleteAll()` through a stub, not `storage.deleteAll()`.
        await env.ROOM.get(env.ROOM.idFromName(name)).deleteAll();
        return new Response(null, { status: 204 });
      }
      default:
        return new Response("Not found", { status: 404 });
    }
  },
} satisfies ExportedHandler<Env>;
