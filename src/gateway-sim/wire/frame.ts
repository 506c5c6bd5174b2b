// TWS API framing after the handshake: [int32 BE length][field\0field\0...field\0], UTF-8.

const NUL = 0;
/** The largest frame @stoqey/ib accepts (0xffffff); anything bigger means a broken stream. */
export const MAX_FRAME_LENGTH = 0xffffff;

export function encodeFrame(fields: readonly string[]): Buffer {
  const payload = Buffer.from(fields.map((field) => `${field}\0`).join(""), "utf8");
  const frame = Buffer.allocUnsafe(4 + payload.length);
  frame.writeInt32BE(payload.length, 0);
  payload.copy(frame, 4);
  return frame;
}

/** Splits one frame's payload into its fields; the payload ends with a NUL after the last field. */
export function decodeFields(payload: Buffer): string[] {
  const text = payload.toString("utf8");
  const parts = text.split("\0");
  // A well-formed payload ends with NUL, so split leaves one empty string after it.
  if (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** The client's opening bytes: `API\0`, then a length-prefixed version string such as `v100..193`. */
export interface ClientHello {
  minVersion: number;
  maxVersion: number;
  /** Whatever followed the version range after a space (IB's connectOptions); usually "". */
  connectOptions: string;
}

export type FrameEvent =
  | { kind: "hello"; hello: ClientHello }
  | { kind: "message"; fields: string[] }
  | { kind: "invalid"; reason: string };

/**
 * Bytes received but not yet decoded, kept as the chunks they arrived in. A frame may be 16 MiB sent in
 * thousands of small writes: appending each chunk to one buffer would copy the whole buffer every time
 * (quadratic); here each byte is copied once, when the frame it belongs to is complete.
 */
class ByteQueue {
  private chunks: Buffer[] = [];
  length = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The first `count` bytes (at most `length`) as one buffer, left in the queue. */
  peek(count: number): Buffer {
    const first = this.chunks[0] ?? Buffer.alloc(0);
    if (first.length >= count) return first.subarray(0, count);
    let merged = 0;
    let chunks = 0;
    while (merged < count && chunks < this.chunks.length) merged += (this.chunks[chunks++] as Buffer).length;
    const joined = Buffer.concat(this.chunks.slice(0, chunks), merged);
    this.chunks.splice(0, chunks, joined);
    return joined.subarray(0, count);
  }

  /** Removes and returns the first `count` bytes (at most `length`). */
  take(count: number): Buffer {
    const taken = this.peek(count);
    const first = this.chunks[0] as Buffer;
    if (first.length === count) this.chunks.shift();
    else this.chunks[0] = first.subarray(count);
    this.length -= count;
    return taken;
  }
}

/**
 * Incremental reader for one connection: the first thing it yields is the client hello, then one
 * message per frame. Data may arrive in any fragmentation.
 */
export class FrameDecoder {
  private readonly pending = new ByteQueue();
  private helloDone = false;
  private failed = false;

  push(chunk: Buffer): FrameEvent[] {
    if (this.failed) return [];
    this.pending.push(chunk);
    const events: FrameEvent[] = [];
    for (;;) {
      const event = this.helloDone ? this.nextFrame() : this.nextHello();
      if (event === undefined) break;
      events.push(event);
      if (event.kind === "invalid") {
        this.failed = true;
        break;
      }
    }
    return events;
  }

  private nextHello(): FrameEvent | undefined {
    if (this.pending.length < 4) return undefined;
    if (this.pending.peek(4).toString("latin1") !== "API\0") {
      return { kind: "invalid", reason: "the connection did not start with API\\0" };
    }
    if (this.pending.length < 8) return undefined;
    const length = this.pending.peek(8).readInt32BE(4);
    if (length <= 0 || length > 1024)
      return { kind: "invalid", reason: `bad version string length ${length}` };
    if (this.pending.length < 8 + length) return undefined;
    const text = this.pending
      .take(8 + length)
      .toString("utf8", 8)
      .replace(/\0+$/, "");
    this.helloDone = true;
    const hello = parseVersionString(text);
    return hello === undefined
      ? { kind: "invalid", reason: `cannot read the version string "${text}"` }
      : { kind: "hello", hello };
  }

  private nextFrame(): FrameEvent | undefined {
    if (this.pending.length < 4) return undefined;
    const length = this.pending.peek(4).readInt32BE(0);
    if (length <= 0 || length > MAX_FRAME_LENGTH)
      return { kind: "invalid", reason: `bad frame length ${length}` };
    if (this.pending.length < 4 + length) return undefined;
    const payload = this.pending.take(4 + length).subarray(4);
    if (payload[payload.length - 1] !== NUL) {
      return { kind: "invalid", reason: "a frame did not end with a NUL" };
    }
    return { kind: "message", fields: decodeFields(payload) };
  }
}

/** `v100..193`, `v100`, optionally followed by a space and connect options. */
export function parseVersionString(text: string): ClientHello | undefined {
  const match = /^v(\d+)(?:\.\.(\d+))?(?: (.*))?$/s.exec(text);
  if (!match) return undefined;
  const minVersion = Number(match[1]);
  const maxVersion = match[2] === undefined ? minVersion : Number(match[2]);
  if (maxVersion < minVersion) return undefined;
  return { minVersion, maxVersion, connectOptions: match[3] ?? "" };
}
