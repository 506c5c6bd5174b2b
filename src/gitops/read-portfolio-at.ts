import { formatDiagnostic } from "../config/diagnostic.js";
import { parsePortfolio } from "../config/load-portfolio.js";
import type { Portfolio } from "../core/portfolio.js";
import { InputError } from "../errors.js";
import type { GitRepo } from "../git/git-repo.js";

/** Where the desired state lives in the ops repository. */
export const PORTFOLIO_PATH = "portfolio.yaml";

export interface PortfolioAt {
  portfolio: Portfolio;
  /** SHA-256 of the file's bytes: what a plan's portfolioHash is compared with. */
  sha256: string;
  bytes: Uint8Array;
}

/** portfolio.yaml as committed at `ref`, validated; every problem is named with its line, at once. */
export async function readPortfolioAt(repo: GitRepo, ref: string): Promise<PortfolioAt> {
  const bytes = await repo.readFile(ref, PORTFOLIO_PATH);
  const at = /^[0-9a-f]{40}$/.test(ref) ? ref.slice(0, 12) : ref;
  if (bytes === null) {
    throw new InputError(`there is no ${PORTFOLIO_PATH} at ${at} in the ops repository`, {
      hint: `commit the desired state as ${PORTFOLIO_PATH} at the top of the ops repository (\`folioctl init\` writes one)`,
    });
  }
  const loaded = parsePortfolio(bytes, PORTFOLIO_PATH);
  if (!loaded.ok) {
    const lines = loaded.errors.map((d) => `  ${formatDiagnostic(d)}`).join("\n");
    throw new InputError(`${PORTFOLIO_PATH} at ${at} is not valid:\n${lines}`, {
      hint: `fix ${PORTFOLIO_PATH} on main in a pull request (\`folioctl validate\` shows the same problems)`,
    });
  }
  return { portfolio: loaded.portfolio, sha256: loaded.sha256, bytes };
}
