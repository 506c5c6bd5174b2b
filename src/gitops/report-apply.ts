// After an apply on merge: the ledger record committed to main, the report as one comment on the merged
// pull request, its state label, and a commit status on the merge commit. Each step is tried even when
// an earlier one failed, and every failure is returned, so that nothing already sent goes unrecorded.
import { APPLY_REPORT_MARKER, renderApplyMarkdown } from "../apply/render-apply-report.js";
import type { LedgerRecord } from "../apply/ledger.js";
import type { Refusal } from "../apply/refusal.js";
import type { CommitStatus, Forge, PullRequest, StateLabel } from "../forge/forge.js";
import type { GitRepo } from "../git/git-repo.js";
import { ledgerPath } from "../git/ops-repo-layout.js";

/** The purpose of the report comment; render-apply-report.ts writes the same marker. */
export const APPLY_REPORT_PURPOSE = "apply-report";

export interface ApplyReportInput {
  account: string;
  /** The merge commit the apply ran for. */
  sha: string;
  pull?: PullRequest;
  /** Only folioctl's own pull request gets a state label. */
  labelPull: boolean;
  /** The run's record; absent only when the plan could not even be read. */
  record?: LedgerRecord;
  /** The refusal, when there is no record to carry it. */
  refusal?: Refusal;
  runUrl?: string;
}

export interface ApplyReport {
  /** `ledger/<account>/<file>` on main and the commit that holds it. */
  ledger?: { path: string; sha: string; committed: boolean };
  /** What could not be reported, one sentence each. */
  problems: string[];
}

interface ReportDeps {
  forge: Forge;
  repo: GitRepo;
  log: (line: string) => void;
}

export async function reportApply(deps: ReportDeps, input: ApplyReportInput): Promise<ApplyReport> {
  const report: ApplyReport = { problems: [] };
  const attempt = async (what: string, step: () => Promise<void>): Promise<void> => {
    try {
      await step();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      report.problems.push(`${what}: ${message}`);
      deps.log(`apply: could not ${what}: ${message}`);
    }
  };
  const { record } = input;
  if (record) {
    await attempt("commit the ledger record to main", async () => {
      report.ledger = await commitRecord(deps.repo, record, input.pull);
      deps.log(
        `apply: ledger ${report.ledger.path} ${report.ledger.committed ? "committed" : "already"} on main at ${report.ledger.sha.slice(0, 12)}`,
      );
    });
  }
  const { pull } = input;
  if (pull) {
    await attempt(`comment the report on #${pull.number}`, async () => {
      await deps.forge.upsertComment(pull.number, APPLY_REPORT_PURPOSE, commentBody(input, report));
    });
    const label = stateLabel(record?.outcome ?? "refused");
    if (input.labelPull && label) {
      await attempt(`label #${pull.number}`, () => deps.forge.setStateLabel(pull.number, label));
    }
  }
  await attempt(`set the status of ${input.sha.slice(0, 12)}`, () =>
    deps.forge.setCommitStatus(input.sha, commitStatus(input)),
  );
  return report;
}

/** The commit status a merge commit gets for its apply. */
export function applyStatusContext(account: string): string {
  return `folioctl/apply (${account})`;
}

function stateLabel(outcome: LedgerRecord["outcome"]): StateLabel | undefined {
  // A partial apply sent orders: the plan is no longer pending, and the report says which legs did not fill.
  if (outcome === "applied" || outcome === "already-applied" || outcome === "partial") return "applied";
  if (outcome === "refused") return "refused";
  // An error before any order: a re-run may still apply the plan, so the label stays as it is.
  return undefined;
}

function commitStatus(input: ApplyReportInput): CommitStatus {
  const context = applyStatusContext(input.account);
  const link = input.runUrl ?? input.pull?.url;
  const base = { context, ...(link === undefined ? {} : { targetUrl: link }) };
  const { record } = input;
  if (!record) {
    const reason = input.refusal?.reason ?? "error";
    return { ...base, state: "failure", description: `refused (${reason}): nothing was sent` };
  }
  const t = record.totals;
  const legs = `${t.filled}/${t.legs} legs filled`;
  switch (record.outcome) {
    case "applied":
      return { ...base, state: "success", description: `applied in full: ${legs}` };
    case "already-applied":
      return { ...base, state: "success", description: `already applied: nothing was sent` };
    case "partial":
      return { ...base, state: "failure", description: `partly applied: ${legs}` };
    case "refused":
      return {
        ...base,
        state: "failure",
        description: `refused (${record.refusal?.reason ?? "?"}): nothing was sent`,
      };
    case "error":
      return { ...base, state: "error", description: `failed: ${record.error ?? "see the run's log"}` };
  }
}

function commentBody(input: ApplyReportInput, report: ApplyReport): string {
  const ledger = report.ledger
    ? `\n<sub>ledger: \`${report.ledger.path}\` at ${report.ledger.sha.slice(0, 12)} · merge commit ${input.sha.slice(0, 12)}</sub>\n`
    : `\n<sub>merge commit ${input.sha.slice(0, 12)}</sub>\n`;
  if (input.record) {
    // The forge writes the marker itself; the report renderer's own copy would make two.
    const text = renderApplyMarkdown(input.record).replace(`${APPLY_REPORT_MARKER}\n`, "");
    return text + ledger;
  }
  const refusal = input.refusal;
  const lines = [
    `### Apply for ${input.account}: refused (${refusal?.reason ?? "error"}): nothing was sent`,
    "",
    refusal?.message ?? "",
    "",
    `**What to do:** ${refusal?.hint ?? "see the run's log"}`,
  ];
  return `${lines.join("\n")}\n${ledger}`;
}

async function commitRecord(
  repo: GitRepo,
  record: LedgerRecord,
  pull: PullRequest | undefined,
): Promise<{ path: string; sha: string; committed: boolean }> {
  const content = `${JSON.stringify(record, null, 2)}\n`;
  const stamp = record.finishedAt.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const base = `${stamp}-${record.planHash.slice(0, 12)}`;
  // Records are append-only: a second run in the same second gets a suffix, never the first's name.
  let name = `${base}.json`;
  for (let n = 2; ; n++) {
    const existing = await repo.readFile(repo.mainRef, ledgerPath(record.account, name));
    if (existing === null || Buffer.from(existing).toString("utf8") === content) break;
    name = `${base}-${n}.json`;
  }
  const refusal = record.refusal ? ` (${record.refusal.reason})` : "";
  const from = pull ? ` from #${pull.number}` : "";
  const commit = await repo.commitLedger({
    account: record.account,
    files: [{ name, content }],
    message:
      `folioctl ledger: ${record.outcome}${refusal} plan ${record.planHash.slice(0, 12)} for ${record.account}${from}\n\n` +
      `${record.totals.filled}/${record.totals.legs} legs filled, commissions ${record.totals.commissions.toFixed(2)} ${record.baseCurrency}.\n`,
  });
  return { path: ledgerPath(record.account, name), sha: commit.sha, committed: commit.committed };
}
