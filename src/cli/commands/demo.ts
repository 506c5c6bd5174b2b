import type { Command } from "commander";
import type { CliContext } from "../context.js";
import type { RunAction } from "../main.js";

// `folioctl demo`, what `npm start` runs: exit 0 when the example was planned, 1 on an error.
export function registerDemoCommand(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command("demo")
    .description(
      "plan the example portfolio.yaml against the built-in IB Gateway simulator (what `npm start` does)",
    )
    // Accepted only to answer it: the demo's example account is not the user's, so it never uses a gateway.
    .option(
      "--gateway <host:port>",
      "not used: the demo always uses the simulator (and ignores FOLIOCTL_GATEWAY); `folioctl plan --gateway` plans your portfolio",
    )
    .option(
      "--example <name>",
      "usd: a USD account (portfolio.yaml); eur: a EUR account that converts euros to buy USD ETFs (examples/portfolio-eur.yaml)",
      "usd",
    )
    .action((flags: { gateway?: string; example?: string }) =>
      run(async () => (await import("../demo.js")).runDemo(flags, ctx)),
    );
}
