// Reads and checks a simulator state file: YAML, then the JSON schema, then the cross-references
// (positions and quotes name known contracts, every currency in use has an exchange rate, hours parse).
// Problems come back as values with file:line:col, all at once.
import { readFile } from "node:fs/promises";
import type { ErrorObject } from "ajv";
import type { Document } from "yaml";
import { LineCounter, parseDocument } from "yaml";
import type { Diagnostic } from "../../config/diagnostic.js";
import type { SchemaValidator } from "../../config/schema-validator.js";
import { parseIsoTime } from "../../core/iso-time.js";
import { parseTradingHours } from "../../core/trading-hours.js";
import { validateSimFault, validateSimState } from "../../generated/sim-state-validators.js";
import type { Fault } from "../engine/fault-script.js";
import { locate } from "./locate-path.js";
import { pairProblems, pairQuoteProblems } from "./pair-checks.js";
import type { StateProblem } from "./pair-checks.js";
import { simStateMessage } from "./sim-state-messages.js";
import type { SimStateFile } from "./sim-state.js";

export type LoadSimStateResult =
  | { ok: true; state: SimStateFile; file: string; document: Document | undefined }
  | { ok: false; errors: Diagnostic[]; file: string };

/** State files are small; anything bigger is a mistake (or an attack on the YAML parser). */
const MAX_BYTES = 8 * 1024 * 1024;
const MAX_ALIASES = 100;

const validateState = validateSimState as SchemaValidator<SimStateFile>;
const validateFault = validateSimFault as SchemaValidator<Fault>;

export async function loadSimStateFile(file: string): Promise<LoadSimStateResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    return { ok: false, file, errors: [problem(file, "", `cannot read the state file (${code})`)] };
  }
  if (bytes.length > MAX_BYTES) {
    return {
      ok: false,
      file,
      errors: [problem(file, "", `the state file is larger than ${MAX_BYTES} bytes`)],
    };
  }
  return parseSimState(bytes.toString("utf8"), file);
}

/** Validates state file text that did not come from a file on disk. */
export function parseSimState(text: string, file: string): LoadSimStateResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const errors = document.errors.map((e) => {
      const at = lineCounter.linePos(e.pos[0]);
      return {
        file,
        line: at.line,
        column: at.col,
        path: "",
        message: e.message.split("\n")[0] ?? e.message,
      };
    });
    return { ok: false, file, errors };
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    return { ok: false, file, errors: [problem(file, "", (error as Error).message)] };
  }
  const where = (path: string, key?: string): { line: number; column: number } =>
    locate(document, lineCounter, path, key);
  const result = validateSimStateValue(value, file, where);
  return result.ok ? { ...result, document } : result;
}

/** Validates a state given as an object (tests, `startGatewaySim({ state })`). Fills in defaults. */
export function validateSimStateValue(
  value: unknown,
  file = "<state>",
  where: (path: string, key?: string) => { line: number; column: number } = () => ({ line: 0, column: 0 }),
): LoadSimStateResult {
  if (value === null || value === undefined) {
    return { ok: false, file, errors: [problem(file, "", "the state file is empty")] };
  }
  if (!validateState(value)) {
    const errors = (validateState.errors ?? []).map((e) => {
      const { path, key, problem } = schemaProblem(e, value);
      return { file, ...where(path, key), ...problem };
    });
    return { ok: false, file, errors: dedupe(errors) };
  }
  const errors = crossCheck(value).map((p) => ({ file, ...where(p.path), ...p }));
  return errors.length > 0
    ? { ok: false, file, errors }
    : { ok: true, file, state: value, document: undefined };
}

/**
 * Checks one fault injected at run time, with the state file's messages: each problem names its field
 * (`fault.symbol`), what it needs, what was written and how to fix it.
 */
export function checkFault(fault: unknown): StateProblem[] {
  const problems = validateFault(fault)
    ? faultProblems(fault)
    : dedupe((validateFault.errors ?? []).map((e) => schemaProblem(e, fault).problem));
  return problems.map((p) => ({
    ...p,
    path: `fault${p.path === "" || p.path.startsWith(".") ? "" : "."}${p.path}`,
  }));
}

/** One schema error as a problem, and where it is: the field path and, for an unknown key, the key. */
function schemaProblem(
  error: ErrorObject,
  value: unknown,
): { path: string; key: string | undefined; problem: StateProblem } {
  const additional = error.params["additionalProperty"];
  const key = typeof additional === "string" ? additional : undefined;
  const path = pointerToPath(error.instancePath);
  const { message, hint } = simStateMessage(error, valueAt(value, error.instancePath));
  // Like the portfolio's: an unknown key's path names the key itself.
  const shown = key === undefined ? path : path === "" ? key : `${path}.${key}`;
  return { path, key, problem: { path: shown, message, ...(hint === undefined ? {} : { hint }) } };
}

type Problem = StateProblem;

