import type { PlanWarning, WarningCode } from "./plan.js";

/** A warning with its keys in sorted order (the plan is hashed in canonical form; sorted objects need no copy). */
export function planWarning(
  code: WarningCode,
  message: string,
  symbol?: string,
  conId?: number,
): PlanWarning {
  return {
    code,
    ...(conId === undefined ? {} : { conId }),
    message,
    ...(symbol === undefined ? {} : { symbol }),
  };
}
