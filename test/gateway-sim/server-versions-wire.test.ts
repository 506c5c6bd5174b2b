// Byte-exact exchanges at server versions where @stoqey/ib 1.6 cannot be the judge (its OPEN_ORDER
// decoder misreads 103..144, its COMPLETED_ORDER decoder 150..176), and the handshake outside the
// simulator's range. Each expected message is written here field by field in the order IB's reference
// EDecoder / EOrderDecoder reads it (and each request as IB's EClient writes it), with the gate that
// puts a field on the wire: nothing is produced by the simulator's own encoders.
import { EventName } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import { RawClient } from "./support/raw-client.js";
import { cancelOrderRequest, placeOrderRequest } from "./support/reference-requests.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";
import { ACCOUNT, VTI } from "./support/test-state.js";

afterEach(async () => {
  await closeClients();
  await stopSims();
});

const UNSET = "1.7976931348623157E308";
const CLIENT_ID = 5;

/** A raw connection that has agreed on a version and received NEXT_VALID_ID. */
async function session(port: number, range: string): Promise<RawClient> {
  const raw = await RawClient.open(port);
  raw.hello(range);
  raw.send([71, 2, CLIENT_ID, ""]);
  await raw.until(() => raw.messages.some((m) => m[0] === "9"));
  return raw;
}

function messages(raw: RawClient, id: string): string[][] {
  return raw.messages.filter((m) => m[0] === id);
}

/** ORDER_STATUS fields of `orderId`: a version field comes first below MARKET_CAP_PRICE (131). */
function statuses(raw: RawClient, v: number, orderId: number): string[] {
  const shift = v < 131 ? 1 : 0;
  return messages(raw, "3")
    .filter((m) => m[1 + shift] === String(orderId))
    .map((m) => m[2 + shift] ?? "");
}

const REQUEST_BANDS = [
  100, 102, 103, 111, 130, 138, 141, 144, 145, 151, 160, 166, 169, 170, 177, 183, 187, 189, 190, 191, 192,
  193,
];

describe("requests in every band, as IB's EClient writes them", () => {
  it.each(REQUEST_BANDS)("reads PLACE_ORDER to its last field and CANCEL_ORDER at %i", async (v) => {
    const sim = await startTestSim();
    const raw = await session(sim.port, `v100..${v}`);
    const market = placeOrderRequest(v, {
      orderId: 1000,
      quantity: 2,
      orderType: "MKT",
      orderRef: `raw-${v}`,
    });
    raw.send(market);
    await raw.until(() => statuses(raw, v, 1000).includes("Filled"));
    raw.send(placeOrderRequest(v, { orderId: 1001, quantity: 1, orderType: "LMT", lmtPrice: 240 }));
    await raw.until(() => statuses(raw, v, 1001).includes("Submitted"));
    raw.send(cancelOrderRequest(v, 1001));
    await raw.until(() => statuses(raw, v, 1001).includes("Cancelled"));

    expect(sim.orders().map((o) => [o.orderId, o.orderRef, o.status, o.wire])).toEqual([
      [1000, `raw-${v}`, "Filled", { fieldCount: market.length, cursorEnd: market.length }],
      [1001, "", "Cancelled", expect.objectContaining({ cursorEnd: expect.any(Number) })],
    ]);
    // 202 for the cancel, and no 320 "Error reading request".
    expect(
      messages(raw, "4")
        .map((m) => m[3])
        .filter((code) => code !== "2104" && code !== "2106" && code !== "2158"),
    ).toEqual(["202"]);
    raw.destroy();
  });

  it("reads REQ_GLOBAL_CANCEL with its version field below 192 and the CME tags from 192", async () => {
    const sim = await startTestSim();
    for (const [v, request] of [
      [191, [58, 1]],
      [192, [58, "", "2147483647"]],
    ] as const) {
      const raw = await session(sim.port, `v100..${v}`);
      const orderId = 1000 + sim.orders().length;
      raw.send(placeOrderRequest(v, { orderId, quantity: 1, orderType: "LMT", lmtPrice: 240 }));
      await raw.until(() => statuses(raw, v, orderId).includes("Submitted"));
      raw.send([...request]);
      await raw.until(() => statuses(raw, v, orderId).includes("Cancelled"));
      raw.destroy();
    }
  });
});

