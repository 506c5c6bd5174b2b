import { REBALANCE_LABEL, STATE_LABELS } from "./forge.js";
import type { StateLabel } from "./forge.js";
import type { GitHubClient } from "./github-client.js";
import { httpStatus } from "./github-client.js";

// How folioctl's labels look when it has to create them.
const LABEL_STYLE: Record<string, { color: string; description: string }> = {
  [REBALANCE_LABEL]: { color: "5319e7", description: "Rebalance pull request kept by folioctl" },
  [STATE_LABELS.pending]: { color: "fbca04", description: "Plan waiting for review and merge" },
  [STATE_LABELS.applied]: { color: "0e8a16", description: "folioctl apply executed this plan" },
  [STATE_LABELS.refused]: { color: "d93f0b", description: "folioctl apply refused this plan" },
};

/** Labels of one repository, created on first use. */
export class Labels {
  private readonly known = new Set<string>();

  constructor(private readonly client: GitHubClient) {}

  async ensure(name: string): Promise<void> {
    if (this.known.has(name)) return;
    const { owner, repo } = this.client;
    const exists = await this.client.call(
      `looking up the label "${name}"`,
      "issues=read",
      async (octokit) => {
        try {
          await octokit.rest.issues.getLabel({ owner, repo, name });
          return true;
        } catch (error) {
          if (httpStatus(error) === 404) return false;
          throw error;
        }
      },
    );
    if (!exists) {
      const style = LABEL_STYLE[name] ?? { color: "ededed", description: "" };
      await this.client.call(`creating the label "${name}"`, "issues=write", async (octokit) => {
        try {
          await octokit.rest.issues.createLabel({
            owner,
            repo,
            name,
            color: style.color,
            description: style.description,
          });
        } catch (error) {
          // Someone created it in between: that is what we wanted.
          const data = JSON.stringify((error as { response?: { data?: unknown } }).response?.data ?? "");
          if (httpStatus(error) !== 422 || !data.includes("already_exists")) throw error;
        }
      });
    }
    this.known.add(name);
  }

  /** Adds labels to an issue or pull request, creating any the repository lacks; returns all its labels. */
  async add(number: number, names: string[]): Promise<string[]> {
    for (const name of names) await this.ensure(name);
    const { owner, repo } = this.client;
    const response = await this.client.call(`labelling #${number}`, "issues=write", (octokit) =>
      octokit.rest.issues.addLabels({ owner, repo, issue_number: number, labels: names }),
    );
    return response.data.map((label) => label.name);
  }

  /** Leaves exactly one state label among `current`: removes the others, adds the wanted one if missing. */
  async setState(number: number, current: readonly string[], state: StateLabel): Promise<void> {
    const wanted = STATE_LABELS[state];
    const { owner, repo } = this.client;
    for (const name of Object.values(STATE_LABELS)) {
      if (name === wanted || !current.some((label) => label.toLowerCase() === name.toLowerCase())) continue;
      await this.client.call(
        `removing the label "${name}" from #${number}`,
        "issues=write",
        async (octokit) => {
          try {
            await octokit.rest.issues.removeLabel({ owner, repo, issue_number: number, name });
          } catch (error) {
            // Already gone: the state we want.
            if (httpStatus(error) !== 404) throw error;
          }
        },
      );
    }
    if (!current.some((label) => label.toLowerCase() === wanted.toLowerCase()))
      await this.add(number, [wanted]);
  }
}
