-- One statement per advice (0120 authorization advice, 0220 financial advice or completion): $1 idem_key,
-- $2 request_hash, $3 pan, $4 amount, $5 today (date), $6 mti ('0120' or '0220'), $7 link of the original pre-auth
-- (DE90 form, '' without DE90), $8 alias of the original (DE37+DE41+DE42+PAN), $9 this advice's own link.
-- Advices are facts: always stored and acknowledged (00), never declined for funds.
--   0120: the network approved on our behalf; hold the amount like an approval (a later reversal can release it).
--   0220 with its pre-auth found: the completion releases what the pre-auth still holds and debits the amount.
--   0220 without a pre-auth: an offline purchase; debit the amount.
with
previous as (
  select t.* from transactions t where t.idem_key = $1
),
card as (
  select c.* from cards c where c.pan = $3
),
decision as (
  update accounts a
  set (balance, holds, links, aliases, orphans, decision_seq, last_decision) = (
    select
      a.balance - case when $6::text = '0220' then $4::bigint else 0 end,
      case
        when $6::text = '0120' and advice_hold.amount > 0
          then a.holds || jsonb_build_object(advice_hold.day::text,
                 coalesce((a.holds ->> advice_hold.day::text)::bigint, 0) + advice_hold.amount)
        when $6::text = '0220' and completion.release > 0 and pre_auth.day >= $5::date
          then a.holds || jsonb_build_object(pre_auth.day::text,
                 greatest(0, coalesce((a.holds ->> pre_auth.day::text)::bigint, 0) - completion.release))
        else a.holds end,
      case
        when $6::text = '0120'
          then a.links || jsonb_build_object($9::text, jsonb_build_object(
                 'a', $4::bigint, 'r', $4::bigint - advice_hold.amount, 'd', advice_hold.day))
        when pre_auth.entry is not null
          then a.links || jsonb_build_object(target.link, pre_auth.entry || jsonb_build_object('a', (pre_auth.entry ->> 'a')::bigint,
                 'r', (pre_auth.entry ->> 'a')::bigint))
        else a.links end,
      case when $6::text = '0120' then a.aliases || jsonb_build_object($8::text, $9::text) else a.aliases end,
      case when $6::text = '0120' then a.orphans - $9::text - $8::text else a.orphans end,
      a.decision_seq + 1,
      jsonb_build_object('code', '00', 'released', completion.release, 'held', advice_hold.amount)
    from
      (select case when a.links ? $7::text then $7::text else a.aliases ->> $8::text end as link) as target,
      lateral (select a.links -> target.link as entry, (a.links -> target.link ->> 'd')::date as day) as pre_auth,
      lateral (
        select case when $6::text = '0220' and pre_auth.entry is not null
                    then (pre_auth.entry ->> 'a')::bigint - (pre_auth.entry ->> 'r')::bigint else 0 end as release
      ) as completion,
      lateral (
        -- An authorization advice whose reversal came first holds at most what the reversal left.
        select case when early.keep is null then $4::bigint else greatest(0, least($4::bigint, early.keep)) end as amount,
               $5::date + (select hold_days from card) as day
        from (select coalesce((a.orphans ->> $9::text)::bigint, (a.orphans ->> $8::text)::bigint) as keep) as early
      ) as advice_hold
  )
  where a.id = (select account_id from card) and not exists (select 1 from previous)
  returning a.id as account_id, a.decision_seq, a.last_decision
),
inserted as (
  insert into transactions (idem_key, request_hash, account_id, card_id, mti, amount, approved, response_code,
                            hold_day, decision_seq, link, released)
  select $1, $2, d.account_id, (select id from card), $6, $4::bigint, $4::bigint, '00',
         case when $6::text = '0120' then $5::date + (select hold_days from card) end,
         d.decision_seq, case when $6::text = '0120' then $9 else coalesce(nullif($7::text, ''), $8::text) end,
         (d.last_decision ->> 'released')::bigint
  from decision d
  union all
  select $1, $2, null, null, $6, $4::bigint, 0, '14', null, null, null, 0
  where not exists (select 1 from card) and not exists (select 1 from previous)
  returning response_code, released
)
select response_code, released, false as duplicate from inserted
union all
select case when p.request_hash = $2 then p.response_code else '94' end, p.released, true from previous p;
