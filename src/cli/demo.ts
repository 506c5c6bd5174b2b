import type { Command } from "commander";
import { fileURLToPath } from "node:url";
import { formatDiagnosticWithHint } from "../config/diagnostic.js";
import { loadPortfolioFile } from "../config/load-portfolio.js";
import type { Portfolio } from "../core/portfolio.js";
import type { CliContext } from "./context.js";
import { EXIT } from "./exit-codes.js";
import type { RunAction } from "./main.js";

// `npm start`: the main job on the example portfolio. Until the gateway simulator lands it loads the
// example through the same loader as `validate` and shows what folioctl understood from it.
export function registerDemoCommand(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command("demo")
    .description("run the main job on the example portfolio (what `npm start` does)")
    .action(() =>
      run(async () => {
        const path = fileURLToPath(new URL("../../portfolio.yaml", import.meta.url));
        const result = await loadPortfolioFile(path);
        if (!result.ok) {
          for (const error of result.errors) ctx.stderr.write(formatDiagnosticWithHint(error));
          return EXIT.error;
        }
        ctx.stdout.write(describePortfolio(result.portfolio, "portfolio.yaml", result.sha256));
        return EXIT.ok;
      }),
    );
}

function describePortfolio(p: Portfolio, file: string, sha256: string): string {
  const base = p.baseCurrency;
  const money = (value: number): string => `${value.toLocaleString("en-US")} ${base}`;
  const rows = p.targets.map((t) => [
    t.symbol,
    `${t.weight}%`,
    t.currency,
    t.primaryExchange === undefined ? t.exchange : `${t.exchange} (${t.primaryExchange})`,
    t.conId === undefined ? "-" : String(t.conId),
  ]);
  const minimum = p.cash.minimum > 0 ? `, at least ${money(p.cash.minimum)}` : "";
  const collar = p.trading.orderType === "LMT" ? ` ±${p.trading.limitOffsetBps} bps` : "";
  return [
    `${file} is valid (sha256 ${sha256.slice(0, 12)})`,
    "",
    `account        ${p.account}`,
    `base currency  ${base}`,
    "",
    ...table([["symbol", "weight", "currency", "exchange", "conId"], ...rows]),
    `cash           ${p.cash.weight}%${minimum}`,
    "",
    `bands          out of band when |weight - target| > min(${p.bands.absolute} percentage points, ${p.bands.relative}% of target)`,
    `mode           ${p.trading.mode}, rebalance to ${p.trading.rebalanceTo}`,
    `orders         ${p.trading.orderType}${collar}, at least ${money(p.trading.minTradeValue)}, at most ${money(p.limits.maxOrderValue)}`,
    `turnover       at most ${p.limits.maxTurnover}% of net liquidation value per run`,
    `unmanaged      ${p.trading.unmanaged} (positions held but not in the targets)`,
    `plans          expire after ${p.tolerances.planTtl}; refused when a price moved more than ${p.tolerances.priceMoveBps} bps`,
    `suspended      ${p.suspend ? "yes: propose and apply refuse to run" : "no"}`,
    "",
    "Check your own file with `folioctl validate path/to/portfolio.yaml`.",
    "",
  ].join("\n");
}

function table(rows: string[][]): string[] {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) =>
        column === 1 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd(),
  );
}
