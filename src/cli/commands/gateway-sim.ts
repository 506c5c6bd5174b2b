import { Option, type Command } from "commander";
import type { CliContext } from "../context.js";
import type { GatewaySimFlags } from "../gateway-sim.js";
import type { RunAction } from "../main.js";
import { SERVER_VERSION_RANGE } from "../../gateway-sim/wire/server-versions.js";

// `folioctl gateway-sim`: the IB Gateway simulator on loopback, until SIGINT or SIGTERM.
export function registerGatewaySimCommand(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command("gateway-sim")
    .description(
      `run the IB Gateway simulator on loopback (TWS API server versions ${SERVER_VERSION_RANGE.min}-${SERVER_VERSION_RANGE.max})`,
    )
    .option("--port <port>", "TCP port to listen on; 0 picks a free one", "4002")
    .option("--host <host>", "loopback address to listen on", "127.0.0.1")
    .option("--sim-state <file>", "simulator state file (default: the bundled examples/sim-state.yaml)")
    // The old name, from before plan and snapshot named it --sim-state: still read, with a notice.
    .addOption(new Option("--state <file>", "deprecated: the old name of --sim-state").hideHelp())
    .option("--save", "rewrite the state file after every fill, so that later runs start from there")
    .option("--verbose", "log every message in both directions, decoded, on stderr")
    .option(
      "--server-version <n>",
      `the highest TWS API server version to agree to, as an older IB Gateway (${SERVER_VERSION_RANGE.min}-${SERVER_VERSION_RANGE.max})`,
    )
    .action((flags: GatewaySimFlags) =>
      run(async () => (await import("../gateway-sim.js")).runGatewaySim(flags, ctx)),
    );
}
