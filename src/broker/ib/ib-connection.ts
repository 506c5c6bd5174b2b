// One socket to IB Gateway through the unmodified @stoqey/ib client: connecting with a timeout, pacing,
// request ids, and routing IB's error messages to the request or order they belong to.
import { EventName, IBApi } from "@stoqey/ib";
import { BrokerError, TimeoutError } from "../../errors.js";
import { GATEWAY_NAME, describeSocketError } from "../gateway-address.js";
import type { BrokerSession } from "../broker.js";
import { Pacer } from "./pacer.js";

export interface GatewayAddress {
  host: string;
  port: number;
  clientId: number;
}

export interface IbConnectionOptions extends GatewayAddress {
  /** Per request; every call to IB has one because the client has none of its own. Default 15 s. */
  timeoutMs?: number;
  /**
   * Default 48: messages in the pacer's window, which holds each one until 1.05 s after the gateway
   * has certainly read it (IB allows 50 in any second).
   */
  maxMessagesPerSecond?: number;
  /** Receives one line per message in both directions when set. */
  log?: (line: string) => void;
}

/** IB error codes that are notices, not failures, when they arrive for a request. */
const NOTICE_CODES = new Set([399, 2104, 2106, 2107, 2108, 2119, 2158, 10167, 10197]);

/** Info codes (id -1) about the gateway's own link to IB. */
export const CONNECTIVITY_LOST = 1100;
export const CONNECTIVITY_RESTORED_DATA_LOST = 1101;
export const CONNECTIVITY_RESTORED = 1102;

/** @stoqey/ib reports a message it could not decode as error 505 with no request id. */
const DECODE_ERROR = 505;

export type ErrorRoute = (code: number, message: string) => void;

export class IbConnection {
  readonly api: IBApi;
  readonly timeoutMs: number;
  private readonly pacer: Pacer;
  private readonly routes = new Map<number, ErrorRoute>();
  private orderErrorListener: ((orderId: number, code: number, message: string) => void) | undefined;
  /** Decode errors (505) seen on this connection; there should never be any. */
  readonly protocolErrors: string[] = [];
  private nextReqId = 1_000_000_000;
  private nextOrderId = 0;
  private closedByUs = false;
  private disconnectListeners: Array<(reason: string) => void> = [];
  private infoListeners: Array<(code: number, message: string) => void> = [];

