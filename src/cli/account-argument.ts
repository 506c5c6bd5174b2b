// An account id typed on the command line: IB writes them in upper case (DU1234567) and so do portfolio.yaml,
// branch names, lock refs and ledger paths, so `du1234567` must name the same account instead of none.
// Anything that is not an account id in any case is passed on as typed, so that its error quotes the input.
const IB_ACCOUNT = /^[A-Z]{1,3}[0-9]{3,10}$/;

export function accountArgument(value: string): string {
  const upper = value.trim().toUpperCase();
  return IB_ACCOUNT.test(upper) ? upper : value;
}