describe("messages in older layouts, as IB's EDecoder reads them", () => {
  it("writes OPEN_ORDER, ORDER_STATUS and EXECUTION_DATA at 130", async () => {
    const sim = await startTestSim();
    const raw = await session(sim.port, "v100..130");
    raw.send(placeOrderRequest(130, { orderId: 1000, quantity: 2, orderType: "MKT", orderRef: "raw-130" }));
    await raw.until(() => messages(raw, "59").length > 0);
    const permId = String(sim.orders()[0]?.permId);
    const execution = sim.executions()[0];

    // EDecoder.processOpenOrderMsg / EOrderDecoder with m_version 34 and m_serverVersion 130.
    const openOrder: [string, string][] = [
      ["msgId", "5"],
      ["version (below ORDER_CONTAINER)", "34"],
      ["orderId", "1000"],
      ...contract(),
      ["action", "BUY"],
      ["totalQuantity", "2"],
      ["orderType", "MKT"],
      ["lmtPrice", ""],
      ["auxPrice", ""],
      ["tif", "DAY"],
      ["ocaGroup", ""],
      ["account", ACCOUNT],
      ["openClose", ""],
      ["origin", "0"],
      ["orderRef", "raw-130"],
      ["clientId", String(CLIENT_ID)],
      ["permId", permId],
      ["outsideRth", "0"],
      ["hidden", "0"],
      ["discretionaryAmt", "0"],
      ["goodAfterTime", ""],
      ["sharesAllocation", ""],
      ["faGroup", ""],
      ["faMethod", ""],
      ["faPercentage", ""],
      ["faProfile (below FA_PROFILE_DESUPPORT)", ""],
      ["modelCode (MODELS_SUPPORT)", ""],
      ["goodTillDate", ""],
      ["rule80A", ""],
      ["percentOffset", ""],
      ["settlingFirm", ""],
      ["shortSaleSlot", "0"],
      ["designatedLocation", ""],
      ["exemptCode", "-1"],
      ["auctionStrategy", "0"],
      ["startingPrice", ""],
      ["stockRefPrice", ""],
      ["delta", ""],
      ["stockRangeLower", ""],
      ["stockRangeUpper", ""],
      ["displaySize", ""],
      ["blockOrder", "0"],
      ["sweepToFill", "0"],
      ["allOrNone", "0"],
      ["minQty", ""],
      ["ocaType", "0"],
      ["eTradeOnly", "0"],
      ["firmQuoteOnly", "0"],
      ["nbboPriceCap", ""],
      ["parentId", "0"],
      ["triggerMethod", "0"],
      ["volatility", ""],
      ["volatilityType", "0"],
      ["deltaNeutralOrderType", ""],
      ["deltaNeutralAuxPrice", ""],
      ["continuousUpdate", "0"],
      ["referencePriceType", "0"],
      ["trailStopPrice", ""],
      ["trailingPercent", ""],
      ["basisPoints", ""],
      ["basisPointsType", ""],
      ["comboLegsDescrip", ""],
      ["comboLegs count", "0"],
      ["orderComboLegs count", "0"],
      ["smartComboRoutingParams count", "0"],
      ["scaleInitLevelSize", ""],
      ["scaleSubsLevelSize", ""],
      ["scalePriceIncrement", ""],
      ["hedgeType", ""],
      ["optOutSmartRouting", "0"],
      ["clearingAccount", ""],
      ["clearingIntent", ""],
      ["notHeld", "0"],
      ["deltaNeutralContract", "0"],
      ["algoStrategy", ""],
      ["solicited", "0"],
      ["whatIf", "0"],
      ["status", "Submitted"],
      // No before/change figures below WHAT_IF_EXT_FIELDS (142).
      ["initMarginAfter", UNSET],
      ["maintMarginAfter", UNSET],
      ["equityWithLoanAfter", UNSET],
      ["commission", UNSET],
      ["minCommission", UNSET],
      ["maxCommission", UNSET],
      ["commissionCurrency", ""],
      ["warningText", ""],
      ["randomizeSize", "0"],
      ["randomizePrice", "0"],
      ["conditions count (PEGGED_TO_BENCHMARK)", "0"],
      ["adjustedOrderType", ""],
      ["triggerPrice", ""],
      ["trailStopPrice", ""],
      ["lmtPriceOffset", ""],
      ["adjustedStopPrice", ""],
      ["adjustedStopLimitPrice", ""],
      ["adjustedTrailingAmount", ""],
      ["adjustableTrailingUnit", "0"],
      ["softDollarTier name (SOFT_DOLLAR_TIER)", ""],
      ["softDollarTier value", ""],
      ["softDollarTier displayName", ""],
      ["cashQty (CASH_QTY)", UNSET],
      // Nothing from AUTO_PRICE_FOR_HEDGE (141) on.
    ];
    const [first] = messages(raw, "5");
    expect(named(first, openOrder)).toEqual(openOrder);

    // processOrderStatusMsg below MARKET_CAP_PRICE (131): a version, no mktCapPrice.
    const filled = messages(raw, "3").find((m) => m[3] === "Filled");
    expect(filled).toEqual([
      "3",
      "6",
      "1000",
      "Filled",
      "2",
      "0",
      "250.05",
      permId,
      "0",
      "250.05",
      String(CLIENT_ID),
      "",
    ]);

    // processExecutionDataMsg below LAST_LIQUIDITY (136): a version (10), modelCode, no lastLiquidity.
    expect(messages(raw, "11")[0]).toEqual([
      "11",
      "10",
      "-1",
      "1000",
      String(VTI),
      "VTI",
      "STK",
      "",
      "0",
      "",
      "",
      "ARCA",
      "USD",
      "VTI",
      "VTI",
      execution?.execId,
      expect.stringMatching(/^\d{8} \d\d:\d\d:\d\d UTC$/),
      ACCOUNT,
      "ARCA",
      "BOT",
      "2",
      "250.05",
      permId,
      String(CLIENT_ID),
      "0",
      "2",
      "250.05",
      "raw-130",
      "",
      "",
      "", // modelCode (MODELS_SUPPORT)
    ]);
    raw.destroy();
  });

  it("writes COMPLETED_ORDER at 160 with faProfile and without the fields of 170 and later", async () => {
    const sim = await startTestSim();
    const raw = await session(sim.port, "v100..160");
    raw.send(placeOrderRequest(160, { orderId: 1000, quantity: 1, orderType: "MKT" }));
    await raw.until(() => messages(raw, "59").length > 0);
    raw.send([99, 0]);
    await raw.until(() => messages(raw, "102").length > 0);
    const permId = String(sim.orders()[0]?.permId);
    // EDecoder.processCompletedOrderMsg with m_serverVersion 160.
    const completed: [string, string][] = [
      ["msgId", "101"],
      ...contract(),
      ["action", "BUY"],
      ["totalQuantity", "1"],
      ["orderType", "MKT"],
      ["lmtPrice", ""],
      ["auxPrice", ""],
      ["tif", "DAY"],
      ["ocaGroup", ""],
      ["account", ACCOUNT],
      ["openClose", ""],
      ["origin", "0"],
      ["orderRef", ""],
      ["permId", permId],
      ["outsideRth", "0"],
      ["hidden", "0"],
      ["discretionaryAmt", "0"],
      ["goodAfterTime", ""],
      ["faGroup", ""],
      ["faMethod", ""],
      ["faPercentage", ""],
      ["faProfile (below FA_PROFILE_DESUPPORT)", ""],
      ["modelCode", ""],
      ["goodTillDate", ""],
      ["rule80A", ""],
      ["percentOffset", ""],
      ["settlingFirm", ""],
      ["shortSaleSlot", "0"],
      ["designatedLocation", ""],
      ["exemptCode", "-1"],
      ["startingPrice", ""],
      ["stockRefPrice", ""],
      ["delta", ""],
      ["stockRangeLower", ""],
      ["stockRangeUpper", ""],
      ["displaySize", ""],
      ["sweepToFill", "0"],
      ["allOrNone", "0"],
      ["minQty", ""],
      ["ocaType", "0"],
      ["triggerMethod", "0"],
      ["volatility", ""],
      ["volatilityType", "0"],
      ["deltaNeutralOrderType", ""],
      ["deltaNeutralAuxPrice", ""],
      ["continuousUpdate", "0"],
      ["referencePriceType", "0"],
      ["trailStopPrice", ""],
      ["trailingPercent", ""],
      ["comboLegsDescrip", ""],
      ["comboLegs count", "0"],
      ["orderComboLegs count", "0"],
      ["smartComboRoutingParams count", "0"],
      ["scaleInitLevelSize", ""],
      ["scaleSubsLevelSize", ""],
      ["scalePriceIncrement", ""],
      ["hedgeType", ""],
      ["clearingAccount", ""],
      ["clearingIntent", ""],
      ["notHeld", "0"],
      ["deltaNeutralContract", "0"],
      ["algoStrategy", ""],
      ["solicited", "0"],
      ["status", "Filled"],
      ["randomizeSize", "0"],
      ["randomizePrice", "0"],
      ["conditions count", "0"],
      ["trailStopPrice", ""],
      ["lmtPriceOffset", ""],
      ["cashQty", UNSET],
      ["dontUseAutoPriceForHedge", "0"],
      ["isOmsContainer", "0"],
      ["autoCancelDate", ""],
      ["filledQuantity", "1"],
      ["refFuturesConId", "0"],
      ["autoCancelParent", "0"],
      ["shareholder", ""],
      ["imbalanceOnly", "0"],
      ["routeMarketableToBbo", "0"],
      ["parentPermId", "0"],
      ["completedTime", expect.stringMatching(/^\d{8} \d\d:\d\d:\d\d UTC$/) as unknown as string],
      ["completedStatus", "Filled"],
      // Nothing from PEGBEST_PEGMID_OFFSETS (170) on.
    ];
    const [first] = messages(raw, "101");
    expect(named(first, completed)).toEqual(completed);
    raw.destroy();
  });

  it("writes CONTRACT_DATA with a version and mdSizeMultiplier at 130, and sizeMinTick at 163", async () => {
    const sim = await startTestSim();
    for (const [range, tail] of [
      // aggGroup (121), underSymbol/underSecType (122), marketRuleIds (126), realExpirationDate (134)
      ["v100..130", ["1", "", "", "26"]],
      // ... stockType (152), sizeMinTick (163, until SIZE_RULES 164)
      ["v100..163", ["1", "", "", "26", "", "", "1"]],
    ] as const) {
      const raw = await session(sim.port, range);
      raw.send([9, 8, 3, VTI, "", "", "", 0, "", "", "", "", "", "", "", 0, "", ""]);
      await raw.until(() => messages(raw, "52").length > 0);
      expect(messages(raw, "10")[0]).toEqual([
        "10",
        "8",
        "3",
        "VTI",
        "STK",
        "",
        "0",
        "",
        "SMART",
        "USD",
        "VTI",
        "VTI",
        "VTI",
        String(VTI),
        "0.01",
        "1", // mdSizeMultiplier (MD_SIZE_MULTIPLIER 110 .. SIZE_RULES 164)
        "",
        "ALGO,DAY,GTC,IOC,LMT,LOC,MKT,MOC,OCA",
        "SMART,ARCA",
        "1",
        "0",
        "Vanguard Total Stock Market ETF",
        "ARCA",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "0",
        ...tail,
      ]);
      raw.destroy();
    }
  });
});

