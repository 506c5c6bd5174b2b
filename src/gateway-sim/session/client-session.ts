// One API connection: the handshake, framing, pacing, and the outgoing queue that the fault script can
// delay or withhold from. Requests are handed to `dispatch` once START_API has arrived.
import type { Socket } from "node:net";
import { PacingMeter } from "../engine/pacing.js";
import { errorMessage, formatIbTime, serverHello } from "../messages/system-messages.js";
import { WireFormatError } from "../wire/field-reader.js";
import { encodeFrame, FrameDecoder } from "../wire/frame.js";
import type { ClientHello } from "../wire/frame.js";
import type { OutMessageName } from "../wire/message-ids.js";
import { IN, outMessageName } from "../wire/message-ids.js";
import type { ClientRequest } from "../wire/parse-request.js";
import { SERVER_VERSION_RANGE } from "../wire/server-versions.js";
import { parseRequest } from "../wire/parse-request.js";
import { describeIncoming, describeOutgoing } from "./describe-message.js";
import type { GatewayContext } from "./gateway-context.js";

export type Dispatch = (session: ClientSession, request: ClientRequest) => void;

export interface AccountUpdatesMulti {
  account: string;
  modelCode: string;
  ledgerAndNlv: boolean;
}

interface PendingFrame {
  due: number;
  frame: Buffer;
}

export class ClientSession {
  /** The client id from START_API; -1 until then. */
  clientId = -1;
  started = false;
  closed = false;
  /** The version agreed in the handshake: every message both ways is in its layout. */
  serverVersion = 0;
  /** Messages received on this connection, START_API included. */
  received = 0;
  positionsSubscribed = false;
  readonly accountSummaries = new Set<number>();
  /** The account reqAccountUpdates subscribed to: one at a time, as at IB. */
  accountUpdates: string | undefined;
  /** reqAccountUpdatesMulti and reqPositionsMulti subscriptions by request id ("" account: every one). */
  readonly accountUpdatesMulti = new Map<number, AccountUpdatesMulti>();
  readonly positionsMulti = new Map<number, { account: string; modelCode: string }>();
  /** reqPnL subscriptions: request id to account; reqPnLSingle: to account and contract. */
  readonly pnl = new Map<number, string>();
  readonly pnlSingle = new Map<number, { account: string; conId: number }>();
  /** Open streaming market data lines: reqId to conId and the data type they were opened with. */
  readonly marketLines = new Map<number, { conId: number; type: number }>();
  /** Set by REQ_MARKET_DATA_TYPE; 1 (live) until then. */
  marketDataType = 1;
  private readonly decoder = new FrameDecoder();
  private readonly pacing: PacingMeter;
  private readonly pending: PendingFrame[] = [];
  private pendingTimer: NodeJS.Timeout | undefined;
  /** Drops the connection if START_API has not arrived in time; cleared when the connection closes. */
  private readonly handshakeTimer: NodeJS.Timeout;
  /** Outgoing frames held back while connectivity is lost. */
  private held: Buffer[] = [];
  /** Requests that arrived while connectivity was lost, handled when it is restored. */
  private queued: string[][] = [];

  constructor(
    readonly connectionId: number,
    private readonly socket: Socket,
    private readonly ctx: GatewayContext,
    private readonly dispatch: Dispatch,
    private readonly onClose: (session: ClientSession) => void,
  ) {
    this.pacing = new PacingMeter(ctx.limits.messagesPerSecond, () => performance.now());
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("close", () => this.finish());
    socket.on("error", () => this.finish());
    const deadline = ctx.limits.handshakeTimeoutMs;
    this.handshakeTimer = setTimeout(() => {
      if (!this.started)
        this.close("abrupt", `no handshake (API\\0, version, START_API) within ${deadline} ms`);
    }, deadline);
  }

  get label(): string {
    return this.clientId >= 0 ? `client ${this.clientId}` : `connection ${this.connectionId}`;
  }

  get peakMessagesPerSecond(): number {
    return this.pacing.peak;
  }

  /** Sends one message, unless the fault script withholds it; delays keep the order of messages. */
  send(fields: string[], options: { bypassOutage?: boolean } = {}): void {
    if (this.closed) return;
    const name = outMessageName(fields[0]) as OutMessageName;
    if (this.ctx.faults.withholds(name)) {
      this.ctx.log(`[sim] ${this.label} withheld ${name} (fault script)`);
      return;
    }
    if (this.ctx.verbose) this.ctx.log(`[sim] ${this.label} <- ${describeOutgoing(fields)}`);
    const frame = encodeFrame(fields);
    this.ctx.stats.messagesSent += 1;
    if (this.ctx.inOutage() && !options.bypassOutage) {
      this.held.push(frame);
      return;
    }
    const delay = this.ctx.faults.delayFor(name);
    const now = performance.now();
    const last = this.pending[this.pending.length - 1];
    if (delay === 0 && last === undefined) {
      this.socket.write(frame);
      return;
    }
    this.pending.push({ due: Math.max(now + delay, last?.due ?? 0), frame });
    this.schedulePending();
  }

  /** ERR_MSG in the agreed version's layout. Id -1 is a notice (`info` in @stoqey/ib). */
  sendError(
    id: number,
    code: number,
    message: string,
    options: { bypassOutage?: boolean; advancedOrderRejectJson?: string } = {},
  ): void {
    this.send(errorMessage(this.serverVersion, id, code, message, options.advancedOrderRejectJson), options);
  }

