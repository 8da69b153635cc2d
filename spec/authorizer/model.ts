/** A reference model of the authorizer's decisions, for replaying what the database decided. */

/** How a test account and its card are set up. */
export interface CardSetup {
  readonly accountId: number;
  readonly balance: bigint;
  readonly partial: boolean;
  readonly limitAmount: bigint | null;
  readonly limitCount: number | null;
}

/** The reference model: the same rules as the statement, applied one decision at a time. */
export function replay(setup: CardSetup, decisions: { amount: bigint; code: string; approved: bigint }[]): string[] {
  let held = 0n;
  let spent = 0n;
  let used = 0;
  const mismatches: string[] = [];
  decisions.forEach((d, i) => {
    const byFunds = setup.balance - held;
    const byLimit = setup.limitAmount === null ? byFunds : setup.limitAmount - spent;
    const available = byFunds < byLimit ? byFunds : byLimit;
    const authorizable = available < 0n ? 0n : available;
    let code: string;
    let approved = 0n;
    if (setup.limitCount !== null && used >= setup.limitCount) code = '65';
    else if (authorizable >= d.amount) [code, approved] = ['00', d.amount];
    else if (setup.partial && authorizable > 0n) [code, approved] = ['10', authorizable];
    else if (byLimit < d.amount && byFunds >= d.amount) code = '61';
    else code = '51';
    if (code !== d.code || approved !== d.approved) {
      mismatches.push(`#${i}: model ${code}/${approved}, database ${d.code}/${d.approved}`);
    }
    held += approved;
    if (approved > 0n) {
      spent += approved;
      used++;
    }
  });
  return mismatches;
}
