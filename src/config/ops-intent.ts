// The desired state an ops repository holds, whichever of its two layouts it uses: one `portfolio.yaml`
// (one account), or `accounts/<ID>.yaml` files driven by shared `models/<name>.yaml`. Each account comes
// back with its resolved portfolio and its intent hash, or with the problems that keep it from being
// planned; one account's problems never hide another's plan.
import type { Portfolio } from "../core/portfolio.js";
import { canonicalJson } from "../core/canonical-json.js";
import type { ParsedAccount, ParsedModel, Parsed } from "./account-files.js";
import { DEFAULT_GROUP, parseAccountFile, parseModelFile, resolveAccount } from "./account-files.js";
import type { Diagnostic } from "./diagnostic.js";
import { parsePortfolio } from "./load-portfolio.js";
import { createHash } from "node:crypto";
import { formatDiagnostic } from "./diagnostic.js";
import { InputError } from "../errors.js";

export const PORTFOLIO_PATH = "portfolio.yaml";
export const ACCOUNTS_FOLDER = "accounts";
export const MODELS_FOLDER = "models";

/** Files of the repository at one version: a git commit, a pull request's head, a directory. */
export interface OpsTree {
  readFile(path: string): Promise<Uint8Array | null>;
  /** The files directly in `folder` whose name `wanted` accepts, by name; empty when it is not there. */
  readFolder(folder: string, wanted: (name: string) => boolean): Promise<Map<string, Uint8Array>>;
}

export interface AccountIntent {
  account: string;
  portfolio: Portfolio;
  /**
   * What a plan's `portfolioHash` records: for portfolio.yaml, SHA-256 of its bytes; for an account
   * file, SHA-256 of the canonical JSON of the account file's SHA-256, the model's name and the model
   * file's SHA-256. It changes when (and only when) a file the account's portfolio is read from changes.
   */
  hash: string;
  /** The files the portfolio is read from, as repository paths: the account file first. */
  files: string[];
  /** The model's name, for an account of the many-account layout. */
  model?: string;
  /** Its account group (`group:`, else DEFAULT_GROUP): which runner and gateway read and trade it. */
  group: string;
}

export type AccountIntentResult =
  | { ok: true; account: string; intent: AccountIntent }
  | {
      ok: false;
      account: string;
      files: string[];
      errors: Diagnostic[];
      model?: string;
      /** Undefined when its account file itself cannot be read. */
      group?: string;
    };

export interface OpsIntent {
  layout: "portfolio" | "accounts";
  /** Problems of the repository as a whole (both layouts, neither): no account can be read. */
  problems: Diagnostic[];
  /**
   * Files in accounts/ or models/ that are not read (`x.yml`): `validate` and `preview` refuse them, but
   * they keep no account from being planned.
   */
  strayFiles: Diagnostic[];
  /** Every account, sorted by id. */
  accounts: AccountIntentResult[];
  /** Each model, with the accounts it drives and its problems (none when it is valid). */
  models: Map<string, { file: string; accounts: string[]; errors: Diagnostic[] }>;
}

const YAML_FILE = /^([A-Za-z0-9][A-Za-z0-9_-]{0,63})\.yaml$/;

export const modelPath = (name: string): string => `${MODELS_FOLDER}/${name}.yaml`;
export const accountPath = (account: string): string => `${ACCOUNTS_FOLDER}/${account}.yaml`;

/** The intent hash of a model-driven account (see AccountIntent.hash). */
export function accountIntentHash(accountSha256: string, model: string, modelSha256: string): string {
  const document = canonicalJson({ account: accountSha256, model, modelFile: modelSha256 });
  return createHash("sha256").update(document).digest("hex");
}

export async function readOpsIntent(tree: OpsTree): Promise<OpsIntent> {
  // YAML files only: a README next to the account files is not part of the layout.
  const yaml = (name: string): boolean => /\.ya?ml$/i.test(name);
  const [portfolioBytes, accountFiles, modelFiles] = await Promise.all([
    tree.readFile(PORTFOLIO_PATH),
    tree.readFolder(ACCOUNTS_FOLDER, yaml),
    tree.readFolder(MODELS_FOLDER, yaml),
  ]);
  const many = accountFiles.size > 0 || modelFiles.size > 0;
  if (portfolioBytes !== null && many) {
    return {
      layout: "accounts",
      accounts: [],
      models: new Map(),
      strayFiles: [],
      problems: [
        wholeFile(
          PORTFOLIO_PATH,
          `the repository holds both ${PORTFOLIO_PATH} and ${ACCOUNTS_FOLDER}/ or ${MODELS_FOLDER}/: it must use one layout`,
          `keep ${PORTFOLIO_PATH} for one account, or move it to ${MODELS_FOLDER}/<name>.yaml (without \`account:\`) with ${ACCOUNTS_FOLDER}/<ID>.yaml naming it, and delete ${PORTFOLIO_PATH}`,
        ),
      ],
    };
  }
  if (!many) return readSingle(portfolioBytes);
  return readMany(accountFiles, modelFiles);
}

