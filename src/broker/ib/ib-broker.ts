import { EventName } from "@stoqey/ib";
import type { CommissionReport, Contract, Execution, Order, OrderState, OrderStatus } from "@stoqey/ib";
import { BrokerError } from "../../errors.js";
import type { SnapshotContract, SnapshotPosition } from "../../core/snapshot.js";
import type {
  AccountsReader,
  AccountValues,
  Broker,
  BrokerEvent,
  BrokerOrder,
  BrokerSession,
  ContractQuery,
  OrderRequest,
} from "../broker.js";
import { readAccountsValues, readAccountValuesByUpdates } from "./account-values.js";
import { readContractDetails } from "./contracts.js";
import { readCurrentTime } from "./current-time.js";
import {
  CONNECTIVITY_LOST,
  CONNECTIVITY_RESTORED,
  CONNECTIVITY_RESTORED_DATA_LOST,
  IbConnection,
  type IbConnectionOptions,
} from "./ib-connection.js";
import {
  readCompletedOrders,
  readExecutions,
  readOpenOrders,
  toBrokerExecution,
  toBrokerOrder,
  toIbOrder,
} from "./orders.js";
import { mapInParallel } from "./map-in-parallel.js";
import { readPositionsMulti, readPositionsOf } from "./positions.js";
import { readQuotes } from "./quotes.js";

const ORDER_CANCELLED = 202;

/**
 * IB refuses REQ_POSITIONS and the account summary of group All to a login managing more than 50
 * accounts ("to optimize the performance of TWS/IB Gateway"); it offers reqPositionsMulti and
 * reqAccountUpdatesMulti per account instead, which such a login is asked.
 */
const MAX_ACCOUNTS_FOR_WHOLE_LOGIN_READS = 50;
/** Per-account subscriptions open at once on such a login, each cancelled once answered. */
const PER_ACCOUNT_READS_AT_ONCE = 10;

export interface IbBrokerOptions extends IbConnectionOptions {
  /** Stamps quotes with the time they were taken. */
  now?: () => Date;
}

/** The Broker port on the unmodified @stoqey/ib client. A new socket for every connect(). */
export class IbBroker implements Broker, AccountsReader {
  private conn: IbConnection | undefined;
  private readonly listeners = new Set<(event: BrokerEvent) => void>();
  /** What we know of each order by id, so that bare status events can say which order they are. */
  private readonly orders = new Map<number, BrokerOrder>();
  private readonly now: () => Date;
  private managed: readonly string[] = [];

