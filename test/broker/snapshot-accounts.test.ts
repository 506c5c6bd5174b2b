// snapshotAccounts: many accounts of one login in one session, against the simulator through the
// unmodified @stoqey/ib client. Each account's snapshot is the document takeSnapshot makes for it
// alone; what is sent grows with the distinct contracts (one position stream, one account summary,
// one quote per contract), not with the accounts.
import { afterEach, describe, expect, it } from "vitest";
import { readGatewaySnapshots } from "../../src/broker/read-gateway-snapshot.js";
import { snapshotAccounts } from "../../src/broker/snapshot-accounts.js";
import { takeSnapshot } from "../../src/broker/take-snapshot.js";
import { parsePortfolio } from "../../src/config/load-portfolio.js";
import type { Portfolio } from "../../src/core/portfolio.js";
import type { Snapshot } from "../../src/core/snapshot.js";
import type { GatewaySim, SimStateFile } from "../../src/gateway-sim/index.js";
import { accountId, manyAccountsState } from "../gateway-sim/support/many-accounts-state.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { ACCOUNT, BND, VNQ, VTI } from "../gateway-sim/support/test-state.js";
import { SECOND, twoAccountState } from "../gateway-sim/support/two-accounts-state.js";
import { closeBrokers, connectBroker } from "./support/connect-broker.js";

afterEach(async () => {
  await closeBrokers();
  await stopSims();
});

const NOW = new Date("2026-11-24T15:00:00Z");
const now = () => NOW;
const THIRD = "DU5550001";

function portfolio(account: string, targets: string, extra = ""): Portfolio {
  const text = `version: 1\naccount: ${account}\nbaseCurrency: USD\ntargets:\n${targets}\ncash: { weight: 10 }\n${extra}`;
  const result = parsePortfolio(Buffer.from(text), `${account}.yaml`);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join("; "));
  return result.portfolio;
}

const THREE_ETFS = `  - { symbol: VTI, weight: 40, conId: ${VTI} }\n  - { symbol: BND, weight: 30 }\n  - { symbol: VNQ, weight: 20 }`;
const TWO_ETFS = `  - { symbol: VTI, weight: 60 }\n  - { symbol: BND, weight: 30 }`;

/** Three accounts of one login: the first holds VTI and BND, the second VNQ, the third BND. */
function threeAccountState(): SimStateFile {
  const state = twoAccountState();
  state.accounts.push({
    id: THIRD,
    baseCurrency: "USD",
    cash: { USD: 7000 },
    positions: [{ conId: BND, quantity: 10, avgCost: 70 }],
  });
  return state;
}

/** The three accounts' portfolios: the second targets two ETFs and holds a third outside them. */
function threePortfolios(): Portfolio[] {
  return [portfolio(ACCOUNT, THREE_ETFS), portfolio(SECOND, TWO_ETFS), portfolio(THIRD, THREE_ETFS)];
}

/** Requests the simulator had received so far, by message name, from its verbose log. */
function requestLog(lines: readonly string[]) {
  const received = [...lines];
  return (name: string) => received.filter((line) => line.includes(` -> ${name} `)).length;
}

async function verboseSim(state: SimStateFile): Promise<{ sim: GatewaySim; lines: string[] }> {
  const lines: string[] = [];
  const sim = await startTestSim({ state, verbose: true, logger: (line) => lines.push(line) });
  return { sim, lines };
}

async function singleSnapshots(sim: GatewaySim, portfolios: Portfolio[]): Promise<Snapshot[]> {
  const broker = await connectBroker(sim, { now });
  const snapshots: Snapshot[] = [];
  for (const p of portfolios) snapshots.push(await takeSnapshot(broker, p, now));
  return snapshots;
}

