import type { Command } from "commander";
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { readGatewaySnapshot } from "../broker/read-gateway-snapshot.js";
import { formatDiagnostic } from "../config/diagnostic.js";
import { loadPortfolioFile } from "../config/load-portfolio.js";
import { InputError } from "../errors.js";
import type { CliContext } from "./context.js";
import { withGatewayOrSimulator, type GatewayFlags } from "./gateway-or-simulator.js";
import type { RunAction } from "./main.js";
import { systemClock } from "./system-clock.js";

interface SnapshotFlags extends GatewayFlags {
  portfolio: string;
  out?: string;
}

// `folioctl snapshot`: the account as the gateway reports it, as a snapshot document (schema/snapshot.schema.json).
export function registerSnapshotCommand(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command("snapshot")
    .description(
      "write the account's actual state (cash, positions, contracts, quotes) as a snapshot document",
    )
    .option("--portfolio <file>", "the portfolio whose account and targets to read", "portfolio.yaml")
    .option(
      "--gateway <host:port>",
      "IB Gateway address (or FOLIOCTL_GATEWAY); without one, the built-in simulator",
    )
    .option("--client-id <n>", "API client id (or FOLIOCTL_CLIENT_ID; default 101)")
    .option("--sim-state <file>", "use the built-in simulator with this state file")
    .option("--out <file>", "write the snapshot here instead of stdout")
    .action((flags: SnapshotFlags) =>
      run(async () => {
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
      }),
    );
}
