import { Octokit } from "octokit";
import { TOOL_VERSION } from "../version.js";

export interface OctokitSettings {
  token: string;
  apiUrl: string;
  /** Per HTTP attempt. */
  timeoutMs: number;
  /** Space writes a second apart, as GitHub asks of integrations to avoid secondary rate limits. */
  paceWrites: boolean;
  /** Milliseconds waited per second GitHub says to wait before a retry (1000; tests shrink it). */
  retryDelayScale: number;
  /** The longest rate-limit wait worth sitting out before giving up, in seconds. */
  maxRateLimitWaitSeconds: number;
}

type Job = (...args: unknown[]) => unknown;

// Stands in for the throttling plugin's write and notification queues when pacing is off: it runs
// each job at once instead of a second after the previous write.
const immediateQueue = {
  key: () => ({
    schedule: (first: unknown, ...rest: unknown[]): Promise<unknown> => {
      const [job, ...args] = (typeof first === "function" ? [first, ...rest] : rest) as [Job, ...unknown[]];
      return Promise.resolve().then(() => job(...args));
    },
  }),
};

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** An octokit with its bundled retry and throttling, a timeout on every request, and no console output. */
export function createOctokit(settings: OctokitSettings): Octokit {
  const retryOnLimit = (
    retryAfter: number,
    _options: unknown,
    _octokit: unknown,
    retryCount: number,
  ): boolean => retryCount < 2 && retryAfter <= settings.maxRateLimitWaitSeconds;
  return new Octokit({
    auth: settings.token,
    baseUrl: settings.apiUrl,
    userAgent: `folioctl/${TOOL_VERSION}`,
    log: silent,
    request: {
      fetch: (url: string | URL, init: RequestInit = {}) => {
        const timeout = AbortSignal.timeout(settings.timeoutMs);
        return fetch(url, {
          ...init,
          signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
        });
      },
    },
    retry: {
      // Retrying these cannot help: they are answers about the request, not passing trouble.
      doNotRetry: [400, 401, 403, 404, 405, 409, 410, 422, 451],
      retryAfterBaseValue: settings.retryDelayScale,
    },
    throttle: {
      onRateLimit: retryOnLimit,
      onSecondaryRateLimit: retryOnLimit,
      retryAfterBaseValue: settings.retryDelayScale,
      fallbackSecondaryRateRetryAfter: 60,
      ...(settings.paceWrites ? {} : { write: immediateQueue, notifications: immediateQueue }),
    },
  });
}