describe("snapshotAccounts", () => {
  it("gives each account the snapshot takeSnapshot gives it alone", async () => {
    const { sim } = await verboseSim(threeAccountState());
    const portfolios = threePortfolios();
    const many = await snapshotAccounts(await connectBroker(sim, { now }), portfolios, now);
    const alone = await singleSnapshots(sim, portfolios);
    expect(many).toEqual(alone);
    // Not three copies of one: each has its own cash, positions and contracts.
    expect(many.map((s) => [s.account, s.cash["USD"], s.positions.map((p) => p.conId)])).toEqual([
      [ACCOUNT, 25000, [VTI, BND]],
      [SECOND, 3000, [VNQ]],
      [THIRD, 7000, [BND]],
    ]);
    expect(many[1]?.contracts.map((c) => c.conId)).toEqual([VTI, BND, VNQ]);
  });

  it("reads positions and the summary once and quotes each contract once for every account", async () => {
    const { sim, lines } = await verboseSim(threeAccountState());
    await snapshotAccounts(await connectBroker(sim), threePortfolios(), now);
    const sent = requestLog(lines);
    expect(sent("REQ_POSITIONS")).toBe(1);
    expect(sent("REQ_ACCOUNT_SUMMARY")).toBe(1);
    expect(sent("REQ_ALL_OPEN_ORDERS") + sent("REQ_OPEN_ORDERS")).toBe(1);
    // VTI, BND and VNQ, held or targeted by all three accounts.
    expect(sent("REQ_MKT_DATA")).toBe(3);
    // Each query once however many accounts ask it: VTI by conId, BND and VNQ by symbol (the first
    // and third accounts' targets), VTI by symbol (the second's; its BND is the same query as theirs)
    // and VNQ by conId (the second holds it outside its targets). Alone: three for each account.
    const alone = lines.length;
    await singleSnapshots(sim, threePortfolios());
    const singles = requestLog(lines.slice(alone));
    expect(sent("REQ_CONTRACT_DATA")).toBe(5);
    expect(singles("REQ_CONTRACT_DATA")).toBe(9);
    expect(singles("REQ_MKT_DATA")).toBe(9);
  });

  it("names every account the login does not manage, before asking IB anything", async () => {
    const { sim, lines } = await verboseSim(threeAccountState());
    const broker = await connectBroker(sim);
    const before = lines.length;
    const portfolios = [
      portfolio(ACCOUNT, TWO_ETFS),
      portfolio("U0000001", TWO_ETFS),
      portfolio("U0000002", TWO_ETFS),
    ];
    await expect(snapshotAccounts(broker, portfolios, now)).rejects.toThrow(
      `IB Gateway is not logged in to accounts U0000001, U0000002; it manages: ${ACCOUNT}, ${SECOND}, ${THIRD}`,
    );
    expect(lines.slice(before).filter((line) => line.includes(" -> "))).toEqual([]);
  });

  it("refuses an account listed twice", async () => {
    const { sim } = await verboseSim(threeAccountState());
    const portfolios = [
      portfolio(SECOND, TWO_ETFS),
      portfolio(ACCOUNT, TWO_ETFS),
      portfolio(SECOND, TWO_ETFS),
    ];
    await expect(snapshotAccounts(await connectBroker(sim), portfolios, now)).rejects.toThrow(
      `account ${SECOND} is listed more than once`,
    );
  });

  it("names the account whose portfolio asks for a contract IB does not have", async () => {
    const { sim } = await verboseSim(threeAccountState());
    const portfolios = [portfolio(ACCOUNT, TWO_ETFS), portfolio(SECOND, `  - { symbol: NOPE, weight: 90 }`)];
    await expect(snapshotAccounts(await connectBroker(sim), portfolios, now)).rejects.toThrow(
      `account ${SECOND}: IB has no STK contract NOPE in USD on SMART`,
    );
  });

  it("connects, snapshots and disconnects through readGatewaySnapshots", async () => {
    const { sim } = await verboseSim(threeAccountState());
    const address = { host: sim.host, port: sim.port, clientId: 77 };
    const snapshots = await readGatewaySnapshots(address, threePortfolios(), now, { timeoutMs: 5_000 });
    expect(snapshots.map((s) => s.account)).toEqual([ACCOUNT, SECOND, THIRD]);
  });
});

describe("snapshotAccounts on a login managing more than 50 accounts", () => {
  it("reads each account with the per-account requests IB offers there, with the same snapshots", async () => {
    const { sim, lines } = await verboseSim(manyAccountsState(51));
    const portfolios = [
      portfolio(ACCOUNT, THREE_ETFS),
      portfolio(accountId(7), TWO_ETFS),
      portfolio(accountId(50), TWO_ETFS),
    ];
    const many = await snapshotAccounts(await connectBroker(sim, { now }), portfolios, now);
    const sent = requestLog(lines);
    expect(sent("REQ_POSITIONS")).toBe(0);
    expect(sent("REQ_ACCOUNT_SUMMARY")).toBe(0);
    expect(sent("REQ_POSITIONS_MULTI")).toBe(3);
    expect(sent("REQ_ACCOUNT_UPDATES_MULTI")).toBe(3);
    expect(sent("REQ_MKT_DATA")).toBe(3);
    expect(
      many.map((s) => [s.account, s.cash["USD"], s.positions.map((p) => [p.conId, p.quantity])]),
    ).toEqual([
      [
        ACCOUNT,
        25000,
        [
          [VTI, 100],
          [BND, 50],
        ],
      ],
      [accountId(7), 1007, [[VNQ, 7]]],
      [accountId(50), 1050, [[VNQ, 50]]],
    ]);
    expect(many).toEqual(await singleSnapshots(sim, portfolios));
  });

  it("gives the same snapshots as the login-wide reads of a login one account smaller", async () => {
    const portfolios = [portfolio(ACCOUNT, THREE_ETFS), portfolio(accountId(7), TWO_ETFS)];
    const large = await verboseSim(manyAccountsState(51));
    const perAccount = await snapshotAccounts(await connectBroker(large.sim, { now }), portfolios, now);
    const small = await verboseSim(manyAccountsState(50));
    const loginWide = await snapshotAccounts(await connectBroker(small.sim, { now }), portfolios, now);
    expect(requestLog(large.lines)("REQ_ACCOUNT_UPDATES_MULTI")).toBe(2);
    expect(requestLog(small.lines)("REQ_ACCOUNT_SUMMARY")).toBe(1);
    expect(perAccount).toEqual(loginWide);
  });
});
