import { ForgeError } from "../errors.js";

// A workflow's GITHUB_TOKEN acts as github-actions[bot], and so does every other workflow anyone with
// write access can add or run: a commit status "by folioctl" would then prove nothing about who made
// the plan. Provenance is only as strong as the identity that attests it, so apply trusts no plan
// attested by that shared account.
const SHARED_ACTIONS_LOGIN = "github-actions[bot]";

/** Throws when folioctl acts as the login every workflow in the repository shares. */
export function requireAppIdentity(botLogin: string, command: string): void {
  if (botLogin.toLowerCase() !== SHARED_ACTIONS_LOGIN) return;
  throw new ForgeError(
    `${command} runs as ${SHARED_ACTIONS_LOGIN}, the account every workflow's GITHUB_TOKEN shares: any ` +
      "workflow in the repository could attest a plan as it, so no plan is trusted. Nothing was sent.",
    {
      hint:
        "Give propose and apply the folioctl GitHub App's installation token as FOLIOCTL_GITHUB_TOKEN " +
        "(docs/operations.md, section 4), and unset FOLIOCTL_BOT_LOGIN if it names github-actions[bot].",
    },
  );
}
