import { DurableObject } from "cloudflare:workers";

/** An older object, still in JavaScript, that keeps its schema version in SQLite. */
export class Legacy extends DurableObject {
  /** ❌ `PRAGMA user_version` throws `SQLITE_AUTH` on Durable Object SQLite. */
  migrate() {
    const version = this.ctx.storage.sql.exec("PRAGMA user_version").one().user_version;
    if (version < 1) this.ctx.storage.sql.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
  }
}