describe("text outside ASCII", () => {
  it("is raw UTF-8 below ENCODE_MSG_ASCII7 (153) and \\uXXXX from it, which @stoqey/ib decodes back", async () => {
    const sim = await startTestSim();
    sim.addContract({
      conId: 1,
      symbol: "GLE",
      exchange: "SMART",
      currency: "EUR",
      longName: "Société Générale",
    });
    for (const [range, longName] of [
      ["v100..152", "Société Générale"],
      ["v100..153", "Soci\\u00e9t\\u00e9 G\\u00e9n\\u00e9rale"],
    ] as const) {
      const raw = await session(sim.port, range);
      raw.send([9, 8, 3, 1, "", "", "", 0, "", "", "", "", "", "", "", 0, "", ""]);
      await raw.until(() => messages(raw, "52").length > 0);
      expect([range, messages(raw, "10")[0]?.[21]]).toEqual([range, longName]);
      raw.destroy();
    }
    const client = await connectClient(sim.port, 9);
    const since = client.mark();
    client.ib.reqContractDetails(4, { conId: 1 });
    const event = await client.waitFor(EventName.contractDetails, { since });
    expect((event.args[1] as { longName: string }).longName).toBe("Société Générale");
  });
});

describe("the handshake outside the simulator's versions", () => {
  it("agrees on the client's highest version when it is lower, and names the version it speaks otherwise, then closes", async () => {
    const sim = await startTestSim({ serverVersion: 150 });
    const cases: [string, string, boolean][] = [
      ["v100..130", "130", false],
      ["v100..193", "150", false],
      // Wholly below the simulator's 100: it answers with the version it speaks, the client decides.
      ["v38..99", "100", true],
      // Wholly above this simulator's maximum.
      ["v160..193", "150", true],
    ];
    for (const [range, version, closes] of cases) {
      const raw = await RawClient.open(sim.port);
      raw.hello(range);
      await raw.until(() => raw.messages.length > 0);
      expect([range, raw.messages[0]?.[0]]).toEqual([range, version]);
      if (closes) await raw.until(() => raw.closed);
      else expect(raw.closed).toBe(false);
      raw.destroy();
    }
  });
});

function contract(): [string, string][] {
  return [
    ["conId", String(VTI)],
    ["symbol", "VTI"],
    ["secType", "STK"],
    ["lastTradeDateOrContractMonth", ""],
    ["strike", "0"],
    ["right", ""],
    ["multiplier", ""],
    ["exchange", "SMART"],
    ["currency", "USD"],
    ["localSymbol", "VTI"],
    ["tradingClass", "VTI"],
  ];
}

/** Pairs each received field with the name the expectation gives it, so that a mismatch names the field. */
function named(fields: string[] | undefined, expected: [string, string][]): [string, string | undefined][] {
  const received = fields ?? [];
  const length = Math.max(received.length, expected.length);
  return Array.from({ length }, (_, i) => [expected[i]?.[0] ?? `extra field ${i}`, received[i]]);
}
