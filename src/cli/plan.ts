import { resolve } from "node:path";
import { loadSnapshotFile } from "../config/load-snapshot.js";
import { parseIsoTime } from "../core/iso-time.js";
import { UsageError } from "../errors.js";
import { runPlan, type PlanFormat, type SnapshotSource } from "../plan/run-plan.js";
import type { GatewayFlags } from "./gateway-or-simulator.js";
import { TOOL_VERSION } from "../version.js";
import type { CliContext, OutputStream } from "./context.js";
import { localAccountIntent } from "./local-intent.js";

export interface PlanFlags extends GatewayFlags {
  snapshot?: string;
  portfolio: string;
  account?: string;
  json?: boolean;
  markdown?: boolean;
  out?: string;
  now?: string;
}

// `folioctl plan`: exit 0 nothing to do, 2 orders planned, 1 error (Terraform's -detailed-exitcode).
export async function runPlanCommand(flags: PlanFlags, ctx: CliContext): Promise<number> {
  const now = flags.now ?? new Date().toISOString();
  if (parseIsoTime(now) === undefined) {
    throw new UsageError(`--now "${now}" is not an ISO 8601 time`, {
      hint: "write it with a zone, for example 2026-11-24T15:00:00Z",
    });
  }
  const format: PlanFormat = flags.json ? "json" : flags.markdown ? "markdown" : "text";
  // --account: one account of a many-account repository here, resolved from its account file and model.
  const intent = flags.account === undefined ? undefined : await localAccountIntent(flags.account, ctx);
  const portfolioFile =
    intent === undefined ? resolve(ctx.cwd, flags.portfolio) : intent.files.join(" with ");
  const plan = (snapshot: SnapshotSource) =>
    runPlan({
      portfolioFile,
      ...(intent === undefined ? {} : { intent: { portfolio: intent.portfolio, hash: intent.hash } }),
      snapshot,
      now,
      toolVersion: TOOL_VERSION,
      format,
      ...(flags.out === undefined ? {} : { outFile: resolve(ctx.cwd, flags.out) }),
      color: useColor(ctx.stdout, ctx.env),
      stdout: ctx.stdout,
      stderr: ctx.stderr,
    });
  if (flags.snapshot !== undefined) {
    if (flags.gateway !== undefined || flags.simState !== undefined) {
      throw new UsageError("--snapshot plans offline: it cannot be combined with --gateway or --sim-state");
    }
    const snapshotFile = resolve(ctx.cwd, flags.snapshot);
    return (await plan({ describe: snapshotFile, read: () => loadSnapshotFile(snapshotFile) })).exitCode;
  }
  // Only a plan against a gateway loads the IB client (and the simulator, when there is no gateway).
  const { gatewaySnapshotSource } = await import("../plan/gateway-snapshot-source.js");
  const { withGatewayOrSimulator } = await import("./gateway-or-simulator.js");
  const result = await withGatewayOrSimulator(flags, ctx, (address) =>
    plan(gatewaySnapshotSource(address, intent?.portfolio ?? portfolioFile)),
  );
  return result.exitCode;
}

/** Colour only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org). */
function useColor(stream: OutputStream, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (env["NO_COLOR"] ?? "") === "";
}
