// A plan's hash only says the file was not edited since someone hashed it, and anyone can hash. What
// authenticates a plan is that folioctl itself would make exactly it: planning is a pure function of
// portfolio.yaml and a snapshot, the plan embeds its snapshot, so apply plans again and compares bytes.
import { canonicalJson } from "../core/canonical-json.js";
import { computePlan } from "../core/compute-plan.js";
import { PLAN_SCHEMA_VERSION, type Plan } from "../core/plan.js";
import type { Portfolio } from "../core/portfolio.js";
import { firstDifferences } from "./first-differences.js";
import type { Refusal } from "./refusal.js";
import { neverEditHint, versionMismatchHint, type ApplyContext } from "./refusal-hints.js";

export interface RederiveContext {
  /** portfolio.yaml as verified (on main, for apply), and the SHA-256 of its bytes. */
  portfolio: Portfolio;
  portfolioHash: string;
  /** The version of folioctl that is running. */
  toolVersion: string;
}

/** How many differing fields a refusal names: enough to see what was changed, short enough to read. */
const DIFFERENCES_SHOWN = 5;

/**
 * Undefined when recomputing the plan from its embedded snapshot, with `portfolio`, at the plan's
 * createdAt gives the plan byte for byte (hash included). Otherwise the refusal: `version-mismatch`
 * when another folioctl version made it (its planning may differ; checked first), else `tampered`,
 * naming the first fields that differ with both values.
 */
export function rederivePlan(plan: Plan, context: RederiveContext, apply: ApplyContext): Refusal | undefined {
  const version = checkPlanVersion(plan, context.toolVersion, apply);
  if (version) return version;
  const result = computePlan(context.portfolio, plan.snapshot, {
    now: plan.createdAt,
    toolVersion: context.toolVersion,
    portfolioHash: context.portfolioHash,
    ...(plan.sourceCommit === undefined ? {} : { sourceCommit: plan.sourceCommit }),
  });
  if (!result.ok) {
    const why = result.errors.map((e) => e.message).slice(0, DIFFERENCES_SHOWN);
    return {
      reason: "tampered",
      message: `the plan does not re-derive: planning again from its own snapshot and ${apply.portfolioFile} gives no plan (${why.join("; ")})`,
      hint: neverEditHint(apply),
    };
  }
  const claimed = canonicalJson(plan);
  const derived = canonicalJson(result.plan);
  if (claimed === derived) return undefined;
  // The hash differs whenever anything does: name it only when nothing else does.
  const unhashed = (text: string): unknown => ({ ...(JSON.parse(text) as object), hash: undefined });
  const found = firstDifferences(unhashed(claimed), unhashed(derived), DIFFERENCES_SHOWN);
  const differences =
    found.length > 0 ? found : firstDifferences(JSON.parse(claimed), JSON.parse(derived), DIFFERENCES_SHOWN);
  const listed = differences.map((d) => `${d.path}: the plan says ${d.left}, re-derived ${d.right}`);
  return {
    reason: "tampered",
    message: `the plan is not the one folioctl makes from its own snapshot and ${apply.portfolioFile}: ${listed.join("; ")}`,
    hint: neverEditHint(apply),
  };
}

/** `version-mismatch` when another folioctl version made the plan: its planning may differ from ours. */
export function checkPlanVersion(
  plan: Plan,
  toolVersion: string,
  context: ApplyContext,
): Refusal | undefined {
  if (plan.toolVersion === toolVersion) return undefined;
  return {
    reason: "version-mismatch",
    message: `the plan was made by folioctl ${plan.toolVersion}, this is folioctl ${toolVersion}: only the version that made a plan can re-derive it to check it`,
    hint: versionMismatchHint(context),
  };
}

/**
 * `version-mismatch` for a document in another plan format (which no schema check of ours can read):
 * the version that made it is named when the document says.
 */
export function checkPlanFormat(document: unknown, context: ApplyContext): Refusal | undefined {
  if (typeof document !== "object" || document === null) return undefined;
  const { schemaVersion, toolVersion } = document as { schemaVersion?: unknown; toolVersion?: unknown };
  if (schemaVersion === undefined || schemaVersion === PLAN_SCHEMA_VERSION) return undefined;
  const maker = typeof toolVersion === "string" ? `folioctl ${toolVersion}` : "another folioctl version";
  return {
    reason: "version-mismatch",
    message: `the plan is in plan format ${JSON.stringify(schemaVersion)}, made by ${maker}; this version reads format ${PLAN_SCHEMA_VERSION}`,
    hint: versionMismatchHint(context),
  };
}
