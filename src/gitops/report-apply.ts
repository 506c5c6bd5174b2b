// After an apply on merge: the ledger record committed to main, the report as one comment on the merged
// pull request, its state label, and a commit status on the merge commit. Each step is tried even when
// an earlier one failed, and every failure is returned, so that nothing already sent goes unrecorded.
// When main refuses the record (a ruleset without the App as bypass actor), the record is never lost: it
// goes whole into the job summary and the pull request comment, to be committed by hand.
import { APPLY_REPORT_MARKER, renderApplyMarkdown } from "../apply/render-apply-report.js";
import type { LedgerRecord } from "../apply/ledger.js";
import type { Refusal } from "../apply/refusal.js";
import type { CommitStatus, Forge, PullRequest, StateLabel } from "../forge/forge.js";
import { FolioctlError } from "../errors.js";
import { formatMoney } from "../core/format-number.js";
import { GITHUB_BODY_LIMIT } from "../core/render-markdown.js";
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
  /** The record main refused: where it belongs and its exact bytes, to be committed by hand. */
  unrecorded?: { path: string; content: string };
  /** What could not be reported, one sentence each. */
  problems: string[];
}

export interface ReportDeps {
  forge: Forge;
  repo: GitRepo;
  log: (line: string) => void;
  /** Appends Markdown to the job's summary page (GITHUB_STEP_SUMMARY), when the run has one. */
  stepSummary?: (markdown: string) => Promise<void>;
}

// GitHub refuses a comment body above its limit; the marker line and the report need room too.
const COMMENT_RECORD_LIMIT = GITHUB_BODY_LIMIT - 16_000;

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
    const file = await ledgerFile(deps.repo, record).catch(() => fallbackLedgerFile(record));
    try {
      report.ledger = await commitRecord(deps.repo, record, file, input.pull);
      deps.log(
        `apply: ledger ${report.ledger.path} ${report.ledger.committed ? "committed" : "already"} on main at ${report.ledger.sha.slice(0, 12)}`,
      );
    } catch (error) {
      report.unrecorded = { path: file.path, content: file.content };
      const kept = [
        ...(deps.stepSummary ? ["the job summary"] : []),
        ...(input.pull ? [`the report on #${input.pull.number}`] : []),
      ];
      const problem = ledgerRefused(error, file.path, kept);
      report.problems.push(problem);
      deps.log(`apply: ${problem}`);
      deps.log(JSON.stringify(record));
    }
  }
  const { stepSummary } = deps;
  if (stepSummary) {
    // The summary takes up to 1 MiB per step: room for the whole record whatever its size.
    await attempt("write the job summary", () => stepSummary(`${reportText(input, report, Infinity)}\n`));
  }
  const { pull } = input;
  if (pull) {
    await attempt(`comment the report on #${pull.number}`, async () => {
      const body = reportText(input, report, COMMENT_RECORD_LIMIT);
      await deps.forge.upsertComment(pull.number, APPLY_REPORT_PURPOSE, body);
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

/** The report as the comment and the job summary show it; a refused record longer than `recordLimit` is only pointed to. */
function reportText(input: ApplyReportInput, report: ApplyReport, recordLimit: number): string {
  const ledger = report.ledger
    ? `\n<sub>ledger: \`${report.ledger.path}\` at ${report.ledger.sha.slice(0, 12)} · merge commit ${input.sha.slice(0, 12)}</sub>\n`
    : `\n<sub>merge commit ${input.sha.slice(0, 12)}</sub>\n`;
  if (input.record) {
    // The forge writes the marker itself; the report renderer's own copy would make two.
    const text = renderApplyMarkdown(input.record).replace(`${APPLY_REPORT_MARKER}\n`, "");
    return text + ledger + unrecordedSection(report, recordLimit);
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

/** The refused record, whole, with where to commit it; or a pointer to the job summary when too long. */
function unrecordedSection(report: ApplyReport, limit: number): string {
  const file = report.unrecorded;
  if (!file) return "";
  const intro =
    `\n**The ledger record is not on main**: main refused it. Commit it as \`${file.path}\` on main, ` +
    "byte for byte, before anything else is applied for this account: without it a later apply could " +
    "send these orders again.\n";
  if (file.content.length > limit) {
    return `${intro}\nThe record (${file.content.length} characters) is too long for a comment: it is in the job summary of the run.\n`;
  }
  const fence = "`".repeat(Math.max(3, ...[...file.content.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${intro}\n<details><summary>${file.path}</summary>\n\n${fence}json\n${file.content}${fence}\n</details>\n`;
}

/** Says that main refused the record, and, for a ruleset's refusal, the setting that is missing. */
function ledgerRefused(error: unknown, path: string, kept: string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  const where = `it is, whole, in ${[...kept, "the log"].join(", ").replace(/, ([^,]*)$/, " and $1")}`;
  if (/repository rule violations|GH013|protected branch|hook declined|push declined/i.test(message)) {
    return (
      `main refused the ledger record ${path} (${message}). A ruleset on main does not let the folioctl ` +
      "GitHub App push: add the App to the bypass list (Always allow) of every ruleset that targets main, " +
      `the organisation's rulesets included (docs/operations.md, section 6). The record is not lost: ${where}`
    );
  }
  const hint = error instanceof FolioctlError && error.hint ? ` (${error.hint})` : "";
  return `could not commit the ledger record ${path} to main: ${message}${hint}. The record is not lost: ${where}`;
}

interface LedgerFile {
  name: string;
  path: string;
  content: string;
}

async function ledgerFile(repo: GitRepo, record: LedgerRecord): Promise<LedgerFile> {
  const first = fallbackLedgerFile(record);
  const base = first.name.replace(/\.json$/, "");
  // Records are append-only: a second run in the same second gets a suffix, never the first's name.
  let name = first.name;
  for (let n = 2; ; n++) {
    const existing = await repo.readFile(repo.mainRef, ledgerPath(record.account, name));
    if (existing === null || Buffer.from(existing).toString("utf8") === first.content) break;
    name = `${base}-${n}.json`;
  }
  return { name, path: ledgerPath(record.account, name), content: first.content };
}

/** The record's file name from its finish time and plan, before main was read for a name taken. */
function fallbackLedgerFile(record: LedgerRecord): LedgerFile {
  const content = `${JSON.stringify(record, null, 2)}\n`;
  const stamp = record.finishedAt.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const name = `${stamp}-${record.planHash.slice(0, 12)}.json`;
  return { name, path: ledgerPath(record.account, name), content };
}

async function commitRecord(
  repo: GitRepo,
  record: LedgerRecord,
  { name, content }: LedgerFile,
  pull: PullRequest | undefined,
): Promise<{ path: string; sha: string; committed: boolean }> {
  const refusal = record.refusal ? ` (${record.refusal.reason})` : "";
  const from = pull ? ` from #${pull.number}` : "";
  const commit = await repo.commitLedger({
    account: record.account,
    files: [{ name, content }],
    message:
      `folioctl ledger: ${record.outcome}${refusal} plan ${record.planHash.slice(0, 12)} for ${record.account}${from}\n\n` +
      `${record.totals.filled}/${record.totals.legs} legs filled, commissions ${formatMoney(record.totals.commissions)} ${record.baseCurrency}.\n`,
  });
  return { path: ledgerPath(record.account, name), sha: commit.sha, committed: commit.committed };
}
