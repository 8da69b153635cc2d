-- DELIBERATELY WRONG, kept to prove the storm tests can catch it: it locks the account with FOR UPDATE in a CTE and
-- sums the holds from the transactions table. In READ COMMITTED the statement's snapshot was taken before the lock
-- was granted, so the sum misses holds that concurrent requests committed meanwhile, and money is approved twice.
-- Same parameters as authorize.sql.
with
unused_parameters as (select $5::text, $6::text, $7::date, $10::text, $11::text, $12::text, $13::text, $14::text,
                            $15::text, $16::text, $17::text, $18::text, $19::integer),
card as (select c.* from cards c where c.pan_key = $3),
locked as (select a.* from accounts a where a.id = (select account_id from card) for update),
held as (select coalesce(sum(t.approved), 0) as amount from transactions t where t.account_id = (select id from locked)),
verdict as (
  select case when (select balance from locked) - (select amount from held) >= $4::bigint then '00' else '51' end as code
)
insert into transactions (idem_key, request_hash, account_id, card_id, mti, amount, approved, response_code, auth_code)
select $1, $2, (select id from locked), (select id from card), $8, $4::bigint,
       case when v.code = '00' then $4::bigint else 0 end, v.code, case when v.code = '00' then $9 end
from verdict v
returning response_code, approved, auth_code, false as duplicate;
