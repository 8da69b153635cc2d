-- One statement per balance inquiry (an 0100/0200 with processing code 30): $1 pan_key (the PAN's keyed digest), $2
-- today (date), $3 mcc, $4 channel ('pos', 'ecom' or 'atm'), $5 expiry (DE14, YYMM, '' when absent), $6 currency
-- (DE49). It reads and holds nothing: the card's checks (card_refusal), the account's status and currency, then the
-- ledger balance and the available one (ledger less the active holds) in the account's currency. Nothing is stored,
-- so a repeat is simply answered again with the balances of that moment. Returns one row: response_code, ledger,
-- available, currency (the amounts null unless the answer is 00).
with
card as (
  select c.* from cards c where c.pan_key = $1
),
answer as (
  select coalesce(card_refusal(c.status, c.expiry, c.allowed_mccs, c.allowed_channels, $2::date, $3::text, $4::text, $5::text),
                  case when a.status = 'closed' then '05' when a.currency <> $6::char(3) then '12' end, '00') as code,
         a.balance,
         a.balance - case when a.held_on = $2::date then a.held
                          else (select coalesce(sum(r.amount), 0) from unnest(a.hold_days, a.hold_amounts) as r (day, amount)
                                where r.day >= $2::date) end as available,
         a.currency
  from card c join accounts a on a.id = c.account_id
)
select code as response_code, case when code = '00' then balance end as ledger,
       case when code = '00' then available end as available, currency
from answer
union all
select '14', null, null, null where not exists (select 1 from card);
