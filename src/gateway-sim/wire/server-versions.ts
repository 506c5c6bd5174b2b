// The server versions at which a message layout changes, in one table. Each key is the name of a
// MIN_SERVER_VER_* constant of IB's reference clients (EClient.java, server_versions.py; the same names
// in @stoqey/ib's MIN_SERVER_VER), so every gate in an encoder or parser can be checked against IB's
// decoders and encoders. A field gated at N is on the wire when the agreed version is N or more.

/** The versions the simulator agrees to: the whole v100+ protocol, up to @stoqey/ib 1.6's maximum. */
export const SERVER_VERSION_RANGE = { min: 100, max: 193 } as const;

export const MIN_SERVER_VER = {
  /** MIN_SERVER_VER_FRACTIONAL_POSITIONS: quantities and positions are decimals, not integers. */
  FRACTIONAL_POSITIONS: 101,
  /** MIN_SERVER_VER_PEGGED_TO_BENCHMARK: orders carry conditions and adjusted-order fields. */
  PEGGED_TO_BENCHMARK: 102,
  /** MIN_SERVER_VER_MODELS_SUPPORT: modelCode in orders and executions; the *_MULTI requests. */
  MODELS_SUPPORT: 103,
  /** MIN_SERVER_VER_EXT_OPERATOR: PLACE_ORDER carries extOperator. */
  EXT_OPERATOR: 105,
  /** MIN_SERVER_VER_SOFT_DOLLAR_TIER: orders carry the soft dollar tier. */
  SOFT_DOLLAR_TIER: 106,
  /** MIN_SERVER_VER_MD_SIZE_MULTIPLIER: CONTRACT_DATA carries mdSizeMultiplier (until SIZE_RULES). */
  MD_SIZE_MULTIPLIER: 110,
  /** MIN_SERVER_VER_CASH_QTY: orders carry cashQty. */
  CASH_QTY: 111,
  /** MIN_SERVER_VER_REQ_SMART_COMPONENTS: REQ_MKT_DATA carries regulatorySnapshot. */
  REQ_SMART_COMPONENTS: 114,
  /** MIN_SERVER_VER_AGG_GROUP: CONTRACT_DATA carries aggGroup. */
  AGG_GROUP: 121,
  /** MIN_SERVER_VER_UNDERLYING_INFO: CONTRACT_DATA carries underSymbol and underSecType. */
  UNDERLYING_INFO: 122,
  /** MIN_SERVER_VER_MARKET_RULES: CONTRACT_DATA carries marketRuleIds. */
  MARKET_RULES: 126,
  /** MIN_SERVER_VER_PNL: REQ_PNL, REQ_PNL_SINGLE and their cancels exist. */
  PNL: 127,
  /** MIN_SERVER_VER_UNREALIZED_PNL: PNL and PNL_SINGLE carry unrealised P&L. */
  UNREALIZED_PNL: 129,
  /** MIN_SERVER_VER_MARKET_CAP_PRICE: ORDER_STATUS loses its version field and gains mktCapPrice. */
  MARKET_CAP_PRICE: 131,
  /** MIN_SERVER_VER_REAL_EXPIRATION_DATE: CONTRACT_DATA carries realExpirationDate. */
  REAL_EXPIRATION_DATE: 134,
  /** MIN_SERVER_VER_REALIZED_PNL: PNL and PNL_SINGLE carry realised P&L. */
  REALIZED_PNL: 135,
  /** MIN_SERVER_VER_LAST_LIQUIDITY: EXECUTION_DATA loses its version field and gains lastLiquidity. */
  LAST_LIQUIDITY: 136,
  /** MIN_SERVER_VER_DECISION_MAKER: PLACE_ORDER carries the MiFID II decision maker and algo. */
  DECISION_MAKER: 138,
  /** MIN_SERVER_VER_MIFID_EXECUTION: PLACE_ORDER carries the MiFID II execution trader and algo. */
  MIFID_EXECUTION: 139,
  /** MIN_SERVER_VER_AUTO_PRICE_FOR_HEDGE: orders carry dontUseAutoPriceForHedge. */
  AUTO_PRICE_FOR_HEDGE: 141,
  /** MIN_SERVER_VER_WHAT_IF_EXT_FIELDS: an order state carries margin before and change, not only after. */
  WHAT_IF_EXT_FIELDS: 142,
  /** MIN_SERVER_VER_ORDER_CONTAINER: OPEN_ORDER and PLACE_ORDER lose their version field; isOmsContainer. */
  ORDER_CONTAINER: 145,
  /** MIN_SERVER_VER_D_PEG_ORDERS: orders carry discretionaryUpToLimitPrice. */
  D_PEG_ORDERS: 148,
  /** MIN_SERVER_VER_REQ_COMPLETED_ORDERS: REQ_COMPLETED_ORDERS and COMPLETED_ORDER exist. */
  REQ_COMPLETED_ORDERS: 150,
  /** MIN_SERVER_VER_PRICE_MGMT_ALGO: orders carry usePriceMgmtAlgo. */
  PRICE_MGMT_ALGO: 151,
  /** MIN_SERVER_VER_STOCK_TYPE: CONTRACT_DATA carries stockType. */
  STOCK_TYPE: 152,
  /** MIN_SERVER_VER_ENCODE_MSG_ASCII7: error texts and long names escape non-ASCII as \uXXXX. */
  ENCODE_MSG_ASCII7: 153,
  /** MIN_SERVER_VER_DURATION: orders carry duration. */
  DURATION: 158,
  /** MIN_SERVER_VER_POST_TO_ATS: orders carry postToAts. */
  POST_TO_ATS: 160,
  /** MIN_SERVER_VER_AUTO_CANCEL_PARENT: OPEN_ORDER and PLACE_ORDER carry autoCancelParent. */
  AUTO_CANCEL_PARENT: 162,
  /** MIN_SERVER_VER_FRACTIONAL_SIZE_SUPPORT: CONTRACT_DATA carries sizeMinTick (until SIZE_RULES). */
  FRACTIONAL_SIZE_SUPPORT: 163,
  /** MIN_SERVER_VER_SIZE_RULES: CONTRACT_DATA loses its version field; minSize, sizeIncrement... */
  SIZE_RULES: 164,
  /** MIN_SERVER_VER_ADVANCED_ORDER_REJECT: ERR_MSG carries advancedOrderRejectJson; PLACE_ORDER its override. */
  ADVANCED_ORDER_REJECT: 166,
  /** MIN_SERVER_VER_MANUAL_ORDER_TIME: PLACE_ORDER carries manualOrderTime, CANCEL_ORDER its cancel time. */
  MANUAL_ORDER_TIME: 169,
  /** MIN_SERVER_VER_PEGBEST_PEGMID_OFFSETS: orders carry the PEG BEST / PEG MID fields. */
  PEGBEST_PEGMID_OFFSETS: 170,
  /** MIN_SERVER_VER_BOND_ISSUERID: REQ_CONTRACT_DATA carries issuerId. */
  BOND_ISSUERID: 176,
  /** MIN_SERVER_VER_FA_PROFILE_DESUPPORT: orders no longer carry faProfile. */
  FA_PROFILE_DESUPPORT: 177,
  /** MIN_SERVER_VER_PENDING_PRICE_REVISION: EXECUTION_DATA carries pendingPriceRevision. */
  PENDING_PRICE_REVISION: 178,
  /** MIN_SERVER_VER_FUND_DATA_FIELDS: CONTRACT_DATA carries 17 fund fields for a FUND. */
  FUND_DATA_FIELDS: 179,
  /** MIN_SERVER_VER_LAST_TRADE_DATE: CONTRACT_DATA carries lastTradeDate. */
  LAST_TRADE_DATE: 182,
  /** MIN_SERVER_VER_CUSTOMER_ACCOUNT: orders carry customerAccount. */
  CUSTOMER_ACCOUNT: 183,
  /** MIN_SERVER_VER_PROFESSIONAL_CUSTOMER: orders carry professionalCustomer. */
  PROFESSIONAL_CUSTOMER: 184,
  /** MIN_SERVER_VER_BOND_ACCRUED_INTEREST: OPEN_ORDER carries bondAccruedInterest. */
  BOND_ACCRUED_INTEREST: 185,
  /** MIN_SERVER_VER_INELIGIBILITY_REASONS: CONTRACT_DATA carries ineligibility reasons. */
  INELIGIBILITY_REASONS: 186,
  /** MIN_SERVER_VER_RFQ_FIELDS: PLACE_ORDER and CANCEL_ORDER carry RFQ fields (until UNDO_RFQ_FIELDS). */
  RFQ_FIELDS: 187,
  /** MIN_SERVER_VER_INCLUDE_OVERNIGHT: orders carry includeOvernight. */
  INCLUDE_OVERNIGHT: 189,
  /** MIN_SERVER_VER_UNDO_RFQ_FIELDS: the RFQ fields are gone again. */
  UNDO_RFQ_FIELDS: 190,
  /** MIN_SERVER_VER_CME_TAGGING_FIELDS: PLACE_ORDER, CANCEL_ORDER and REQ_GLOBAL_CANCEL carry CME tags; the cancels lose their version field. */
  CME_TAGGING_FIELDS: 192,
  /** MIN_SERVER_VER_CME_TAGGING_FIELDS_IN_OPEN_ORDER: OPEN_ORDER carries extOperator and manualOrderIndicator. */
  CME_TAGGING_FIELDS_IN_OPEN_ORDER: 193,
} as const;

/**
 * Message versions IB writes for messages that still had a version field at the agreed server version:
 * the highest version the reference decoders test for, so every field gated on it is present.
 */
export const MESSAGE_VERSION = {
  /** OPEN_ORDER below ORDER_CONTAINER (EOrderDecoder tests m_version up to 34). */
  OPEN_ORDER: 34,
  /** ORDER_STATUS below MARKET_CAP_PRICE (processOrderStatusMsg tests up to 6). */
  ORDER_STATUS: 6,
  /** EXECUTION_DATA below LAST_LIQUIDITY (processExecutionDataMsg tests up to 10). */
  EXECUTION_DATA: 10,
  /** CONTRACT_DATA below SIZE_RULES (processContractDataMsg tests up to 8). */
  CONTRACT_DATA: 8,
} as const;
