import { ForgeError } from "../errors.js";
import type { GitHubClient } from "./github-client.js";
import { httpMessage, httpStatus } from "./github-client.js";

/**
 * A file's text at a ref through the contents API: the file is data, nothing is checked out or run.
 * Undefined when the ref exists but the file does not.
 */
export async function readFile(client: GitHubClient, path: string, ref: string): Promise<string | undefined> {
  const { owner, repo } = client;
  const where = `${path} at ${ref} in ${client.repository}`;
  const data = await client.call(`reading ${where}`, "contents=read", async (octokit) => {
    try {
      return (await octokit.rest.repos.getContent({ owner, repo, path, ref })).data;
    } catch (error) {
      if (httpStatus(error) !== 404) throw error;
      // GitHub answers 404 for a missing ref too; that is not "no such file".
      if (/no commit found/i.test(httpMessage(error))) {
        throw new ForgeError(`Cannot read ${where}: there is no ref ${ref}.`, {
          hint: "Check the branch, tag or commit; a pull request's head may have been deleted or force-pushed.",
        });
      }
      return undefined;
    }
  });
  if (data === undefined) return undefined;
  if (Array.isArray(data) || data.type !== "file") {
    throw new ForgeError(
      `Cannot read ${where}: it is a ${Array.isArray(data) ? "directory" : data.type}, not a file.`,
      {
        hint: "Point folioctl at the file itself.",
      },
    );
  }
  if (!("content" in data) || data.encoding !== "base64") {
    throw new ForgeError(`Cannot read ${where}: GitHub did not send its content (it is over 1 MB).`, {
      hint: "Keep the file under 1 MB; portfolio files are far smaller.",
    });
  }
  return Buffer.from(data.content, "base64").toString("utf8");
}

/** Names of the files directly in `folder` at a ref, through the contents API; [] when it is not there. */
export async function listFolder(client: GitHubClient, folder: string, ref: string): Promise<string[]> {
  const { owner, repo } = client;
  const data = await client.call(
    `listing ${folder}/ at ${ref} in ${client.repository}`,
    "contents=read",
    async (octokit) => {
      try {
        return (await octokit.rest.repos.getContent({ owner, repo, path: folder, ref })).data;
      } catch (error) {
        if (httpStatus(error) === 404 && !/no commit found/i.test(httpMessage(error))) return undefined;
        throw error;
      }
    },
  );
  if (!Array.isArray(data)) return [];
  return data.filter((entry) => entry.type === "file").map((entry) => entry.name);
}

/**
 * The git blob id of a file at a commit (its exact bytes, as `git hash-object` names them), from the
 * contents API; undefined when the commit or the file is not there (a commit dropped by a force-push
 * may be gone).
 */
export async function blobIdAt(client: GitHubClient, path: string, ref: string): Promise<string | undefined> {
  const { owner, repo } = client;
  const data = await client.call(
    `reading ${path} at ${ref} in ${client.repository}`,
    "contents=read",
    async (octokit) => {
      try {
        return (await octokit.rest.repos.getContent({ owner, repo, path, ref })).data;
      } catch (error) {
        if (httpStatus(error) === 404) return undefined;
        throw error;
      }
    },
  );
  return data === undefined || Array.isArray(data) || data.type !== "file" ? undefined : data.sha;
}
