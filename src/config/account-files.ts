// The two kinds of file of a many-account ops repository. `models/<name>.yaml` is a portfolio.yaml
// without `account` (targets, cash, bands, limits...), shared by every account that names it;
// `accounts/<ID>.yaml` names its account and model and what the account does differently. An account's
// resolved portfolio (the model with its overrides) is checked like any portfolio.yaml, and each problem
// is reported in the file that wrote the field at fault.
import { createHash } from "node:crypto";
import type { ErrorObject } from "ajv";
import accountSchema from "../../schema/account.schema.json" with { type: "json" };
import type { Portfolio } from "../core/portfolio.js";
import { validateAccountFile } from "../generated/account-validator.js";
import { describeAjvError } from "./ajv-error-messages.js";
import type { Diagnostic } from "./diagnostic.js";
import type { PathSegment } from "./field-path.js";
import { isRecord, pointerToPath } from "./field-path.js";
import type { Found, Placement } from "./load-portfolio.js";
import {
  checkPortfolioData,
  describeFirst,
  readYamlBytes,
  toDiagnostic,
  yamlNodeProblems,
} from "./load-portfolio.js";
import type { Problem } from "./problem.js";
import { suggestKey } from "./suggest-key.js";
import type { SourceLocator } from "./yaml-locations.js";

/** A file read and parsed: where it is, its YAML source (for placing problems) and its bytes' SHA-256. */
export interface ParsedFile {
  file: string;
  source: SourceLocator;
  sha256: string;
}

export interface ParsedModel extends ParsedFile {
  name: string;
  /** The document as written (no defaults filled in): overrides are merged into it. */
  written: Record<string, unknown>;
}

export interface AccountFileData {
  account: string;
  model: string;
  /** The account group (one IB login, one runner); absent: DEFAULT_GROUP. */
  group?: string;
  targets?: Record<string, number>;
  [section: string]: unknown;
}

export interface ParsedAccount extends ParsedFile {
  data: AccountFileData;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: Diagnostic[] };

/** Any valid account id: a model is checked as the portfolio of an account it does not name. */
const MODEL_ACCOUNT_PLACEHOLDER = "DU0000000";

const OVERRIDE_KEYS = Object.keys(accountSchema.properties);
/** Keys that say which account this is and where it runs, not how its portfolio differs from the model. */
const ACCOUNT_KEYS = new Set(["account", "model", "group"]);

/** The group of an account file without `group:`: a repository of one login needs no groups at all. */
export const DEFAULT_GROUP = "default";

