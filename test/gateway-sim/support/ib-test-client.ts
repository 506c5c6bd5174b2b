// Drives the unmodified @stoqey/ib client against the simulator and records every event it emits.
// Any decode error (code 505: a field-count mismatch or an unknown message) fails the test.
import { EventName, IBApi } from "@stoqey/ib";
import { expect } from "vitest";

export interface RecordedEvent {
  seq: number;
  name: string;
  args: unknown[];
}

export interface IbError {
  id: number;
  code: number;
  message: string;
}

const DEFAULT_TIMEOUT_MS = 5000;
const open = new Set<IbTestClient>();

export class IbTestClient {
  readonly ib: IBApi;
  readonly events: RecordedEvent[] = [];
  readonly decodeErrors: string[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly port: number,
    readonly clientId: number,
    options: { maxReqPerSec?: number } = {},
  ) {
    // Host, port and clientId always explicit: the package has no config defaults.
    this.ib = new IBApi({ host: "127.0.0.1", port, clientId, ...options });
    this.ib.on(EventName.all, (name: string, args: unknown[]) => {
      if (name === EventName.error && args[1] === 505)
        this.decodeErrors.push(String((args[0] as Error).message));
      this.events.push({ seq: this.events.length, name, args });
      for (const listener of [...this.listeners]) listener();
    });
    // Without a listener EventEmitter would throw on `error` events.
    this.ib.on(EventName.error, () => undefined);
    open.add(this);
  }

  /** Connects and resolves with nextValidId (the client is ready only then). */
  async connect(): Promise<number> {
    const since = this.mark();
    this.ib.connect(this.clientId);
    const event = await this.waitFor(EventName.nextValidId, { since });
    return event.args[0] as number;
  }

  /** Position in the event log, to wait for events that come after it. */
  mark(): number {
    return this.events.length;
  }

  waitFor(
    name: string,
    options: { since?: number; where?: (args: unknown[]) => boolean; timeoutMs?: number } = {},
  ): Promise<RecordedEvent> {
    const since = options.since ?? 0;
    const where = options.where ?? (() => true);
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this.decodeErrors.length > 0) {
          finish();
          reject(new Error(`@stoqey/ib decode error (505): ${this.decodeErrors.join("; ")}`));
          return true;
        }
        const found = this.events.slice(since).find((e) => e.name === name && where(e.args));
        if (found === undefined) return false;
        finish();
        resolve(found);
        return true;
      };
      const listener = (): void => void check();
      const timer = setTimeout(() => {
        finish();
        const seen = this.events.slice(since).map((e) => e.name);
        reject(
          new Error(
            `client ${this.clientId}: no ${name} event within ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms (saw: ${seen.join(", ")})`,
          ),
        );
      }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      const finish = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      if (!check()) this.listeners.add(listener);
    });
  }

  /** Events named `name` since `since`. */
  named(name: string, since = 0): unknown[][] {
    return this.events
      .slice(since)
      .filter((e) => e.name === name)
      .map((e) => e.args);
  }

  /** `error` events (id other than -1), decoded. */
  errors(since = 0): IbError[] {
    return this.named(EventName.error, since).map((args) => ({
      message: (args[0] as Error).message,
      code: args[1] as number,
      id: args[2] as number,
    }));
  }

  /** `info` events (ERR_MSG with id -1): code and message. */
  infos(since = 0): { code: number; message: string }[] {
    return this.named(EventName.info, since).map((args) => ({
      message: args[0] as string,
      code: args[1] as number,
    }));
  }

  /** Waits until the connection is closed (by either side). */
  async closed(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    if (!this.ib.isConnected && this.events.some((e) => e.name === EventName.disconnected)) return;
    await this.waitFor(EventName.disconnected, { timeoutMs });
  }

  async disconnect(): Promise<void> {
    open.delete(this);
    if (this.ib.isConnected) {
      const since = this.mark();
      this.ib.disconnect();
      await this.waitFor(EventName.disconnected, { since, timeoutMs: 2000 }).catch(() => undefined);
    }
    this.ib.removeAllListeners();
  }
}

export async function connectClient(
  port: number,
  clientId: number,
  options: { maxReqPerSec?: number } = {},
): Promise<IbTestClient> {
  const client = new IbTestClient(port, clientId, options);
  await client.connect();
  return client;
}

/** For afterEach: disconnects every client a test made and fails the test on any decode error. */
export async function closeClients(): Promise<void> {
  const clients = [...open];
  const decodeErrors = clients.flatMap((c) => c.decodeErrors);
  await Promise.all(clients.map((c) => c.disconnect()));
  expect(decodeErrors, "@stoqey/ib reported decode errors (505)").toEqual([]);
}
