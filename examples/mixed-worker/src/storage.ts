/** The storage of a Durable Object, for helpers in other modules. */
export function storageOf(ctx: DurableObjectState): DurableObjectStorage {
  return ctx.storage;
}
