import { fileURLToPath } from "node:url";
import { runPlan } from "../plan/run-plan.js";
import { gatewaySnapshotSource } from "../plan/gateway-snapshot-source.js";
import { TOOL_VERSION } from "../version.js";
import type { CliContext } from "./context.js";
import { EXIT } from "./exit-codes.js";
import { UsageError } from "../errors.js";
import { withGatewayOrSimulator } from "./gateway-or-simulator.js";
import { systemClock } from "./system-clock.js";
import { checkWindow } from "../apply/check-window.js";
import { localContext } from "../apply/refusal-hints.js";
import type { Plan } from "../core/plan.js";
import { formatZonedTime } from "../core/trading-hours.js";

const ROOT = new URL("../../", import.meta.url);

/** The examples the demo plans: a USD account (the default), and a EUR one that converts to buy USD ETFs. */
const EXAMPLES = {
  usd: { portfolio: "portfolio.yaml", state: "examples/sim-state.yaml" },
  eur: { portfolio: "examples/portfolio-eur.yaml", state: "examples/sim-state-eur.yaml" },
} as const;
export type DemoExample = keyof typeof EXAMPLES;
export const DEMO_EXAMPLES = Object.keys(EXAMPLES) as DemoExample[];

// `npm start`: the main job on the example portfolio: the built-in IB Gateway simulator, the real
// @stoqey/ib client, the planner, and the plan a pull request would show. For the demo a planned
// change is success, so it exits 0 where `folioctl plan` exits 2.
//
// The demo never talks to a gateway, even with --gateway or FOLIOCTL_GATEWAY: it plans the example
// portfolio, whose account (DU1234567) is not the user's, so a real gateway would only refuse it or, worse,
// show someone else's example against a real account. `plan --gateway` is the command for a real account.
export async function runDemo(
  flags: { gateway?: string; example?: string },
  ctx: CliContext,
): Promise<number> {
  if (flags.gateway !== undefined) {
    throw new UsageError("folioctl demo always plans the example portfolio against the built-in simulator", {
      hint: `to plan your own portfolio.yaml against ${flags.gateway}, run \`folioctl plan --gateway ${flags.gateway}\``,
    });
  }
  const name = flags.example ?? "usd";
  if (!(name in EXAMPLES)) {
    throw new UsageError(`folioctl demo has no example ${JSON.stringify(name)}`, {
      hint: `use --example ${DEMO_EXAMPLES.join(" or --example ")}`,
    });
  }
  const example = EXAMPLES[name as DemoExample];
  const portfolioFile = fileURLToPath(new URL(example.portfolio, ROOT));
  ctx.stdout.write(
    `folioctl demo: the example ${example.portfolio}, planned against the built-in IB Gateway simulator\n` +
      `(${example.state}) through the same @stoqey/ib client that talks to a real gateway.\n\n`,
  );
  const ignored = ctx.env["FOLIOCTL_GATEWAY"] ?? "";
  const notice =
    `folioctl: demo uses the built-in simulator with ${example.state}` +
    (ignored === "" ? "" : `, not FOLIOCTL_GATEWAY=${ignored}: \`folioctl plan\` uses that gateway`) +
    "\n";
  const result = await withGatewayOrSimulator(
    { simState: fileURLToPath(new URL(example.state, ROOT)) },
    { ...ctx, env: {} },
    async (address, simulator) => ({
      marketNow: simulator?.now(),
      ...(await runPlan({
        portfolioFile,
        snapshot: gatewaySnapshotSource(address, portfolioFile, systemClock.now),
        now: systemClock.now().toISOString(),
        toolVersion: TOOL_VERSION,
        format: "text",
        color: ctx.stdout.isTTY === true && (ctx.env["NO_COLOR"] ?? "") === "",
        stdout: ctx.stdout,
        stderr: ctx.stderr,
      })),
    }),
    notice,
  );
  if (result.exitCode === EXIT.error) return EXIT.error;
  if (result.plan && result.plan.orders.length > 0 && result.marketNow)
    ctx.stdout.write(`\n${describeSession(result.plan, result.marketNow)}\n`);
  ctx.stdout.write(
    "\nNext: `folioctl validate` checks your own portfolio.yaml, `folioctl plan --gateway HOST:PORT` plans it\n" +
      "against your IB Gateway, and `folioctl init` scaffolds the ops repository that runs the loop.\n",
  );
  return EXIT.ok;
}

/**
 * Whether `folioctl apply` would send the plan's orders now, by the same trading-hours check and the
 * simulator's clock (the gateway's clock is what apply judges the session by).
 */
function describeSession(plan: Plan, now: Date): string {
  // Only the message is shown: the hint of a local apply would name a plan file the demo never writes.
  const closed = checkWindow(plan, plan.snapshot, now, localContext("portfolio.yaml", "plan.json"));
  if (closed)
    return `Market: ${closed.message}; \`folioctl apply\` would refuse this plan now (window-closed).`;
  const traded = new Set(plan.orders.map((o) => o.conId));
  const zone = plan.snapshot.contracts.find((c) => traded.has(c.conId) && c.timeZoneId)?.timeZoneId;
  if (zone === undefined) return "Market: IB lists no trading hours for the traded contracts.";
  return (
    `Market: every traded contract is in its regular trading hours at ${formatZonedTime(now.getTime(), zone)} ${zone}\n` +
    "(the simulator's clock, examples/sim-state.yaml `clock:`), so `folioctl apply` would send these orders now."
  );
}
