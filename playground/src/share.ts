/**
 * The shareable link: the code and the settings, as JSON compressed with the browser's
 * `CompressionStream("deflate-raw")` and written in base64url after `#code=`. Nothing leaves the
 * page: the link is the whole state.
 */
import { CONFIG_NAMES, type ConfigName, type Settings } from "./lint.js";

export interface PlaygroundState extends Settings {
  code: string;
  /** The rule whose ❌ example the picker shows, or "" when the code is the user's own. */
  rule: string;
}

const KEY = "#code=";

async function through(bytes: Uint8Array<ArrayBuffer>, stream: CompressionStream | DecompressionStream): Promise<Uint8Array<ArrayBuffer>> {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** The `#code=…` fragment for `state`. */
export async function encodeState(state: PlaygroundState): Promise<string> {
  const json = JSON.stringify({
    code: state.code,
    config: state.config,
    date: state.compatibilityDate,
    flags: state.compatibilityFlags,
    rule: state.rule,
  });
  return KEY + toBase64Url(await through(new TextEncoder().encode(json), new CompressionStream("deflate-raw")));
}

/**
 * The state a `#code=…` fragment holds, or undefined when `hash` is not one or does not decode.
 * Fields that are missing or of the wrong type take the defaults.
 */
export async function decodeState(hash: string): Promise<PlaygroundState | undefined> {
  if (!hash.startsWith(KEY)) return undefined;
  try {
    const bytes = await through(fromBase64Url(hash.slice(KEY.length)), new DecompressionStream("deflate-raw"));
    const raw = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    if (typeof raw.code !== "string") return undefined;
    const config = CONFIG_NAMES.includes(raw.config as ConfigName) ? (raw.config as ConfigName) : "recommended";
    return {
      code: raw.code,
      config,
      compatibilityDate: typeof raw.date === "string" ? raw.date : "",
      compatibilityFlags: Array.isArray(raw.flags) ? raw.flags.filter((f): f is string => typeof f === "string") : [],
      rule: typeof raw.rule === "string" ? raw.rule : "",
    };
  } catch {
    return undefined;
  }
}
