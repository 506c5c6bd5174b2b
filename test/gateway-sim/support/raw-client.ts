// A bare TWS API client for what @stoqey/ib will not do on purpose: bursts past its own throttle,
// other version ranges. It speaks the same framing and records every message the server sends.
import { connect } from "node:net";
import type { Socket } from "node:net";

export class RawClient {
  readonly messages: string[][] = [];
  closed = false;
  private buffer = Buffer.alloc(0);
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4) {
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < 4 + length) break;
        const payload = this.buffer.subarray(4, 4 + length).toString("utf8");
        this.buffer = this.buffer.subarray(4 + length);
        this.messages.push(payload.split("\0").slice(0, -1));
      }
      this.notify();
    });
    socket.on("close", () => {
      this.closed = true;
      this.notify();
    });
    socket.on("error", () => undefined);
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port }, () => resolve(new RawClient(socket)));
      socket.once("error", reject);
    });
  }

  /** `API\0` and the version range, as the first bytes of the connection. */
  hello(range = "v100..193"): void {
    const text = Buffer.from(range, "utf8");
    const length = Buffer.alloc(4);
    length.writeInt32BE(text.length, 0);
    this.socket.write(Buffer.concat([Buffer.from("API\0", "latin1"), length, text]));
  }

  /** Several framed messages in one write, as one burst. */
  send(...messages: (string | number)[][]): void {
    const frames = messages.map((fields) => {
      const payload = Buffer.from(fields.map((f) => `${f}\0`).join(""), "utf8");
      const length = Buffer.alloc(4);
      length.writeInt32BE(payload.length, 0);
      return Buffer.concat([length, payload]);
    });
    this.socket.write(Buffer.concat(frames));
  }

  until(done: () => boolean, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(`raw client: condition not met in ${timeoutMs} ms; got ${JSON.stringify(this.messages)}`),
        );
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
