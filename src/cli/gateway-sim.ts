import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.js";
import { SERVER_VERSIONS, startGatewaySim } from "../gateway-sim/index.js";
import type { CliContext } from "./context.js";

export interface GatewaySimFlags {
  port: string;
  host: string;
  simState?: string;
  /** Deprecated: the old name of --sim-state. */
  state?: string;
  save?: boolean;
  verbose?: boolean;
  serverVersion?: string;
}

const EXAMPLE_STATE = fileURLToPath(new URL("../../examples/sim-state.yaml", import.meta.url));

export async function runGatewaySim(flags: GatewaySimFlags, ctx: CliContext): Promise<number> {
  const port = Number(flags.port);
  if (!/^\d+$/.test(flags.port) || port > 65535) {
    throw new UsageError(`--port must be a TCP port number (0-65535), not "${flags.port}"`);
  }
  const stateFlag = simStateFlag(flags, ctx);
  if (flags.save === true && stateFlag === undefined) {
    throw new UsageError("--save needs --sim-state FILE", {
      hint: "copy examples/sim-state.yaml somewhere and pass it with --sim-state; the bundled example is not rewritten",
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
  const stateFile = stateFlag === undefined ? EXAMPLE_STATE : resolve(ctx.cwd, stateFlag);
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
  // A simulated clock is said, so that nobody takes its times (and its open market) for the real ones.
  const clock = sim.snapshotState().clock;
  ctx.stdout.write(`gateway-sim listening on ${sim.host}:${sim.port}\n`);
  ctx.stderr.write(
    `folioctl gateway-sim: state ${stateFile}${flags.save === true ? " (saved after every fill)" : ""}; ` +
      `accounts ${accounts.join(", ")}; ` +
      (clock === undefined ? "" : `simulated time from ${clock} (the state's clock); `) +
      "stop with Ctrl-C\n",
  );
  const signal = await new Promise<NodeJS.Signals>((done) => {
    process.once("SIGINT", () => done("SIGINT"));
    process.once("SIGTERM", () => done("SIGTERM"));
  });
  await sim.stop();
  ctx.stderr.write(`folioctl gateway-sim: stopped (${signal}) after ${sim.messageCount} messages\n`);
  return 0;
}

/** The state file: `--sim-state`, as plan and snapshot name it, or the deprecated `--state`, with a notice. */
function simStateFlag(flags: GatewaySimFlags, ctx: CliContext): string | undefined {
  if (flags.state === undefined) return flags.simState;
  if (flags.simState !== undefined) {
    throw new UsageError("--state is the old name of --sim-state: give the state file once", {
      hint: `run \`folioctl gateway-sim --sim-state ${flags.simState}\``,
    });
  }
  ctx.stderr.write("folioctl: --state is deprecated: write --sim-state, as plan and snapshot do\n");
  return flags.state;
}
