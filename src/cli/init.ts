import { relative, resolve } from "node:path";
import { PLACEHOLDER_OWNER, renderOpsRepo } from "../init/render-ops-repo.js";
import { scaffoldOpsRepo } from "../init/scaffold-ops-repo.js";
import { TOOL_VERSION } from "../version.js";
import type { CliContext } from "./context.js";
import { EXIT } from "./exit-codes.js";

export interface InitOptions {
  account: string;
  owner: string[];
  force: boolean;
}

/** `folioctl init [DIR]`: scaffolds an ops repository (portfolio.yaml, workflows, CODEOWNERS). */
export async function runInit(dir: string, options: InitOptions, ctx: CliContext): Promise<number> {
  const target = resolve(ctx.cwd, dir);
  const files = await renderOpsRepo({
    account: options.account,
    owners: options.owner,
    folioctlVersion: TOOL_VERSION,
  });
  const result = await scaffoldOpsRepo(target, files, { force: options.force });
  const rows = [
    ...result.created.map((path) => `  created      ${path}`),
    ...result.overwritten.map((path) => `  overwritten  ${path}`),
    ...result.unchanged.map((path) => `  unchanged    ${path}`),
  ];
  const changed = result.created.length + result.overwritten.length;
  const fromCwd = relative(ctx.cwd, target);
  const shown = fromCwd === "" ? "." : fromCwd.startsWith("..") ? target : fromCwd;
  ctx.stdout.write(
    changed === 0
      ? `folioctl init: ${shown} already holds the ops repository for ${options.account}; nothing written\n`
      : `folioctl init: wrote ${changed} file(s) of the ops repository for ${options.account} in ${shown}\n`,
  );
  ctx.stdout.write(`${rows.join("\n")}\n\n${nextSteps(shown, options.owner.length === 0)}`);
  return EXIT.ok;
}

function nextSteps(dir: string, placeholderOwner: boolean): string {
  const steps = [
    `${dir === "." ? "" : `cd ${dir} && `}npm install --ignore-scripts   # writes package-lock.json, pinning folioctl ${TOOL_VERSION}; commit it`,
    ...(placeholderOwner
      ? [`replace ${PLACEHOLDER_OWNER} in .github/CODEOWNERS with the people who approve trades`]
      : []),
    "set your targets in portfolio.yaml, then: npx folioctl validate portfolio.yaml",
    "set up the gateway, runners, environments and branch ruleset: docs/operations.md in folioctl",
  ];
  return `Next:\n${steps.map((step, i) => `  ${i + 1}. ${step}`).join("\n")}\n`;
}
