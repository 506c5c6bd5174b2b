// The workflows of a many-account ops repository: the one-account templates, fanned out by a job matrix
// over the account groups. Each group is one IB login with its own self-hosted runner (its label in the
// matrix) and its own gateway (its secret's name in the matrix, read as `secrets[matrix.gateway]`).
// GitHub Actions runs the groups' jobs side by side and queues each on its own runner: it is the whole
// scheduler, and a group whose runner is down holds up no other group (`fail-fast: false`).
import type { InitGroup } from "./account-groups-option.js";
import { gatewaySecret, runnerLabel } from "./account-groups-option.js";

type Edit = readonly [from: string, to: string];

/** The matrix of one workflow's job: per group, its runner label and the name of its gateway secret. */
function strategy(groups: readonly InitGroup[], role: "propose" | "preview" | "apply"): string {
  const entries = groups.map((group) => {
    const runner = runnerLabel(group.name, role === "preview" ? "preview" : "trade");
    const secret = gatewaySecret(group.name, role === "apply" ? "trade" : "read-only");
    return [
      `          - group: ${group.name}`,
      `            runner: ${runner}`,
      `            gateway: ${secret}`,
    ].join("\n");
  });
  return [
    "    strategy:",
    "      # A group whose runner or gateway is down waits or fails alone: the other groups go on.",
    "      fail-fast: false",
    "      matrix:",
    "        # One entry per account group: `group:` in accounts/<ID>.yaml, `default` where it has none.",
    "        include:",
    ...entries,
    "",
  ].join("\n");
}