  constructor(private readonly options: IbConnectionOptions) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.pacer = new Pacer({
      maxPerWindow: options.maxMessagesPerSecond ?? 48,
      windowMs: 1050,
      maxReadDelayMs: 10_000,
    });
    // The library's limiter is set out of reach: the Pacer above is the one that counts.
    this.api = new IBApi({ host: options.host, port: options.port, maxReqPerSec: 1000 });
    this.api.on(EventName.error, (error: Error, code: number, id: number) =>
      this.routeError(error, code, id),
    );
    this.api.on(EventName.info, (message: string, code: number) => {
      for (const listener of this.infoListeners) listener(code, message);
    });
    this.api.on(EventName.disconnected, () => {
      const reason = this.closedByUs ? "closed" : "the gateway closed the connection";
      for (const listener of this.disconnectListeners) listener(reason);
      for (const [, route] of this.routes) route(504, `not connected: ${reason}`);
    });
    if (options.log) {
      const log = options.log;
      this.api.on(EventName.sent, (tokens: string[]) => log(`-> ${tokens.join("|")}`));
      this.api.on(EventName.received, (tokens: string[]) => log(`<- ${tokens.join("|")}`));
    }
  }

  /** Messages this connection has sent through its pacer. */
  get messagesSent(): number {
    return this.pacer.sent;
  }

  /** Opens the socket and waits for MANAGED_ACCTS and NEXT_VALID_ID: before that, IB drops requests. */
  connect(): Promise<BrokerSession> {
    const { clientId } = this.options;
    return new Promise<BrokerSession>((resolve, reject) => {
      let managedAccounts: string[] | undefined;
      let serverVersion = 0;
      let connectionTime = "";
      const cleanup = () => {
        clearTimeout(timer);
        this.api.off(EventName.managedAccounts, onAccounts);
        this.api.off(EventName.nextValidId, onNextId);
        this.api.off(EventName.server, onServer);
        this.api.off(EventName.error, onError);
        this.api.off(EventName.info, onInfo);
        this.api.off(EventName.disconnected, onClosed);
      };
      const fail = (error: BrokerError) => {
        cleanup();
        this.api.disconnect();
        reject(error);
      };
      const finishIfReady = () => {
        if (managedAccounts === undefined || this.nextOrderId === 0) return;
        this.pacer.acknowledge(handshake);
        cleanup();
        resolve({ serverVersion, managedAccounts, connectionTime });
      };
      const onServer = (version: number, time: string) => {
        serverVersion = version;
        connectionTime = time;
      };
      const onAccounts = (accounts: string) => {
        managedAccounts = accounts
          .split(",")
          .map((a) => a.trim())
          .filter((a) => a !== "");
        finishIfReady();
      };
      const onNextId = (orderId: number) => {
        this.nextOrderId = Math.max(this.nextOrderId, orderId);
        finishIfReady();
      };
      const onError = (error: Error, code: number, id: number) => {
        if (id !== -1 && id !== undefined) return;
        onProblem(code, error.message);
      };
      // IB sends 326 with id -1, which @stoqey/ib reports as "info", not as an error.
      const onInfo = (message: string, code: number) => onProblem(code, message);
      const onProblem = (code: number, message: string) => {
        if (code === 326) {
          fail(
            new BrokerError(`${GATEWAY_NAME} refused client id ${clientId}: it is already in use`, {
              code,
              hint: "Use another --client-id (or FOLIOCTL_CLIENT_ID), or stop the other program using this one.",
            }),
          );
        } else if (code === 502 || code === 504) {
          fail(
            new BrokerError(`cannot connect to ${GATEWAY_NAME}: ${describeSocketError(message)}`, {
              code,
              hint: "Check that IB Gateway is running and logged in, that its API port is this one, and that this host is a trusted IP.",
            }),
          );
        }
      };
      const onClosed = () =>
        fail(
          new BrokerError(`${GATEWAY_NAME} closed the connection during the handshake`, {
            hint: "Check the gateway's API settings (socket clients enabled, trusted IPs) and its log.",
          }),
        );
      const timer = setTimeout(
        () =>
          fail(
            new TimeoutError(`${GATEWAY_NAME} did not become ready within ${this.timeoutMs} ms`, {
              hint: "The gateway may be logged out or waiting for two-factor approval: log in again and retry.",
            }),
          ),
        this.timeoutMs,
      );
      this.api.on(EventName.server, onServer);
      this.api.on(EventName.managedAccounts, onAccounts);
      this.api.on(EventName.nextValidId, onNextId);
      this.api.on(EventName.error, onError);
      this.api.on(EventName.info, onInfo);
      this.api.on(EventName.disconnected, onClosed);
      this.closedByUs = false;
      // The handshake's two messages (API version, START_API) count towards IB's limit too.
      const handshake = this.pacer.noteSent(2);
      this.api.connect(clientId);
    });
  }

  close(): Promise<void> {
    if (!this.api.isConnected) return Promise.resolve();
    this.closedByUs = true;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 1000);
      this.api.once(EventName.disconnected, () => {
        clearTimeout(timer);
        resolve();
      });
      this.api.disconnect();
    });
  }

  /**
   * Sends through the pacer so that this client never crosses IB's 50 messages per second; resolves with
   * the message's number for `answered`.
   */
  send(call: (api: IBApi) => void): Promise<number> {
    return this.pacer.schedule(() => call(this.api));
  }

  /** An answer to message `seq` arrived: the gateway has read it (and everything sent before it). */
  answered(seq: number): void {
    this.pacer.acknowledge(seq);
  }

  /** Request ids live far above order ids: IB reports errors for both by the same number. */
  allocateRequestId(): number {
    this.nextReqId += 1;
    return this.nextReqId;
  }

  allocateOrderId(): number {
    if (this.nextOrderId === 0) throw new BrokerError("not connected to IB Gateway: no order id yet");
    const id = this.nextOrderId;
    this.nextOrderId += 1;
    return id;
  }

  /** Errors IB sends for `id` go to `route` until the returned function is called. */
  routeErrors(id: number, route: ErrorRoute): () => void {
    this.routes.set(id, route);
    return () => {
      if (this.routes.get(id) === route) this.routes.delete(id);
    };
  }

  onOrderError(listener: (orderId: number, code: number, message: string) => void): void {
    this.orderErrorListener = listener;
  }

  onDisconnect(listener: (reason: string) => void): () => void {
    this.disconnectListeners.push(listener);
    return () => (this.disconnectListeners = this.disconnectListeners.filter((l) => l !== listener));
  }

  onInfo(listener: (code: number, message: string) => void): () => void {
    this.infoListeners.push(listener);
    return () => (this.infoListeners = this.infoListeners.filter((l) => l !== listener));
  }

  /**
   * Sends a request and settles when `listen`'s callbacks say so, failing with a clear error on a
   * timeout, a disconnect, or an IB error for `reqId` (notices such as 10167 are passed to `onNotice`).
   */
  request<T>(spec: {
    what: string;
    reqId?: number;
    send: (api: IBApi) => void;
    /**
     * Subscribes to the answer; `answered` says that some part of it arrived (the gateway has read the
     * request) where the whole answer takes long, as a quote's end does at IB.
     */
    listen: (done: (value: T) => void, fail: (error: Error) => void, answered: () => void) => () => void;
    /** An IB error for reqId: return a value to settle with it, or undefined to fail. */
    onIbError?: (code: number, message: string) => T | undefined;
    /** A notice for reqId (a warning such as 399 or 10167): the request goes on. */
    onNotice?: (code: number, message: string) => void;
    timeoutMs?: number;
    /**
     * `done` may come from an event the gateway sends unasked too (a fill ending an order being
     * cancelled): it then does not show that the request was read.
     */
    doneMayBeUnasked?: boolean;
  }): Promise<T> {
    const timeoutMs = spec.timeoutMs ?? this.timeoutMs;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let seq: number | undefined;
      let heard = false;
      // Anything the gateway sent about this request shows it read it; the pacer counts on that.
      const answered = () => {
        heard = true;
        if (seq !== undefined) this.answered(seq);
      };
      const cleanups: Array<() => void> = [];
      const settle = (finish: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        for (const cleanup of cleanups) cleanup();
        finish();
      };
      const done = (value: T) => {
        if (!spec.doneMayBeUnasked) answered();
        settle(() => resolve(value));
      };
      const fail = (error: Error) => settle(() => reject(error));
      const timer = setTimeout(
        () =>
          fail(
            new TimeoutError(`${GATEWAY_NAME} did not answer ${spec.what} within ${timeoutMs} ms`, {
              hint: "Check that the gateway is logged in and not overloaded, then run the command again.",
            }),
          ),
        timeoutMs,
      );
      cleanups.push(spec.listen(done, fail, answered));
      cleanups.push(
        this.onDisconnect((reason) =>
          fail(
            new BrokerError(`lost the connection to ${GATEWAY_NAME} during ${spec.what}: ${reason}`, {
              hint: "Check the gateway and run the command again; nothing is repeated that already happened.",
            }),
          ),
        ),
      );
      if (spec.reqId !== undefined) {
        cleanups.push(
          this.routeErrors(spec.reqId, (code, message) => {
            // 504 is ours (the socket closed) and 505 any message we could not read: neither is an answer.
            if (code !== 504 && code !== DECODE_ERROR) answered();
            if (NOTICE_CODES.has(code)) return spec.onNotice?.(code, message);
            const answer = spec.onIbError?.(code, message);
            if (answer !== undefined) done(answer);
            else
              fail(new BrokerError(`IB Gateway refused ${spec.what}: ${message} (code ${code})`, { code }));
          }),
        );
      }
      this.send(spec.send).then((sent) => {
        seq = sent;
        if (heard) this.answered(sent);
      }, fail);
    });
  }

  private routeError(error: Error, code: number, id: number): void {
    if (code === DECODE_ERROR) {
      // A message we could not read may have been a fill or a position: nothing read since is trusted.
      this.protocolErrors.push(error.message);
      for (const [, route] of this.routes)
        route(code, `a message from the gateway could not be decoded: ${error.message}`);
      return;
    }
    const route = this.routes.get(id);
    if (route) return route(code, error.message);
    if (id >= 0 && id < 1_000_000_000) this.orderErrorListener?.(id, code, error.message);
  }
}