export function sha256Of(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** models/<name>.yaml: a portfolio for no account in particular, checked as one. */
export function parseModelFile(bytes: Uint8Array, file: string, name: string): Parsed<ParsedModel> {
  const read = readYamlBytes(bytes, file);
  if (!read.ok) return { ok: false, errors: read.errors };
  const { source, data } = read;
  const early: Found[] = yamlNodeProblems(read, file);
  if (isRecord(data) && data["account"] !== undefined) {
    const problem: Problem = {
      path: ["account"],
      at: "key",
      message: "a model names no account: every account file that says `model: " + name + "` uses it",
      hint: `remove \`account:\`; accounts/<ID>.yaml with \`account: <ID>\` and \`model: ${name}\` names each account`,
    };
    const offset = source.offsetOf(problem.path, problem.at);
    early.push({ offset, describe: () => toDiagnostic(problem, source, file, offset) });
  }
  const written = isRecord(data) ? structuredClone(data) : {};
  const checked = checkPortfolioData({
    data: isRecord(data) ? { ...data, account: MODEL_ACCOUNT_PLACEHOLDER } : data,
    file,
    early,
    place: (path) => ({ file, source, path, rank: 0 }),
  });
  if (!checked.ok) return checked;
  return { ok: true, value: { file, source, sha256: sha256Of(bytes), name, written } };
}

/** accounts/<ID>.yaml: its own shape only; the values it overrides are checked once merged. */
export function parseAccountFile(bytes: Uint8Array, file: string): Parsed<ParsedAccount> {
  const read = readYamlBytes(bytes, file);
  if (!read.ok) return { ok: false, errors: read.errors };
  const { source, data } = read;
  const found: Found[] = yamlNodeProblems(read, file);
  if (!validateAccountFile(data)) {
    for (const error of validateAccountFile.errors ?? []) {
      const problem = describeAccountError(error, data, source);
      const offset = source.offsetOf(problem.path, problem.at);
      found.push({ offset, describe: () => toDiagnostic(problem, source, file, offset) });
    }
  }
  if (found.length > 0) return { ok: false, errors: describeFirst(found, file) };
  return { ok: true, value: { file, source, sha256: sha256Of(bytes), data: data as AccountFileData } };
}

function describeAccountError(error: ErrorObject, data: unknown, source: SourceLocator): Problem {
  const path = pointerToPath(error.instancePath, data);
  if (error.keyword === "additionalProperties" && path.length === 0) {
    const key = String((error.params as { additionalProperty: string }).additionalProperty);
    const suggestion = suggestKey(key, OVERRIDE_KEYS);
    return {
      path: [key],
      at: "key",
      message: "unknown key" + (suggestion === undefined ? "" : `; did you mean \`${suggestion}\`?`),
      hint:
        suggestion === undefined
          ? `an account file holds \`account\`, \`model\`, \`group\` and overrides of the model's ${OVERRIDE_KEYS.filter((k) => !ACCOUNT_KEYS.has(k)).join(", ")}`
          : `rename \`${key}\` to \`${suggestion}\``,
    };
  }
  if (error.keyword === "propertyNames") {
    const key = String((error.params as { propertyName?: string }).propertyName ?? "");
    return {
      path: [...path, key],
      at: "key",
      message: `\`${key}\` is not a ticker symbol`,
      hint: "name a target of the model by its symbol, as the model writes it (for example VTI: 30)",
    };
  }
  if (error.keyword === "pattern" && path[0] === "group" && path.length === 1) {
    return {
      path,
      at: "value",
      message:
        "must be a group name: lower-case letters, digits and -, starting with a letter, at most 32 characters",
      hint: "name the login's group as its runner label ends, for example `group: household` for runners labelled folioctl-household",
    };
  }
  if (error.keyword === "pattern" && path[0] === "model") {
    return {
      path,
      at: "value",
      message: "must be the name of a file in models/ without `.yaml` (letters, digits, - and _)",
      hint: "for models/core.yaml write `model: core`",
    };
  }
  return describeAjvError(error, { path, sourceText: source.scalarSourceAt(path) });
}

/**
 * The account's portfolio: the model, with the account's settings merged in key by key and its target
 * weights put in place, checked as a portfolio.yaml for the account. Problems are placed in the account
 * file when it wrote the field (or chose the model that made the sum wrong), else in the model.
 */
export function resolveAccount(model: ParsedModel, account: ParsedAccount): Parsed<Portfolio> {
  const merged = structuredClone(model.written);
  merged["account"] = account.data.account;
  const early: Found[] = [];
  const addProblem = (problem: Problem): void => {
    const offset = account.source.offsetOf(problem.path, problem.at);
    early.push({ offset, describe: () => toDiagnostic(problem, account.source, account.file, offset) });
  };
  for (const [key, value] of Object.entries(account.data)) {
    if (ACCOUNT_KEYS.has(key) || key === "targets") continue;
    merged[key] = isRecord(value) && isRecord(merged[key]) ? deepMerge(merged[key], value) : value;
  }
  const targets = Array.isArray(merged["targets"]) ? (merged["targets"] as unknown[]) : [];
  for (const [symbol, weight] of Object.entries(account.data.targets ?? {})) {
    const matches = targets.flatMap((t, i) => (isRecord(t) && t["symbol"] === symbol ? [i] : []));
    if (matches.length !== 1) {
      const known = targets.flatMap((t) =>
        isRecord(t) && typeof t["symbol"] === "string" ? [t["symbol"]] : [],
      );
      const suggestion = suggestKey(symbol, known);
      addProblem({
        path: ["targets", symbol],
        at: "key",
        message:
          matches.length === 0
            ? `model \`${model.name}\` (${model.file}) has no target ${symbol}`
            : `model \`${model.name}\` has ${matches.length} targets ${symbol} (in different currencies): an override cannot tell which`,
        hint:
          matches.length === 0
            ? `an account can only change the weight of one of its model's targets (${known.join(", ")})${suggestion === undefined ? "" : `; did you mean ${suggestion}?`}; add a target to the model, or use a model of its own`
            : "give this account a model of its own, or the targets distinct symbols",
      });
      continue;
    }
    const index = matches[0] as number;
    targets[index] = { ...(targets[index] as Record<string, unknown>), weight };
  }
  const checked = checkPortfolioData({
    data: merged,
    file: account.file,
    early,
    place: (path) => placeResolved(path, model, account),
  });
  return checked.ok ? { ok: true, value: checked.portfolio } : checked;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const below = out[key];
    out[key] = isRecord(value) && isRecord(below) ? deepMerge(below, value) : value;
  }
  return out;
}

/**
 * Which file a field of the resolved portfolio came from. The model alone is valid (it is checked
 * first), so a problem the resolution finds is the account's doing: at the field it wrote, or, for a
 * total its overrides broke, at its `targets:` (or `cash.weight`), else at the `model:` it chose.
 */
function placeResolved(path: PathSegment[], model: ParsedModel, account: ParsedAccount): Placement {
  const inAccount = (accountPath: PathSegment[]): Placement => ({
    file: account.file,
    source: account.source,
    path: accountPath,
    rank: 1,
  });
  const data = account.data as Record<string, unknown>;
  if (path[0] === "targets") {
    if (typeof path[1] === "number") {
      const target = (model.written["targets"] as unknown[] | undefined)?.[path[1]];
      const symbol = isRecord(target) ? target["symbol"] : undefined;
      if (typeof symbol === "string" && account.data.targets?.[symbol] !== undefined) {
        return inAccount(["targets", symbol]);
      }
    } else if (path.length === 1) {
      if (account.data.targets !== undefined) return inAccount(["targets"]);
      if (isRecord(data["cash"]) && data["cash"]["weight"] !== undefined)
        return inAccount(["cash", "weight"]);
    }
    return inAccount(["model"]);
  }
  let value: unknown = data;
  const written: PathSegment[] = [];
  for (const segment of path) {
    if (!isRecord(value) || typeof segment !== "string" || !(segment in value)) break;
    value = value[segment];
    written.push(segment);
  }
  // A field the account did not write cannot be at fault alone: the model is valid by itself.
  if (written.length === 0) return inAccount(["model"]);
  return inAccount(written);
}
