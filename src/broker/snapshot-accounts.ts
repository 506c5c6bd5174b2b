// Snapshots of many accounts of one login in one session (an advisor's gateway reports every account
// it manages): one read of positions and one of account values for all of them, open orders once,
// each distinct contract resolved once and quoted once for every account that holds or targets it.
// What it costs grows with the contracts, not with the accounts times their contracts.
//
// Above 50 accounts IB refuses the login-wide reads (REQ_POSITIONS, the account summary of group All:
// "not available in Introducing Broker or Financial Advisor master accounts that have very large
// numbers of subaccounts (> 50)"); the broker then reads per account (reqPositionsMulti,
// reqAccountUpdatesMulti), four messages per account, still one quote per contract (ib/ib-broker.ts).
import { BrokerError, InputError } from "../errors.js";
import type { Portfolio } from "../core/portfolio.js";
import type { Snapshot, SnapshotContract, SnapshotQuote } from "../core/snapshot.js";
import type { AccountsReader, AccountValues, Broker, ContractLookup, ContractQuery } from "./broker.js";
import {
  accountContracts,
  assembleSnapshot,
  checkAccountsManaged,
  checkBaseCurrency,
  type AccountReading,
} from "./take-snapshot.js";

export type AccountsBroker = Broker & AccountsReader;

/**
 * One snapshot per portfolio (each names its account), in the order given, each the same document
 * `takeSnapshot` makes for that portfolio alone. Fails, naming them, for accounts the login does not
 * manage or that appear twice; a contract error names the account whose portfolio asked for it.
 */
export async function snapshotAccounts(
  broker: AccountsBroker,
  portfolios: readonly Portfolio[],
  now: () => Date,
): Promise<Snapshot[]> {
  if (portfolios.length === 0) return [];
  const accounts = portfolios.map((p) => p.account);
  checkDistinct(accounts);
  checkAccountsManaged(broker.managedAccounts, accounts);
  const [values, positions, openOrders] = await Promise.all([
    broker.accountValuesOf(accounts),
    broker.positionsOf(accounts),
    broker.openOrders(),
  ]);
  const readings = portfolios.map((portfolio): AccountReading => {
    const accountValues = values.get(portfolio.account) as AccountValues;
    checkBaseCurrency(portfolio, accountValues);
    return { values: accountValues, positions: positions.get(portfolio.account) ?? [], openOrders };
  });
  const lookup = sharedLookup(broker);
  const contractsOf = await Promise.all(
    portfolios.map((portfolio, i) =>
      accountContracts(lookup, portfolio, readings[i] as AccountReading).catch((error: unknown) => {
        throw naming(portfolio.account, error);
      }),
    ),
  );
  const quoteOf = new Map<number, SnapshotQuote>();
  for (const quote of await broker.quotes(distinctContracts(contractsOf.flat())))
    quoteOf.set(quote.conId, quote);
  return portfolios.map((portfolio, i) => {
    const contracts = contractsOf[i] as SnapshotContract[];
    const quotes = contracts
      .map((c) => quoteOf.get(c.conId))
      .filter((q): q is SnapshotQuote => q !== undefined);
    return assembleSnapshot(portfolio.account, readings[i] as AccountReading, contracts, quotes, now);
  });
}

function checkDistinct(accounts: readonly string[]): void {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const account of accounts) {
    if (seen.has(account)) twice.add(account);
    seen.add(account);
  }
  if (twice.size === 0) return;
  const which =
    twice.size === 1 ? `account ${[...twice].join("")} is` : `accounts ${[...twice].join(", ")} are`;
  throw new InputError(`${which} listed more than once`, {
    hint: "Snapshot each account once: list it once.",
  });
}

/**
 * Contract lookups shared by every account: the same query is asked of IB once, however many
 * accounts' targets, positions or currency pairs name it. Each account still resolves its contracts
 * with the queries `takeSnapshot` would ask, so its snapshot is the same document.
 */
function sharedLookup(broker: ContractLookup): ContractLookup {
  const asked = new Map<string, Promise<SnapshotContract[]>>();
  return {
    contractDetails(query: ContractQuery) {
      const key = JSON.stringify([
        query.conId,
        query.symbol,
        query.secType,
        query.exchange,
        query.primaryExchange,
        query.currency,
      ]);
      let answer = asked.get(key);
      if (answer === undefined) {
        answer = broker.contractDetails(query);
        asked.set(key, answer);
      }
      return answer;
    },
  };
}

/** One per conId, first seen first: each is quoted once for every account. */
function distinctContracts(contracts: readonly SnapshotContract[]): SnapshotContract[] {
  const byConId = new Map<number, SnapshotContract>();
  for (const contract of contracts) if (!byConId.has(contract.conId)) byConId.set(contract.conId, contract);
  return [...byConId.values()];
}

/** A contract error says which account's portfolio asked for the contract. */
function naming(account: string, error: unknown): unknown {
  if (!(error instanceof BrokerError) || error.message.includes(account)) return error;
  // The same class (a TimeoutError stays one), the same hint and code.
  const Kind = error.constructor as typeof BrokerError;
  return new Kind(`account ${account}: ${error.message}`, {
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    ...(error.code === undefined ? {} : { code: error.code }),
    cause: error,
  });
}
