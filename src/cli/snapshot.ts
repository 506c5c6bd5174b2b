import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { readGatewaySnapshot } from "../broker/read-gateway-snapshot.js";
import { formatDiagnostic } from "../config/diagnostic.js";
import { loadPortfolioFile } from "../config/load-portfolio.js";
import { InputError } from "../errors.js";
import type { CliContext } from "./context.js";
import { withGatewayOrSimulator, type GatewayFlags } from "./gateway-or-simulator.js";
import { systemClock } from "./system-clock.js";

export interface SnapshotFlags extends GatewayFlags {
  portfolio: string;
  out?: string;
}

// `folioctl snapshot`: the account as the gateway reports it, as a snapshot document (schema/snapshot.schema.json).
export async function runSnapshot(flags: SnapshotFlags, ctx: CliContext): Promise<number> {
  const loaded = await loadPortfolioFile(resolve(ctx.cwd, flags.portfolio));
  if (!loaded.ok) {
    throw new InputError(
      `${flags.portfolio} is not valid:\n${loaded.errors.map((e) => `  ${formatDiagnostic(e)}`).join("\n")}`,
      {
        hint: "Run `folioctl validate` for the details and fix the file.",
      },
    );
  }
  const snapshot = await withGatewayOrSimulator(flags, ctx, (address) =>
    readGatewaySnapshot(address, loaded.portfolio, systemClock.now),
  );
  const text = `${JSON.stringify(snapshot, null, 2)}\n`;
  if (flags.out === undefined) ctx.stdout.write(text);
  else await writeFile(resolve(ctx.cwd, flags.out), text);
  return 0;
}