function crossCheck(state: SimStateFile): Problem[] {
  const problems: Problem[] = [];
  const contracts = new Map(state.contracts.map((c) => [c.conId, c]));
  const symbols = new Set(state.contracts.map((c) => c.symbol));
  const seenAccounts = new Set<string>();
  const currencies = new Map<string, string>();
  state.accounts.forEach((account, i) => {
    if (seenAccounts.has(account.id))
      problems.push({ path: `accounts[${i}].id`, message: `duplicate account ${account.id}` });
    seenAccounts.add(account.id);
    currencies.set(account.baseCurrency, `accounts[${i}].baseCurrency`);
    for (const currency of Object.keys(account.cash ?? {}))
      currencies.set(currency, `accounts[${i}].cash.${currency}`);
    (account.positions ?? []).forEach((position, j) => {
      const contract = contracts.get(position.conId);
      if (contract === undefined) {
        problems.push({
          path: `accounts[${i}].positions[${j}].conId`,
          message: `conId ${position.conId} is not in contracts`,
          hint: "add the contract to `contracts:` or fix the conId",
        });
      } else if (contract.secType === "CASH") {
        problems.push({
          path: `accounts[${i}].positions[${j}].conId`,
          message: `conId ${position.conId} is the currency pair ${contract.symbol}.${contract.currency}, not a holding`,
          hint: `write the ${contract.symbol} balance under \`cash:\``,
        });
      } else currencies.set(contract.currency, `accounts[${i}].positions[${j}]`);
    });
  });
  const seenConIds = new Set<number>();
  state.contracts.forEach((contract, i) => {
    if (seenConIds.has(contract.conId)) {
      problems.push({ path: `contracts[${i}].conId`, message: `duplicate conId ${contract.conId}` });
    }
    seenConIds.add(contract.conId);
    if (contract.secType === "CASH") {
      for (const p of pairProblems(contract)) problems.push({ ...p, path: `contracts[${i}]${p.path}` });
      // A symbol that is no currency is reported above, not as a missing rate.
      if (/^[A-Z]{3}$/.test(contract.symbol)) currencies.set(contract.symbol, `contracts[${i}].symbol`);
      currencies.set(contract.currency, `contracts[${i}].currency`);
      currencies.set("USD", `contracts[${i}], whose commission has a minimum of USD 2.00`);
    }
    if ((contract.maintMarginRate ?? 0) > (contract.initMarginRate ?? 1)) {
      problems.push({
        path: `contracts[${i}].maintMarginRate`,
        message: `maintMarginRate ${contract.maintMarginRate} is above initMarginRate ${contract.initMarginRate}`,
        hint: "the maintenance margin is at most the initial margin",
      });
    }
    for (const field of ["liquidHours", "tradingHours"] as const) {
      const text = contract[field];
      if (text === undefined) continue;
      if (contract.timeZoneId === undefined) {
        problems.push({
          path: `contracts[${i}].${field}`,
          message: `${field} needs timeZoneId (for example America/New_York)`,
        });
        continue;
      }
      const parsed = parseTradingHours(text, contract.timeZoneId);
      if (!parsed.ok) problems.push({ path: `contracts[${i}].${field}`, message: parsed.error });
    }
  });
  const rates = state.exchangeRates ?? {};
  for (const [key, quote] of Object.entries(state.quotes ?? {})) {
    const contract = contracts.get(Number(key));
    if (contract === undefined) {
      problems.push({ path: `quotes.${key}`, message: `conId ${key} is not in contracts` });
    } else if (contract.secType === "CASH") {
      for (const p of pairQuoteProblems(contract, quote, rates))
        problems.push({ ...p, path: `quotes.${key}` });
    }
  }
  const implicit = Object.keys(rates).length === 0 && currencies.size <= 1;
  if (!implicit) {
    for (const [currency, path] of currencies) {
      if (rates[currency] === undefined) {
        problems.push({
          path: "exchangeRates",
          message: `no exchange rate for ${currency} (used at ${path})`,
          hint: `add ${currency}: <value of one ${currency}> to exchangeRates`,
        });
      }
    }
  }
  if (state.clock !== undefined && parseIsoTime(state.clock) === undefined) {
    problems.push({
      path: "clock",
      message: `"${state.clock}" is not an ISO 8601 time with a zone`,
      hint: "write it like 2026-12-02T15:00:00Z (10:00 in New York), or leave clock out to use the machine's clock",
    });
  }
  (state.faults ?? []).forEach((fault, i) => {
    for (const p of faultProblems(fault, symbols)) problems.push({ ...p, path: `faults[${i}]${p.path}` });
  });
  return problems;
}

function faultProblems(fault: Fault, symbols?: Set<string>): Problem[] {
  const problems: Problem[] = [];
  if (fault.type === "disconnect" || fault.type === "connectivity-lost") {
    const triggers = (fault.afterMessages === undefined ? 0 : 1) + (fault.on === undefined ? 0 : 1);
    if (triggers !== 1) {
      problems.push({ path: "", message: `a ${fault.type} fault needs exactly one of afterMessages or on` });
    }
  }
  if ((fault.type === "reject" || fault.type === "partial-fill") && symbols && fault.symbol !== undefined) {
    if (!symbols.has(fault.symbol)) {
      problems.push({ path: ".symbol", message: `symbol ${fault.symbol} is not in contracts` });
    }
  }
  return problems;
}

function problem(file: string, path: string, message: string): Diagnostic {
  return { file, line: 0, column: 0, path, message };
}

/** `/accounts/0/cash` to `accounts[0].cash`; quote keys are conIds, not indexes: `quotes.756733`. */
/** The value a JSON pointer names, for quoting it in a message. */
function valueAt(value: unknown, pointer: string): unknown {
  let current = value;
  for (const raw of pointer.split("/").slice(1)) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function pointerToPath(pointer: string): string {
  let path = "";
  for (const raw of pointer.split("/").slice(1)) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (/^\d+$/.test(segment) && path !== "quotes") path += `[${segment}]`;
    else path += path === "" ? segment : `.${segment}`;
  }
  return path;
}

function dedupe<T extends StateProblem>(errors: T[]): T[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.path}|${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
