// The server versions at which IB's clients change a message layout: one table, named after the
// MIN_SERVER_VER_* constants of IB's reference clients (EClient.java, server_versions.py), so that each
// gate in an encoder or parser can be checked against the reference decoders and encoders.
export const MIN_SERVER_VER = {
  /** MIN_SERVER_VER_UNREALIZED_PNL: PNL and PNL_SINGLE carry unrealised P&L. */
  UNREALIZED_PNL: 129,
  /** MIN_SERVER_VER_REALIZED_PNL: PNL and PNL_SINGLE carry realised P&L. */
  REALIZED_PNL: 135,
} as const;
