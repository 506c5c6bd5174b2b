import { existsSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { formatDiagnostic } from "../config/diagnostic.js";
import { loadPortfolioFile } from "../config/load-portfolio.js";
import { UsageError } from "../errors.js";
import { parseInstallSource, type InstallSource } from "../init/install-source.js";
import { PLACEHOLDER_OWNER, renderOpsRepo } from "../init/render-ops-repo.js";
import { gatewaySecret, parseAccountGroups, runnerLabel } from "../init/account-groups-option.js";
import { scaffoldOpsRepo, type ScaffoldResult } from "../init/scaffold-ops-repo.js";
import { TOOL_VERSION } from "../version.js";
import type { CliContext } from "./context.js";
import { EXIT } from "./exit-codes.js";

export interface InitOptions {
  account: string;
  /** --account was typed, not the default. */
  accountGiven: boolean;
  owner: string[];
  force: boolean;
  restore?: boolean;
  /** Where the ops repository installs folioctl from: npm (default), a tarball, or a git URL. */
  from?: string;
  /** --accounts and --group: a repository of several accounts, by group. */
  accounts?: string[];
  group?: string[];
}

// Everything init writes except the portfolio is generated: `--restore` may write those, never this one.
const PORTFOLIO = "portfolio.yaml";

/** `folioctl init [DIR]`: scaffolds an ops repository (portfolio.yaml, workflows, CODEOWNERS). */
export async function runInit(dir: string, options: InitOptions, ctx: CliContext): Promise<number> {
  if (options.accounts !== undefined || options.group !== undefined) return initAccounts(dir, options, ctx);
  const target = resolve(ctx.cwd, dir);
  const restore = options.restore === true;
  const account = restore ? await restoredAccount(target, options) : options.account;
  const source = parseInstallSource(options.from ?? "npm", TOOL_VERSION, target, ctx.cwd);
  const rendered = await renderOpsRepo({ account, owners: options.owner, source });
  const files = restore ? rendered.filter((file) => file.path !== PORTFOLIO) : rendered;
  const result = await scaffoldOpsRepo(target, files, { force: options.force, keepDifferent: restore });
  const rows = [
    ...result.created.map((path) => `  created      ${path}`),
    ...result.overwritten.map((path) => `  overwritten  ${path}`),
    ...result.unchanged.map((path) => `  unchanged    ${path}`),
    ...result.kept.map((path) => `  kept         ${path} (differs; --force replaces it)`),
    ...(restore ? [`  untouched    ${PORTFOLIO}`] : []),
  ];
  const shown = shownDir(target, ctx);
  writeSummary(ctx, result, account, shown, rows);
  ctx.stdout.write(`${nextSteps(shown, options.owner.length === 0, source)}`);
  return EXIT.ok;
}

function shownDir(target: string, ctx: CliContext): string {
  const fromCwd = relative(ctx.cwd, target);
  return fromCwd === "" ? "." : fromCwd.startsWith("..") ? target : fromCwd;
}

function writeSummary(
  ctx: CliContext,
  result: ScaffoldResult,
  what: string,
  shown: string,
  rows: string[],
): void {
  const changed = result.created.length + result.overwritten.length;
  ctx.stdout.write(
    changed === 0
      ? `folioctl init: ${shown} already holds the ops repository for ${what}; nothing written\n`
      : `folioctl init: wrote ${changed} file(s) of the ops repository for ${what} in ${shown}\n`,
  );
  ctx.stdout.write(`${rows.join("\n")}\n\n`);
}

/**
 * `init --accounts`: a repository of several accounts by group. The model and account files are the
 * people's to edit: once there, init leaves them as they are, with --force too; the generated files
 * (workflows, README...) follow the command line as in a one-account repository.
 */
async function initAccounts(dir: string, options: InitOptions, ctx: CliContext): Promise<number> {
  const target = resolve(ctx.cwd, dir);
  const groups = parseAccountGroups(options.accounts ?? [], options.group ?? []);
  if (existsSync(join(target, PORTFOLIO))) {
    throw new UsageError(`${join(target, PORTFOLIO)} exists: the repository already holds one account`, {
      hint: `move it to models/core.yaml without its \`account:\` line (accounts/<ID>.yaml then names each account), delete ${PORTFOLIO}, and run init --accounts again`,
    });
  }
  const source = parseInstallSource(options.from ?? "npm", TOOL_VERSION, target, ctx.cwd);
  const files = await renderOpsRepo({ account: "", owners: options.owner, source, groups });
  const people = new Set(files.map((f) => f.path).filter((path) => /^(accounts|models)\//.test(path)));
  const result = await scaffoldOpsRepo(target, files, { force: options.force, keepAlways: people });
  const rows = [
    ...result.created.map((path) => `  created      ${path}`),
    ...result.overwritten.map((path) => `  overwritten  ${path}`),
    ...result.unchanged.map((path) => `  unchanged    ${path}`),
    ...result.kept.map((path) =>
      people.has(path) ? `  kept         ${path} (edited; init never replaces it)` : `  kept         ${path}`,
    ),
  ];
  const accounts = groups.flatMap((g) => g.accounts);
  const shown = shownDir(target, ctx);
  writeSummary(ctx, result, `accounts ${accounts.join(", ")}`, shown, rows);
  const install = source.kind === "git" ? "npm install" : "npm install --ignore-scripts";
  const steps = [
    `${shown === "." ? "" : `cd ${shown} && `}${install}   # writes package-lock.json; commit it`,
    ...(options.owner.length === 0
      ? [`replace ${PLACEHOLDER_OWNER} in .github/CODEOWNERS with the people who approve trades`]
      : []),
    "set the targets in models/core.yaml (and each account's differences in accounts/<ID>.yaml), then: npx folioctl validate",
    ...groups.map(
      (g) =>
        `group ${g.name} (${g.accounts.join(", ")}): runners labelled ${runnerLabel(g.name, "trade")} and ` +
        `${runnerLabel(g.name, "preview")} next to its login's gateways; secrets ${gatewaySecret(g.name, "trade")} ` +
        `and ${gatewaySecret(g.name, "read-only")}`,
    ),
    'set up the gateways, runner groups, environments and branch ruleset: docs/operations.md in folioctl, "Runner groups per login"',
  ];
  ctx.stdout.write(`Next:\n${steps.map((step, i) => `  ${i + 1}. ${step}`).join("\n")}\n`);
  return EXIT.ok;
}

/**
 * The workflows name the account, so a restore renders them for the account portfolio.yaml already holds,
 * not for the default one.
 */
async function restoredAccount(target: string, options: InitOptions): Promise<string> {
  const file = join(target, PORTFOLIO);
  const loaded = await loadPortfolioFile(file);
  if (!loaded.ok) {
    if (options.accountGiven) return options.account;
    const first = loaded.errors[0];
    throw new UsageError(`--restore reads the account from ${file}, which cannot be loaded`, {
      hint: `${first === undefined ? "" : `${formatDiagnostic(first)}; `}fix it, or pass --account`,
    });
  }
  const { account } = loaded.portfolio;
  if (options.accountGiven && options.account !== account) {
    throw new UsageError(`--account ${options.account} differs from ${account} in ${file}`, {
      hint: "--restore writes the generated files for the portfolio's account: drop --account",
    });
  }
  return account;
}

function nextSteps(dir: string, placeholderOwner: boolean, source: InstallSource): string {
  const install = source.kind === "git" ? "npm install" : "npm install --ignore-scripts";
  const pinned = source.kind === "npm" ? `folioctl ${TOOL_VERSION}` : `folioctl from ${source.dependency}`;
  const steps = [
    `${dir === "." ? "" : `cd ${dir} && `}${install}   # writes package-lock.json, pinning ${pinned}; commit it`,
    ...(placeholderOwner
      ? [`replace ${PLACEHOLDER_OWNER} in .github/CODEOWNERS with the people who approve trades`]
      : []),
    "set your targets in portfolio.yaml, then: npx folioctl validate portfolio.yaml",
    "set up the gateway, runners, environments and branch ruleset: docs/operations.md in folioctl",
  ];
  return `Next:\n${steps.map((step, i) => `  ${i + 1}. ${step}`).join("\n")}\n`;
}