function readSingle(bytes: Uint8Array | null): OpsIntent {
  const single = { layout: "portfolio" as const, models: new Map(), strayFiles: [] };
  if (bytes === null) {
    return {
      ...single,
      accounts: [],
      problems: [
        wholeFile(
          PORTFOLIO_PATH,
          `there is no ${PORTFOLIO_PATH}, and no ${ACCOUNTS_FOLDER}/<ID>.yaml either`,
          `commit the desired state as ${PORTFOLIO_PATH} at the top of the ops repository (\`folioctl init\` writes one), or as ${MODELS_FOLDER}/<name>.yaml and ${ACCOUNTS_FOLDER}/<ID>.yaml for several accounts`,
        ),
      ],
    };
  }
  const loaded = parsePortfolio(bytes, PORTFOLIO_PATH);
  const files = [PORTFOLIO_PATH];
  if (!loaded.ok) {
    return {
      ...single,
      problems: [],
      accounts: [{ ok: false, account: "", files, errors: loaded.errors, group: DEFAULT_GROUP }],
    };
  }
  const { portfolio } = loaded;
  return {
    ...single,
    problems: [],
    accounts: [
      {
        ok: true,
        account: portfolio.account,
        intent: { account: portfolio.account, portfolio, hash: loaded.sha256, files, group: DEFAULT_GROUP },
      },
    ],
  };
}

function readMany(accountFiles: Map<string, Uint8Array>, modelFiles: Map<string, Uint8Array>): OpsIntent {
  const strayFiles: Diagnostic[] = [];
  const models = new Map<string, Parsed<ParsedModel>>();
  for (const [name, bytes] of [...modelFiles].sort(([a], [b]) => a.localeCompare(b))) {
    const file = `${MODELS_FOLDER}/${name}`;
    const match = YAML_FILE.exec(name);
    if (!match?.[1]) {
      // A README next to the files is fine; a YAML file that would be silently skipped is not.
      if (/\.ya?ml$/i.test(name))
        strayFiles.push(notYamlName(file, "models/<name>.yaml, for example models/core.yaml"));
      continue;
    }
    models.set(match[1], parseModelFile(bytes, file, match[1]));
  }

  // Every account file, by the account it names (or its file name when it cannot be read).
  const byAccount = new Map<string, { file: string; parsed: Parsed<ParsedAccount> }[]>();
  for (const [name, bytes] of [...accountFiles].sort(([a], [b]) => a.localeCompare(b))) {
    const file = `${ACCOUNTS_FOLDER}/${name}`;
    const match = YAML_FILE.exec(name);
    if (!match?.[1]) {
      // A README next to the files is fine; a YAML file that would be silently skipped is not.
      if (/\.ya?ml$/i.test(name))
        strayFiles.push(notYamlName(file, "accounts/<ID>.yaml, for example accounts/DU1234567.yaml"));
      continue;
    }
    const parsed = parseAccountFile(bytes, file);
    const id = parsed.ok ? parsed.value.data.account : match[1];
    byAccount.set(id, [...(byAccount.get(id) ?? []), { file, parsed }]);
  }

  const modelInfo = new Map<string, { file: string; accounts: string[]; errors: Diagnostic[] }>();
  for (const [name, parsed] of models) {
    modelInfo.set(name, { file: modelPath(name), accounts: [], errors: parsed.ok ? [] : parsed.errors });
  }
  const accounts: AccountIntentResult[] = [];
  for (const id of [...byAccount.keys()].sort()) {
    const entries = byAccount.get(id) ?? [];
    accounts.push(resolveOne(id, entries, models, modelInfo));
  }
  return { layout: "accounts", problems: [], strayFiles, accounts, models: modelInfo };
}

