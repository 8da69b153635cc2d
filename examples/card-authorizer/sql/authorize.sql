-- One statement per authorization decision (0100/0101/0200/0201): $1 idem_key, $2 request_hash, $3 pan_key (the
-- PAN's keyed digest), $4 amount, $5 currency, $6 mcc, $7 today (date), $8 mti, $9 auth_code candidate, $10 link
-- (the DE90 form of this request), $11 rrn (DE37), $12 channel ('pos', 'ecom' or 'atm'), $13 link of the pre-auth
-- an incremental authorization adds to ('' if none), $14 terminal (DE41), $15 merchant (DE42), $16 acquirer (DE32),
-- $17 processing (DE3 transaction type: '00' goods and services, '01' cash, '09' purchase with cashback, '20'
-- refund), $18 expiry (DE14, YYMM). Identifiers ($11, $14, $15, $16) are '' when absent: they are stored as null
-- and identify nothing.
--
-- Debits (00, 01, 09) are decided against the funds and limits and held; only 00 and 01 may be approved partially
-- (a cashback purchase is approved whole or declined). A refund (20) passes the card and account checks, is
-- approved for its amount and holds nothing: the money moves when its financial advice (0220) credits it.
-- An incremental is decided like any authorization; its hold joins the pre-auth's hold day, and the pre-auth's
-- hold total grows by it, so the pre-auth's completion or reversal later releases both.
-- Returns one row: response_code, approved, auth_code, duplicate (true when the stored answer is returned).
with
previous as (               -- the linked previous transaction: the same request seen before
  select t.* from transactions t where t.idem_key = $1
),
card as (                   -- card status and options
  select c.* from cards c where c.pan_key = $3
),
pre_auth as (               -- the linked previous transaction of an incremental authorization
  -- Locked before the account row (the SET below reads it first), the same order as reversals and completions
  -- take: pre-auth row, then account. Opposite orders would deadlock under load.
  select t.id, t.hold_day from transactions t
  where $13::text <> '' and t.link = $13 and t.mti in ('0100', '0200') and t.hold_total > 0
    and t.account_id = (select account_id from card)
  order by t.id limit 1
  for update of t
),
decision as (               -- account status, rolling limits, authorizable amount, decision: on the locked row's newest version
  update accounts a
  -- The stages below are derived tables in one correlated subquery, not a WITH: a WITH inside the subquery is
  -- computed once per statement, so after waiting for the row lock it would keep the stale holds of the snapshot
  -- (the storm test catches exactly that). Correlated derived tables are re-evaluated on the newest row version.
  set (holds, card_spend, orphans, decision_seq, last_decision) = (
    select
      case when outcome.held > 0
        then active_holds.buckets || jsonb_build_object(outcome.hold_day::text,
               coalesce((active_holds.buckets ->> outcome.hold_day::text)::bigint, 0) + outcome.held)
        else active_holds.buckets end,
      case when outcome.approved > 0 and $17::text <> '20'
        then a.card_spend || jsonb_build_object((select id::text from card),
               rolling_limits.days || jsonb_build_object($7::date::text, jsonb_build_array(
                 coalesce((rolling_limits.days -> $7::date::text ->> 0)::bigint, 0) + outcome.approved,
                 coalesce((rolling_limits.days -> $7::date::text ->> 1)::int, 0) + 1)))
        else a.card_spend end,
      -- (live_orphans has a FROM of its own, so Postgres cannot inline it: called only when there is something to prune)
      case when a.orphans = '{}' then a.orphans else live_orphans(a.orphans, $7::date) - coalesce(early_reversal.key, '') end,
      a.decision_seq + 1,
      jsonb_build_object('code', outcome.code, 'approved', outcome.approved, 'hold_day', outcome.hold_day,
                         'held', outcome.held)
    from
      (select case when a.status = 'closed' then '05' when a.currency <> $5::char(3) then '12' end as code,
              (select hold_day from pre_auth) as pre_auth_day
      ) as account_status,
      (select coalesce(jsonb_object_agg(key, value), '{}') as buckets, coalesce(sum((value #>> '{}')::bigint), 0) as held
       from jsonb_each(a.holds) where key::date >= $7::date
      ) as active_holds,
      (select coalesce(jsonb_object_agg(key, value), '{}') as days,
              coalesce(sum((value ->> 0)::bigint), 0) as spent, coalesce(sum((value ->> 1)::int), 0) as used
       from jsonb_each(coalesce(a.card_spend -> (select id::text from card), '{}')) where key::date > $7::date - 30
      ) as rolling_limits,
      lateral (
        select greatest(0, least(a.balance - active_holds.held,
                                 coalesce(c.limit_amount_30d - rolling_limits.spent, a.balance))) as amount,
               c.limit_count_30d is not null and rolling_limits.used >= c.limit_count_30d as count_reached,
               coalesce(c.limit_amount_30d - rolling_limits.spent, $4::bigint) < $4::bigint
                 and a.balance - active_holds.held >= $4::bigint as amount_limited,
               c.partial_allowed and $17::text in ('00', '01') as partial_allowed,
               coalesce(c.hold_days, (select r.days from hold_rules r where r.mcc = $6::text), 7) as hold_days
        from card c
      ) as authorizable,
      lateral (
        select coalesce((select card_refusal(c.status, c.expiry, c.allowed_mccs, c.allowed_channels, $7::date, $6::text,
                                             $12::text, $18::text) from card c),
                 account_status.code,
                 case
                   when $17::text = '20' then '00'
                   when authorizable.count_reached then '65'
                   when authorizable.amount >= $4::bigint then '00'
                   when authorizable.partial_allowed and authorizable.amount > 0 then '10'
                   when authorizable.amount_limited then '61'
                   else '51'
                 end) as code
      ) as verdict,
      -- A reversal that came first and names this very transaction: what it leaves held (-1: nothing).
      (select o.key, o.keep from card c
       left join orphan_for(a.orphans, $7::date, c.id, $4::bigint, $10::text, $11::text, $14::text, $15::text,
                            $16::text) o on true
      ) as early_reversal,
      lateral (
        select verdict.code,
               case verdict.code when '00' then $4::bigint when '10' then authorizable.amount else 0 end as approved,
               coalesce((select hold_day from pre_auth), $7::date + authorizable.hold_days) as hold_day
      ) as decided,
      lateral (
        select decided.code, decided.approved, decided.hold_day,
               case when $17::text = '20' then 0
                    when early_reversal.keep is null then decided.approved
                    else greatest(0, least(decided.approved, early_reversal.keep)) end as held
      ) as outcome
  )
  where a.id = (select account_id from card) and not exists (select 1 from previous)
  returning a.id as account_id, a.decision_seq, a.last_decision
),
grown as (                  -- an incremental's approval joins its pre-auth, for the completion or reversal to come
  update transactions t set hold_total = t.hold_total + (d.last_decision ->> 'approved')::bigint,
                            released = t.released + (d.last_decision ->> 'approved')::bigint - (d.last_decision ->> 'held')::bigint
  from decision d
  where t.id = (select id from pre_auth) and (d.last_decision ->> 'approved')::bigint > 0
  returning t.id
),
inserted as (               -- insert the new transaction; a concurrent twin makes this fail and the caller retry
  insert into transactions (idem_key, request_hash, account_id, card_id, mti, amount, approved, response_code,
                            auth_code, hold_day, decision_seq, processing, link, rrn, terminal, merchant, acquirer,
                            hold_total, released)
  select $1, $2, d.account_id, (select id from card), $8, $4::bigint, (d.last_decision ->> 'approved')::bigint,
         d.last_decision ->> 'code',
         case when (d.last_decision ->> 'approved')::bigint > 0 then $9 end,
         case when $17::text <> '20' and (d.last_decision ->> 'approved')::bigint > 0 then (d.last_decision ->> 'hold_day')::date end,
         d.decision_seq, $17, $10, nullif($11::text, ''), nullif($14::text, ''), nullif($15::text, ''), nullif($16::text, ''),
         -- An incremental's approval is released through its pre-auth, never through its own row; a refund holds nothing.
         case when exists (select 1 from pre_auth) or $17::text = '20' then 0 else (d.last_decision ->> 'approved')::bigint end,
         case when exists (select 1 from pre_auth) or $17::text = '20' then 0
              else (d.last_decision ->> 'approved')::bigint - (d.last_decision ->> 'held')::bigint end
  from decision d
  union all
  select $1, $2, null, null, $8, $4::bigint, 0, '14', null, null, null, $17, $10, null, null, null, null, 0, 0
  where not exists (select 1 from card) and not exists (select 1 from previous)
  returning response_code, approved, auth_code
)
select response_code, approved, auth_code, false as duplicate from inserted
union all
select case when p.request_hash = $2 then p.response_code else '94' end,
       case when p.request_hash = $2 then p.approved else 0 end,
       case when p.request_hash = $2 then p.auth_code end,
       true
from previous p;
