// Time comes in through this port so that code which records "when" (locks, ledgers) is testable and the
// pure core never reads the system clock itself.
export interface Clock {
  now(): Date;
}
