import { DurableObject } from "cloudflare:workers";

/** Notes are announced in the lobby room (an RPC call to another Durable Object). */
function lobby(env: Env) {
  return env.ROOM.get(env.ROOM.idFromName("lobby"));
}

/**
 * ❌ Schema versions kept in `PRAGMA user_version`, as an older variant of the pattern docs
 * recommends. Durable Object SQLite refuses that pragma (`Error: not authorized: SQLITE_AUTH`),
 * so this constructor throws on every start and the object never comes up.
 */
export class NotesLegacy extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;

    const ver = this.sql.exec<{ user_version: number }>("PRAGMA user_version").one()?.user_version || 0;
    if (ver < 1) {
      this.sql.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
      this.sql.exec("PRAGMA user_version = 1");
    }
    if (ver < 2) {
      this.sql.exec("ALTER TABLE notes ADD COLUMN likes INTEGER NOT NULL DEFAULT 0");
      this.sql.exec("PRAGMA user_version = 2");
    }
  }

  add(body: string): number {
    return this.sql.exec<{ id: number }>("INSERT INTO notes (body) VALUES (?) RETURNING id", body).one().id;
  }
}

/** ✅ Schema versions kept as rows of a `_sql_schema_migrations` table. */
export class Notes extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;

    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS _sql_schema_migrations (
        id INTEGER PRIMARY KEY,
        applied_at TEXT NOT NULL DEFAULT (datetime('now'))
      )
    `);
    const ver = this.sql
      .exec<{ version: number }>("SELECT COALESCE(MAX(id), 0) AS version FROM _sql_schema_migrations")
      .one().version;
    if (ver < 1) {
      this.sql.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
      this.sql.exec("INSERT INTO _sql_schema_migrations (id) VALUES (1)");
    }
    if (ver < 2) {
      this.sql.exec("ALTER TABLE notes ADD COLUMN likes INTEGER NOT NULL DEFAULT 0");
      this.sql.exec("INSERT INTO _sql_schema_migrations (id) VALUES (2)");
    }
  }

  async add(body: string): Promise<number> {
    const { id } = this.sql.exec<{ id: number }>("INSERT INTO notes (body) VALUES (?) RETURNING id", body).one();
    // Workers KV, not Durable Object storage: two independent KV writes, nothing to coalesce.
    await this.env.CACHE.put(`note:${id}`, body);
    await this.env.CACHE.put("notes:latest", String(id));
    return id;
  }

  /**
   * ❌ SELECT, then an RPC to another object, then UPDATE with the count read before it. The RPC
   * opens the input gate: likes that arrive meanwhile are overwritten.
   */
  async likeUnsafe(id: number): Promise<number> {
    const { likes } = this.sql.exec<{ likes: number }>("SELECT likes FROM notes WHERE id = ?", id).one();
    await lobby(this.env).announce(`note ${id} liked`);
    this.sql.exec("UPDATE notes SET likes = ? WHERE id = ?", likes + 1, id);
    return likes + 1;
  }

  /** ✅ One statement: SQLite adds 1 to whatever is stored, so no stale value is written back. */
  async like(id: number): Promise<number> {
    const { likes } = this.sql
      .exec<{ likes: number }>("UPDATE notes SET likes = likes + 1 WHERE id = ? RETURNING likes", id)
      .one();
    await lobby(this.env).announce(`note ${id} liked`);
    return likes;
  }
}
