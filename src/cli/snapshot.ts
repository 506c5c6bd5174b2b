import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { readGatewaySnapshot, readGatewaySnapshots } from "../broker/read-gateway-snapshot.js";
import { formatDiagnostic } from "../config/diagnostic.js";
import { loadPortfolioFile } from "../config/load-portfolio.js";
import type { Snapshot } from "../core/snapshot.js";
import { InputError, UsageError } from "../errors.js";
import type { CliContext } from "./context.js";
import { withGatewayOrSimulator, type GatewayFlags } from "./gateway-or-simulator.js";
import { systemClock } from "./system-clock.js";

export interface SnapshotFlags extends GatewayFlags {
  portfolio: string;
  out?: string;
  /** Accounts to read with the portfolio's targets instead of its own account, in one session. */
  account?: string[];
  outDir?: string;
}

// `folioctl snapshot`: the account as the gateway reports it, as a snapshot document (schema/snapshot.schema.json).
// With `--account` (repeatable), those accounts of the gateway's login instead, all in one session, one
// file each (`snapshot-<ACCOUNT>.json` in --out-dir).
export async function runSnapshot(flags: SnapshotFlags, ctx: CliContext): Promise<number> {
  const accounts = flags.account ?? [];
  checkOutputFlags(accounts, flags);
  const loaded = await loadPortfolioFile(resolve(ctx.cwd, flags.portfolio));
  if (!loaded.ok) {
    throw new InputError(
      `${flags.portfolio} is not valid:\n${loaded.errors.map((e) => `  ${formatDiagnostic(e)}`).join("\n")}`,
      {
        hint: "Run `folioctl validate` for the details and fix the file.",
      },
    );
  }
  if (accounts.length > 0) {
    const portfolios = accounts.map((account) => ({ ...loaded.portfolio, account }));
    const snapshots = await withGatewayOrSimulator(flags, ctx, (address) =>
      readGatewaySnapshots(address, portfolios, systemClock.now),
    );
    const dir = resolve(ctx.cwd, flags.outDir as string);
    await mkdir(dir, { recursive: true });
    for (const snapshot of snapshots) {
      const file = join(dir, `snapshot-${snapshot.account}.json`);
      await writeFile(file, documentText(snapshot));
      ctx.stderr.write(`wrote ${file}\n`);
    }
    return 0;
  }
  const snapshot = await withGatewayOrSimulator(flags, ctx, (address) =>
    readGatewaySnapshot(address, loaded.portfolio, systemClock.now),
  );
  if (flags.out === undefined) ctx.stdout.write(documentText(snapshot));
  else await writeFile(resolve(ctx.cwd, flags.out), documentText(snapshot));
  return 0;
}

function documentText(snapshot: Snapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}

/** One snapshot goes to stdout or --out; several (--account) to files of their own in --out-dir. */
function checkOutputFlags(accounts: readonly string[], flags: SnapshotFlags): void {
  if (accounts.length === 0) {
    if (flags.outDir !== undefined) {
      throw new UsageError("--out-dir goes with --account", {
        hint: "Use --out FILE for the portfolio's own account, or name the accounts with --account.",
      });
    }
    return;
  }
  if (flags.outDir === undefined || flags.out !== undefined) {
    throw new UsageError("--account writes one file per account: give --out-dir, not --out", {
      hint: "Use `--out-dir DIR`; the snapshots are written as DIR/snapshot-<ACCOUNT>.json.",
    });
  }
}