function resolveOne(
  id: string,
  entries: { file: string; parsed: Parsed<ParsedAccount> }[],
  models: Map<string, Parsed<ParsedModel>>,
  modelInfo: Map<string, { file: string; accounts: string[]; errors: Diagnostic[] }>,
): AccountIntentResult {
  const files = entries.map((e) => e.file);
  const errors: Diagnostic[] = [];
  for (const entry of entries) if (!entry.parsed.ok) errors.push(...entry.parsed.errors);
  const parsedEntries = entries.flatMap((e) => (e.parsed.ok ? [e.parsed.value] : []));
  for (const account of parsedEntries) {
    const expected = accountPath(account.data.account);
    if (account.file !== expected) {
      errors.push(
        at(
          account,
          ["account"],
          `the file is ${account.file}, but it is for account ${account.data.account}`,
          `an account file is named after its account: rename it to ${expected}, or correct \`account:\``,
        ),
      );
    }
  }
  if (parsedEntries.length > 1) {
    for (const account of parsedEntries) {
      const others = parsedEntries.filter((other) => other !== account).map((other) => other.file);
      errors.push(
        at(
          account,
          ["account"],
          `account ${id} is listed twice: ${others.join(" and ")} ${others.length === 1 ? "is" : "are"} for it too`,
          `keep one file per account (${accountPath(id)}) and delete the other`,
        ),
      );
    }
  }
  const account = parsedEntries[0];
  if (errors.length > 0 || account === undefined) {
    const group = account === undefined ? {} : { group: account.data.group ?? DEFAULT_GROUP };
    return { ok: false, account: id, files, errors, ...group };
  }
  const group = account.data.group ?? DEFAULT_GROUP;

  const name = account.data.model;
  const model = models.get(name);
  if (model === undefined) {
    const known = [...models.keys()];
    return {
      ok: false,
      account: id,
      files,
      group,
      errors: [
        at(
          account,
          ["model"],
          `there is no model \`${name}\` (${modelPath(name)})`,
          known.length === 0
            ? `add ${modelPath(name)}: a portfolio.yaml without \`account:\``
            : `name one of the models in ${MODELS_FOLDER}/: ${known.join(", ")}`,
        ),
      ],
    };
  }
  const modelFile = modelPath(name);
  modelInfo.get(name)?.accounts.push(id);
  const both = [account.file, modelFile];
  if (!model.ok) return { ok: false, account: id, files: both, errors: model.errors, model: name, group };
  const resolved = resolveAccount(model.value, account);
  if (!resolved.ok) return { ok: false, account: id, files: both, errors: resolved.errors, group };
  return {
    ok: true,
    account: id,
    intent: {
      account: id,
      portfolio: resolved.value,
      hash: accountIntentHash(account.sha256, name, model.value.sha256),
      files: both,
      model: name,
      group,
    },
  };
}

function at(file: ParsedAccount, path: string[], message: string, hint: string): Diagnostic {
  const position = file.source.positionOfOffset(file.source.offsetOf(path, "value"));
  return { file: file.file, ...position, path: path.join("."), message, hint };
}

function wholeFile(file: string, message: string, hint: string): Diagnostic {
  return { file, line: 0, column: 0, path: "", message, hint };
}

function notYamlName(file: string, shape: string): Diagnostic {
  return wholeFile(file, "is not read: its name is not <name>.yaml", `name it ${shape}`);
}

/** The repository as a whole cannot be read (`where`: "at 3f2a1c0d9e8b", "here"): every problem listed. */
export function layoutError(problems: Diagnostic[], where: string): InputError {
  return new InputError(`the ops repository ${where} cannot be read:\n${listed(problems)}`, {
    hint: problems[0]?.hint ?? "run `folioctl validate` in the repository",
  });
}

/** An account whose files do not resolve: every problem listed, each with its file, line and column. */
export function invalidAccountError(
  entry: Extract<AccountIntentResult, { ok: false }>,
  where: string,
  hint: string,
): InputError {
  const files = entry.files.join(" and ");
  const verb = entry.files.length > 1 ? "are" : "is";
  return new InputError(
    `${files}${where === "" ? "" : ` ${where}`} ${verb} not valid:\n${listed(entry.errors)}`,
    {
      hint,
    },
  );
}

function listed(problems: Diagnostic[]): string {
  return problems.map((d) => `  ${formatDiagnostic(d)}`).join("\n");
}