function editsFor(name: string, groups: readonly InitGroup[]): Edit[] {
  switch (name) {
    case "propose.yml":
      return [
        [
          '# Snapshots the account, plans, and keeps one pull request "rebalance __ACCOUNT__" up to date with the\n' +
            "# orders (or closes it when nothing is out of band). Runs on weekdays in market hours, after every change\n" +
            "# to portfolio.yaml on main, and on demand.\n",
          '# Snapshots the accounts, plans, and keeps one pull request "rebalance <account>" per account up to date\n' +
            "# with its orders (or closes it when nothing is out of band). Runs on weekdays in market hours, after every\n" +
            "# change to accounts/ or models/ on main, and on demand: one job per account group, on its own runner.\n",
        ],
        [
          "# One propose per account at a time; a run that is already planning is never cancelled.\n" +
            "concurrency:\n  group: folioctl-propose-__ACCOUNT__\n  cancel-in-progress: false\n\n",
          "",
        ],
        [
          "    # The runner next to the IB Gateway, in a runner group that admits only apply and propose on main.\n" +
            "    runs-on: [self-hosted, folioctl]\n",
          strategy(groups, "propose") +
            "    # The runner next to the group's IB Gateway, in a runner group that admits only apply and propose on main.\n" +
            '    runs-on: [self-hosted, "${{ matrix.runner }}"]\n' +
            "    # One propose per group (so per account) at a time; a run that is already planning is never cancelled.\n" +
            "    concurrency:\n      group: folioctl-propose-${{ matrix.group }}\n      cancel-in-progress: false\n",
        ],
        [
          "      - name: Propose\n        run: npx --no folioctl propose\n        env:\n" +
            "          # Planning only reads the account: the read-only gateway is enough.\n" +
            "          FOLIOCTL_GATEWAY: ${{ secrets.FOLIOCTL_READONLY_GATEWAY }}\n",
          "      - name: Propose for the group's accounts\n" +
            '        run: npx --no folioctl propose --group "$FOLIOCTL_GROUP"\n        env:\n' +
            "          FOLIOCTL_GROUP: ${{ matrix.group }}\n" +
            "          # Planning only reads the accounts: the group's read-only gateway is enough.\n" +
            "          FOLIOCTL_GATEWAY: ${{ secrets[matrix.gateway] }}\n",
        ],
      ];
    case "preview.yml":
      return [
        [
          "    # The runner next to the read-only IB Gateway, in a runner group that admits only this workflow on main.\n" +
            "    runs-on: [self-hosted, folioctl-preview]\n",
          strategy(groups, "preview") +
            "    # The runner next to the group's read-only IB Gateway, in a runner group that admits only this workflow on main.\n" +
            '    runs-on: [self-hosted, "${{ matrix.runner }}"]\n',
        ],
        [
          "      - name: Comment the trades this change would cause\n" +
            '        run: npx --no folioctl preview --pr "$PR_NUMBER"\n        env:\n',
          "      - name: Comment the trades this change would cause in the group's accounts\n" +
            '        run: npx --no folioctl preview --pr "$PR_NUMBER" --group "$FOLIOCTL_GROUP"\n        env:\n' +
            "          FOLIOCTL_GROUP: ${{ matrix.group }}\n",
        ],
        [
          "          FOLIOCTL_GATEWAY: ${{ secrets.FOLIOCTL_READONLY_GATEWAY }}\n",
          "          FOLIOCTL_GATEWAY: ${{ secrets[matrix.gateway] }}\n",
        ],
      ];
    case "apply.yml":
      return [
        [
          "    # The runner next to the trading IB Gateway, in a runner group that admits only apply and propose on main.\n" +
            "    runs-on: [self-hosted, folioctl]\n",
          strategy(groups, "apply") +
            "    # The runner next to the group's trading IB Gateway, in a runner group that admits only apply and propose on main.\n" +
            '    runs-on: [self-hosted, "${{ matrix.runner }}"]\n',
        ],
        [
          "    # Applies for one account run one after the other, and a running apply is never cancelled. A waiting\n",
          "    # Applies for one group (so for each of its accounts) run one after the other, and a running apply is\n" +
            "    # never cancelled; other groups' applies run meanwhile, on their own runners. A waiting\n",
        ],
        ["      group: folioctl-apply-__ACCOUNT__\n", "      group: folioctl-apply-${{ matrix.group }}\n"],
        [
          "      # One push can land several merges (a merge queue's group): every plan commit since `before` is applied.\n" +
            "      - name: Apply the merged plans\n" +
            '        run: npx --no folioctl apply --on-merge --sha "$GITHUB_SHA" --before "$PUSH_BEFORE"\n' +
            "        env:\n",
          "      # One push can land several merges (a merge queue's group): every plan commit since `before` of an\n" +
            "      # account of this group is applied; the other groups' plans are their own jobs'.\n" +
            "      - name: Apply the merged plans of the group's accounts\n" +
            '        run: npx --no folioctl apply --on-merge --sha "$GITHUB_SHA" --before "$PUSH_BEFORE" --group "$FOLIOCTL_GROUP"\n' +
            "        env:\n          FOLIOCTL_GROUP: ${{ matrix.group }}\n",
        ],
        [
          "          FOLIOCTL_GATEWAY: ${{ secrets.FOLIOCTL_GATEWAY }}\n",
          "          FOLIOCTL_GATEWAY: ${{ secrets[matrix.gateway] }}\n",
        ],
      ];
    case "validate.yml":
      // `validate` checks that every account's group has a job in each matrix, and every job an account.
      return [["      - models/**\n", "      - models/**\n      - .github/workflows/**\n"]];
    default:
      return [];
  }
}

/**
 * A workflow template (before its placeholders are filled) fanned out over the groups. Each edit must
 * find its text exactly once: a template changed without this file fails loudly, never half-converted.
 */
export function groupWorkflowTemplate(
  template: string,
  source: string,
  groups: readonly InitGroup[],
): string {
  const name = template.split("/").pop() ?? template;
  let text = source;
  for (const [from, to] of editsFor(name, groups)) {
    const count = text.split(from).length - 1;
    if (count !== 1) {
      throw new Error(
        `templates/ops-repo/${template}: expected one ${JSON.stringify(from.slice(0, 60))}…, found ${count}`,
      );
    }
    text = text.replace(from, () => to);
  }
  if (/\.github\/workflows\//.test(template) && text.includes("__ACCOUNT__"))
    throw new Error(`templates/ops-repo/${template}: names one account after fanning out over groups`);
  return text;
}