  /** Connectivity is back: deliver what was held, then handle the requests that waited. */
  resume(): void {
    const held = this.held;
    this.held = [];
    for (const frame of held) if (!this.closed) this.socket.write(frame);
    const queued = this.queued;
    this.queued = [];
    for (const fields of queued) this.handle(fields);
  }

  /** Ends the connection: gracefully (pending writes flushed) or abruptly (a fault). */
  close(mode: "graceful" | "abrupt", reason: string): void {
    if (this.closed) return;
    this.ctx.log(`[sim] ${this.label} disconnected: ${reason}`);
    this.finish();
    if (mode === "abrupt") this.socket.destroy();
    else this.socket.end();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.handshakeTimer);
    if (this.pendingTimer !== undefined) clearTimeout(this.pendingTimer);
    this.pending.length = 0;
    this.held = [];
    this.queued = [];
    this.onClose(this);
  }

  private schedulePending(): void {
    if (this.pendingTimer !== undefined) return;
    const first = this.pending[0];
    if (first === undefined) return;
    this.pendingTimer = setTimeout(
      () => {
        this.pendingTimer = undefined;
        const now = performance.now();
        while (this.pending.length > 0 && (this.pending[0] as PendingFrame).due <= now + 1) {
          const item = this.pending.shift() as PendingFrame;
          if (!this.closed) this.socket.write(item.frame);
        }
        this.schedulePending();
      },
      Math.max(0, first.due - performance.now()),
    );
  }

  private onData(chunk: Buffer): void {
    // Every message of a chunk arrived together: handling the first ones must not make the last look later.
    const arrivedAt = performance.now();
    for (const event of this.decoder.push(chunk)) {
      if (this.closed) return;
      if (event.kind === "invalid") return this.close("abrupt", event.reason);
      if (event.kind === "hello") this.onHello(event.hello);
      else this.onMessage(event.fields, arrivedAt);
    }
  }

  /**
   * Agrees on the highest version both sides speak. A client whose range lies wholly outside the
   * simulator's gets the nearest version it does speak, so that the client reports the mismatch itself
   * (as IB answers a client it cannot serve with its own version), and the connection is closed.
   */
  private onHello(hello: ClientHello): void {
    const highest = Math.min(hello.maxVersion, this.ctx.serverVersion);
    const agreed = highest >= Math.max(hello.minVersion, SERVER_VERSION_RANGE.min);
    const version = agreed
      ? highest
      : hello.maxVersion < SERVER_VERSION_RANGE.min
        ? SERVER_VERSION_RANGE.min
        : highest;
    this.serverVersion = version;
    this.socket.write(encodeFrame(serverHello(version, formatIbTime(this.ctx.now()))));
    const range = `${hello.minVersion}..${hello.maxVersion}`;
    if (!agreed) {
      return this.close(
        "graceful",
        `the client speaks server versions ${range}, the simulator ${SERVER_VERSION_RANGE.min}..${this.ctx.serverVersion}`,
      );
    }
    this.ctx.log(`[sim] ${this.label} handshake ${range}, server version ${version}`);
  }

  private onMessage(fields: string[], arrivedAt: number): void {
    this.received += 1;
    this.ctx.stats.messagesReceived += 1;
    const pacing = this.pacing.record(arrivedAt);
    this.ctx.stats.peakMessagesPerSecond = Math.max(this.ctx.stats.peakMessagesPerSecond, pacing.inWindow);
    if (pacing.exceeded) {
      this.ctx.stats.pacingViolations += 1;
      const limit = this.ctx.limits.messagesPerSecond;
      this.sendError(
        -1,
        100,
        `Max rate of messages per second has been exceeded:max=${limit} rec=${pacing.inWindow} (1)`,
        { bypassOutage: true },
      );
      return this.close("graceful", `pacing violation: ${pacing.inWindow} messages in one second`);
    }
    if (!this.started && Number(fields[0]) !== IN.START_API) {
      return this.close("abrupt", `expected START_API, got message ${fields[0] ?? "?"}`);
    }
    if (this.started && this.ctx.inOutage()) {
      this.queued.push(fields);
      return;
    }
    this.handle(fields);
  }

  private handle(fields: string[]): void {
    const count = this.received;
    const request = this.parse(fields);
    if (request !== undefined) {
      if (this.ctx.verbose) {
        const parse = request.type === "PLACE_ORDER" ? request.parse : undefined;
        this.ctx.log(`[sim] ${this.label} -> ${describeIncoming(fields, parse)}`);
      }
      this.dispatch(this, request);
    }
    if (this.closed || !this.started) return;
    const triggered = this.ctx.faults.afterMessage(count, this.clientId);
    if (triggered.connectivity !== undefined) this.ctx.startOutage(triggered.connectivity);
    if (triggered.disconnect) this.close("abrupt", `fault script: disconnect after ${count} messages`);
  }

  private parse(fields: string[]): ClientRequest | undefined {
    try {
      return parseRequest(fields, this.serverVersion);
    } catch (error) {
      if (!(error instanceof WireFormatError)) throw error;
      // The client and the simulator disagree on a layout: say so loudly, as IB's "error reading request".
      const id = Number(fields[0]) === IN.PLACE_ORDER ? Number(fields[1]) : -1;
      this.ctx.warn(`[sim] ${this.label} cannot read ${describeIncoming(fields)}: ${error.message}`);
      this.sendError(Number.isFinite(id) ? id : -1, 320, `Error reading request: ${error.message}`);
      return undefined;
    }
  }
}