  constructor(private readonly options: IbBrokerOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Messages sent to the gateway on the current connection. */
  get messagesSent(): number {
    return this.conn?.messagesSent ?? 0;
  }

  /** Decode errors (505) seen on the current connection. */
  get protocolErrors(): readonly string[] {
    return this.conn?.protocolErrors ?? [];
  }

  async connect(): Promise<BrokerSession> {
    await this.conn?.close();
    const conn = new IbConnection(this.options);
    this.wireEvents(conn);
    this.conn = conn;
    const session = await conn.connect();
    this.managed = session.managedAccounts;
    return session;
  }

  get managedAccounts(): readonly string[] {
    return this.managed;
  }

  async close(): Promise<void> {
    const conn = this.conn;
    this.conn = undefined;
    await conn?.close();
  }

  currentTime() {
    return readCurrentTime(this.connection());
  }

  async accountValues(account: string): Promise<AccountValues> {
    return (await this.accountValuesOf([account])).get(account) as AccountValues;
  }

  async positions(account: string): Promise<SnapshotPosition[]> {
    return (await this.positionsOf([account])).get(account) ?? [];
  }

  async accountValuesOf(accounts: readonly string[]): Promise<Map<string, AccountValues>> {
    const conn = this.connection();
    if (!this.isLargeLogin()) return readAccountsValues(conn, accounts);
    const values = await mapInParallel(accounts, PER_ACCOUNT_READS_AT_ONCE, (account) =>
      readAccountValuesByUpdates(conn, account),
    );
    return new Map(values.map((v) => [v.account, v]));
  }

  async positionsOf(accounts: readonly string[]): Promise<Map<string, SnapshotPosition[]>> {
    const conn = this.connection();
    if (!this.isLargeLogin()) return readPositionsOf(conn, accounts);
    const positions = await mapInParallel(accounts, PER_ACCOUNT_READS_AT_ONCE, (account) =>
      readPositionsMulti(conn, account),
    );
    return new Map(accounts.map((account, i) => [account, positions[i] as SnapshotPosition[]]));
  }

  private isLargeLogin(): boolean {
    return this.managed.length > MAX_ACCOUNTS_FOR_WHOLE_LOGIN_READS;
  }

  contractDetails(query: ContractQuery) {
    return readContractDetails(this.connection(), query);
  }

  quotes(contracts: SnapshotContract[]) {
    return readQuotes(this.connection(), contracts, this.now);
  }

  async openOrders(): Promise<BrokerOrder[]> {
    const orders = await readOpenOrders(this.connection());
    // Every client's orders are listed, but order ids are per client: only ours are tracked by id.
    for (const order of orders) if (this.isOwnClient(order.clientId)) this.orders.set(order.orderId, order);
    return orders;
  }

  completedOrders() {
    return readCompletedOrders(this.connection());
  }

  executions(account: string) {
    return readExecutions(this.connection(), account);
  }

  placeOrder(request: OrderRequest): Promise<{ orderId: number }> {
    const conn = this.connection();
    const orderId = conn.allocateOrderId();
    const { contract, order } = toIbOrder(request);
    this.orders.set(orderId, {
      orderId,
      permId: 0,
      clientId: this.options.clientId,
      account: request.account,
      conId: request.contract.conId,
      symbol: request.contract.symbol,
      side: request.side,
      quantity: request.quantity,
      filled: 0,
      remaining: request.quantity,
      avgFillPrice: 0,
      orderType: request.orderType,
      ...(request.limitPrice === undefined ? {} : { limitPrice: request.limitPrice }),
      orderRef: request.orderRef,
      status: "PendingSubmit",
    });
    return conn.request<{ orderId: number }>({
      what: `the order ${request.orderRef} (${request.side} ${request.quantity} ${request.contract.symbol})`,
      reqId: orderId,
      send: (api) => api.placeOrder(orderId, contract, order),
      // A rejection (201 and the like) fails the placement and is also an event, like later ones.
      onIbError: (code, message) => {
        this.emit({ kind: "order-error", orderId, code, message });
        return undefined;
      },
      onNotice: (code, message) => this.emit({ kind: "order-error", orderId, code, message }),
      listen: (done) => {
        const onOpen = (id: number) => {
          if (id === orderId) done({ orderId });
        };
        const onStatus = (id: number) => {
          if (id === orderId) done({ orderId });
        };
        conn.api.on(EventName.openOrder, onOpen);
        conn.api.on(EventName.orderStatus, onStatus);
        return () => {
          conn.api.off(EventName.openOrder, onOpen);
          conn.api.off(EventName.orderStatus, onStatus);
        };
      },
    });
  }

  async cancelOrder(orderId: number): Promise<void> {
    const conn = this.connection();
    await conn.request<true>({
      what: `the cancellation of order ${orderId}`,
      reqId: orderId,
      send: (api) => api.cancelOrder(orderId),
      // IB confirms a cancel with error 202 "Order Canceled"; anything else (10147 unknown id) fails.
      onIbError: (code) => (code === ORDER_CANCELLED ? true : undefined),
      // A fill may end the order before IB read the cancel.
      doneMayBeUnasked: true,
      listen: (done) => {
        const onStatus = (id: number, status: OrderStatus) => {
          if (
            id === orderId &&
            (status === "Cancelled" || status === "ApiCancelled" || status === "Filled")
          ) {
            done(true);
          }
        };
        conn.api.on(EventName.orderStatus, onStatus);
        return () => conn.api.off(EventName.orderStatus, onStatus);
      },
    });
  }

  subscribe(listener: (event: BrokerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: BrokerEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** An order of this connection's client id (IB leaves the id out of some messages: those are ours). */
  private isOwnClient(clientId: number | undefined): boolean {
    return clientId === undefined || clientId === this.options.clientId;
  }

  private connection(): IbConnection {
    if (!this.conn) {
      throw new BrokerError("not connected to IB Gateway", {
        hint: "This is a bug: connect() must come first.",
      });
    }
    return this.conn;
  }

  private wireEvents(conn: IbConnection): void {
    const api = conn.api;
    // REQ_ALL_OPEN_ORDERS makes IB report other clients' orders too, under their own order ids, which
    // can be ours as well (ids are per client): another client's order never becomes an event of ours.
    api.on(EventName.openOrder, (orderId: number, contract: Contract, order: Order, state: OrderState) => {
      if (!this.isOwnClient(order.clientId)) return;
      const known = this.orders.get(orderId);
      const next = toBrokerOrder(orderId, contract, order, state);
      if (known)
        Object.assign(next, {
          filled: known.filled,
          remaining: known.remaining,
          avgFillPrice: known.avgFillPrice,
        });
      this.orders.set(orderId, next);
    });
    api.on(
      EventName.orderStatus,
      (
        orderId: number,
        status: OrderStatus,
        filled: number,
        remaining: number,
        avgFillPrice: number,
        permId?: number,
        _parentId?: number,
        _lastFillPrice?: number,
        clientId?: number,
      ) => {
        if (!this.isOwnClient(clientId)) return;
        const known = this.orders.get(orderId);
        if (!known) return;
        Object.assign(known, {
          status: String(status),
          filled: Number(filled),
          remaining: Number(remaining),
          avgFillPrice,
          permId: permId || known.permId,
        });
        this.emit({ kind: "order-status", order: { ...known } });
      },
    );
    api.on(EventName.execDetails, (reqId: number, contract: Contract, execution: Execution) => {
      // Live fills come with reqId -1; fills answering reqExecutions belong to that request.
      if (reqId !== -1) return;
      this.emit({ kind: "execution", execution: toBrokerExecution(contract, execution) });
    });
    api.on(EventName.commissionReport, (report: CommissionReport) => {
      if (report.execId && report.commission !== undefined) {
        this.emit({
          kind: "commission",
          execId: report.execId,
          commission: report.commission,
          currency: report.currency ?? "",
        });
      }
    });
    conn.onOrderError((orderId, code, message) => this.emit({ kind: "order-error", orderId, code, message }));
    conn.onInfo((code, message) => {
      if (code === CONNECTIVITY_LOST) this.emit({ kind: "connection", state: "lost", code, message });
      if (code === CONNECTIVITY_RESTORED || code === CONNECTIVITY_RESTORED_DATA_LOST) {
        this.emit({ kind: "connection", state: "restored", code, message });
      }
    });
    conn.onDisconnect((reason) => {
      if (this.conn === conn) this.emit({ kind: "connection", state: "closed", message: reason });
    });
  }
}
