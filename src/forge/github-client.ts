import type { Octokit } from "octokit";
import { toForgeError } from "./to-forge-error.js";

/** One repository on one GitHub: the octokit, where it points, and the error translation every call gets. */
export class GitHubClient {
  constructor(
    readonly octokit: Octokit,
    readonly owner: string,
    readonly repo: string,
    private readonly apiUrl: string,
    private readonly secrets: readonly string[],
  ) {}

  get repository(): string {
    return `${this.owner}/${this.repo}`;
  }

  /** Runs one API exchange; any failure comes out as a ForgeError naming `action` and the permission. */
  async call<T>(action: string, permission: string, run: (octokit: Octokit) => Promise<T>): Promise<T> {
    try {
      return await run(this.octokit);
    } catch (error) {
      throw toForgeError(error, {
        action,
        permission,
        repository: this.repository,
        apiUrl: this.apiUrl,
        secrets: this.secrets,
      });
    }
  }
}

/** The HTTP status of an octokit error, to handle an expected 404 or 422 before it becomes a ForgeError. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" && (error as { response?: unknown }).response !== undefined
    ? status
    : undefined;
}

/** GitHub's error text of an octokit error, including the per-field messages of a 422. */
export function httpMessage(error: unknown): string {
  const data = (error as { response?: { data?: { message?: unknown; errors?: unknown } } }).response?.data;
  const parts = [typeof data?.message === "string" ? data.message : ""];
  if (Array.isArray(data?.errors)) {
    for (const entry of data.errors as unknown[]) {
      parts.push(typeof entry === "string" ? entry : String((entry as { message?: unknown }).message ?? ""));
    }
  }
  return parts.filter(Boolean).join(" ");
}
