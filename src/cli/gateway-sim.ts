import type { Command } from "commander";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.js";
import { SERVER_VERSIONS, startGatewaySim } from "../gateway-sim/index.js";
import type { CliContext } from "./context.js";
import type { RunAction } from "./main.js";

interface GatewaySimFlags {
  port: string;
  host: string;
  state?: string;
  save?: boolean;
  verbose?: boolean;
  serverVersion?: string;
}

const EXAMPLE_STATE = fileURLToPath(new URL("../../examples/sim-state.yaml", import.meta.url));

// `folioctl gateway-sim`: the IB Gateway simulator on loopback, until SIGINT or SIGTERM.
export function registerGatewaySimCommand(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command("gateway-sim")
    .description("run the IB Gateway simulator on loopback (TWS API server versions 100-193)")
    .option("--port <port>", "TCP port to listen on; 0 picks a free one", "4002")
    .option("--host <host>", "loopback address to listen on", "127.0.0.1")
    .option("--state <file>", "simulator state file (default: the bundled examples/sim-state.yaml)")
    .option("--save", "rewrite the state file after every fill, so that later runs start from there")
    .option("--verbose", "log every message in both directions, decoded, on stderr")
    .option(
      "--server-version <n>",
      `the highest TWS API server version to agree to, as an older IB Gateway (${SERVER_VERSIONS.min}-${SERVER_VERSIONS.max})`,
    )
    .action((flags: GatewaySimFlags) => run(() => runGatewaySim(flags, ctx)));
}

async function runGatewaySim(flags: GatewaySimFlags, ctx: CliContext): Promise<number> {
  const port = Number(flags.port);
  if (!/^\d+$/.test(flags.port) || port > 65535) {
    throw new UsageError(`--port must be a TCP port number (0-65535), not "${flags.port}"`);
  }
  if (flags.save === true && flags.state === undefined) {
    throw new UsageError("--save needs --state FILE", {
      hint: "copy examples/sim-state.yaml somewhere and pass it with --state; the bundled example is not rewritten",
    });
  }
  const serverVersion = flags.serverVersion === undefined ? undefined : Number(flags.serverVersion);
  const { min, max } = SERVER_VERSIONS;
  if (
    serverVersion !== undefined &&
    !(/^\d+$/.test(flags.serverVersion ?? "") && serverVersion >= min && serverVersion <= max)
  ) {
    throw new UsageError(
      `--server-version must be a TWS API server version from ${min} to ${max}, not "${flags.serverVersion}"`,
    );
  }
  const stateFile = flags.state === undefined ? EXAMPLE_STATE : resolve(ctx.cwd, flags.state);
  const sim = await startGatewaySim({
    stateFile,
    save: flags.save === true,
    port,
    host: flags.host,
    verbose: flags.verbose === true,
    serverVersion,
    logger: (line) => ctx.stderr.write(`${line}\n`),
  });
  const accounts = sim.accounts().map((a) => a.id);
  ctx.stdout.write(`gateway-sim listening on ${sim.host}:${sim.port}\n`);
  ctx.stderr.write(
    `folioctl gateway-sim: state ${stateFile}${flags.save === true ? " (saved after every fill)" : ""}; ` +
      `accounts ${accounts.join(", ")}; stop with Ctrl-C\n`,
  );
  const signal = await new Promise<NodeJS.Signals>((done) => {
    process.once("SIGINT", () => done("SIGINT"));
    process.once("SIGTERM", () => done("SIGTERM"));
  });
  await sim.stop();
  ctx.stderr.write(`folioctl gateway-sim: stopped (${signal}) after ${sim.messageCount} messages\n`);
  return 0;
}
