-- One statement per authorization decision (0100/0101/0200/0201): $1 idem_key, $2 request_hash, $3 pan_key (the
-- PAN's keyed digest), $4 amount, $5 currency, $6 mcc, $7 today (date), $8 mti, $9 auth_code candidate, $10 link
-- (the DE90 form of this request), $11 rrn (DE37), $12 channel ('pos', 'ecom' or 'atm'), $13 link of the pre-auth
-- an incremental authorization adds to ('' if none), $14 terminal (DE41), $15 merchant (DE42), $16 acquirer (DE32),
-- $17 processing (DE3 transaction type: '00' goods and services, '01' cash, '09' purchase with cashback, '20'
-- refund), $18 expiry (DE14, YYMM), $19 the time left to decide, in ms. Identifiers ($11, $14, $15, $16) are ''
-- when absent: they are stored as null and identify nothing.
--
-- It runs on its own (autocommit): Postgres commits and releases the account row inside the one call, so the lock
-- is never held across a round trip to the application. The deadline is checked here, by Postgres's own clock
-- against the moment it received the statement, after the row lock is granted: a decision past it changes nothing,
-- stores nothing and answers 91. (Every writer of an account row updates it, so a statement that waited for the
-- lock re-evaluates the WHERE below on the newest row version, the time included.)
--
-- Debits (00, 01, 09) are decided against the funds and limits and held; only 00 and 01 may be approved partially
-- (a cashback purchase is approved whole or declined). A refund (20) passes the card and account checks, is
-- approved for its amount and holds nothing: the money moves when its financial advice (0220) credits it.
-- An incremental is decided like any authorization; its hold joins the pre-auth's hold day, and the pre-auth's
-- hold total grows by it, so the pre-auth's completion or reversal later releases both.
-- Returns one row: response_code, approved, auth_code, duplicate (true when the stored answer is returned), and
-- account_id (the card's account, null for a card not on file): how the application learns which account a card's
-- requests serialise on, to keep them in arrival order (src/bursts.ts; authorize-batch.sql answers it too).
with
previous as (               -- the same request seen before: its stored answer
  select t.request_hash, t.response_code, t.approved, t.auth_code, t.account_id from transactions t where t.idem_key = $1
),
card as (                   -- the card: why it refuses (null: it does not), its options, how long its hold lives
  select c.id, c.account_id, c.limit_amount_30d, c.limit_count_30d,
         card_refusal(c.status, c.expiry, c.allowed_mccs, c.allowed_channels, $7::date, $6::text, $12::text,
                      $18::text) as refusal,
         c.partial_allowed and $17::text in ('00', '01') as partial_allowed,
         -- A refund counts against no limit: only a debit of a card with a limit reads and writes its spend.
         (c.limit_amount_30d is not null or c.limit_count_30d is not null) and $17::text <> '20' as limited,
         coalesce(c.hold_days, r.days, 7) as hold_days
  from cards c left join hold_rules r on r.mcc = $6::text
  where c.pan_key = $3
),
pre_auth as (               -- the linked previous transaction of an incremental authorization
  -- Locked before the account row (the WHERE below takes it first), the same order as reversals and completions
  -- take: pre-auth row, then account. Opposite orders would deadlock under load.
  select t.id, t.hold_day from transactions t
  where $13::text <> '' and t.link = $13 and t.mti in ('0100', '0200') and t.hold_total > 0
    and t.account_id = (select account_id from card)
  order by t.id limit 1
  for update of t
),
spend as (                  -- a card with a limit: its spend ring, locked (before the account) and read on its newest version
  select c.spend_days, c.spend_amounts, c.spend_counts from cards c
  where c.id = (select id from card where limited)
  for update of c
),
rolling as (                -- what that card was approved in the last 30 days (today included), and how often
  select coalesce(sum(s.amount), 0) as spent, coalesce(sum(s.uses), 0) as used
  from spend, unnest(spend.spend_days, spend.spend_amounts, spend.spend_counts) as s (day, amount, uses)
  where s.day > $7::date - 30
),
hold as (                   -- where the hold goes: the pre-auth's day for an incremental, else today + the hold's days
  select day, ring_slot(day, 32) as slot, day >= $7::date as live
  from (select coalesce((select hold_day from pre_auth), $7::date + (select hold_days from card)) as day) d
),
decision as (               -- the decision, on the locked account row's newest version
  update accounts a
  -- The stages are derived tables in one correlated subquery, not a WITH: a WITH inside the subquery is computed
  -- once per statement, so after waiting for the row lock it would keep the stale holds of the snapshot (the storm
  -- test catches exactly that); correlated derived tables are evaluated again on the newest row version. OFFSET 0
  -- keeps each stage one computation: without it Postgres copies a stage's expressions into every stage that
  -- reads them.
  set (held, held_on, hold_days[(select slot from hold)], hold_amounts[(select slot from hold)], orphans, decision_seq,
       last_code, last_amount, last_held, last_hold_day, last_keep) = (
    select
      funds.held + case when h.live then outcome.held else 0 end,
      $7::date,
      case when h.live and outcome.held > 0 then h.day else a.hold_days[h.slot] end,
      case when h.live and outcome.held > 0
        then case when a.hold_days[h.slot] = h.day then a.hold_amounts[h.slot] else 0 end + outcome.held
        else a.hold_amounts[h.slot] end,
      -- (live_orphans has a FROM of its own, so Postgres cannot inline it: called only when there is something to prune)
      case when a.orphans = '{}' then a.orphans else live_orphans(a.orphans, $7::date) - coalesce(early_reversal.key, '') end,
      a.decision_seq + 1,
      outcome.code, outcome.approved, outcome.held, outcome.hold_day, early_reversal.keep
    from
      hold h,
      (select case when a.held_on = $7::date then a.held          -- the day's first decision sums the ring again
                   else (select coalesce(sum(r.amount), 0) from unnest(a.hold_days, a.hold_amounts) as r (day, amount)
                         where r.day >= $7::date) end as held
       offset 0) as funds,
      lateral (
        select greatest(0, least(a.balance - funds.held,
                                 coalesce(c.limit_amount_30d - rolling.spent, a.balance))) as amount,
               c.limit_count_30d is not null and rolling.used >= c.limit_count_30d as count_reached,
               coalesce(c.limit_amount_30d - rolling.spent, $4::bigint) < $4::bigint
                 and a.balance - funds.held >= $4::bigint as amount_limited,
               coalesce(c.refusal, case when a.status = 'closed' then '05' when a.currency <> $5::char(3) then '12' end)
                 as refusal,
               c.partial_allowed
        from card c, rolling
        offset 0
      ) as authorizable,
      lateral (
        select code, case code when '00' then $4::bigint when '10' then authorizable.amount else 0 end as approved
        from (select coalesce(authorizable.refusal, case
                   when $17::text = '20' then '00'
                   when authorizable.count_reached then '65'
                   when authorizable.amount >= $4::bigint then '00'
                   when authorizable.partial_allowed and authorizable.amount > 0 then '10'
                   when authorizable.amount_limited then '61'
                   else '51'
                 end) as code) v
        offset 0
      ) as verdict,
      -- A reversal that came first and names this very transaction: what it leaves held (-1: nothing).
      (select o.key, o.keep from card c
       left join orphan_for(a.orphans, $7::date, c.id, $4::bigint, $10::text, $11::text, $14::text, $15::text,
                            $16::text) o on true
       offset 0
      ) as early_reversal,
      lateral (
        select verdict.code, verdict.approved, h.day as hold_day,
               case when $17::text = '20' then 0
                    when early_reversal.keep is null then verdict.approved
                    else greatest(0, least(verdict.approved, early_reversal.keep)) end as held
      ) as outcome
  )
  where a.id = (select account_id from card) and not exists (select 1 from previous)
    -- the pre-auth's and the limited card's rows are locked before the account's: these run first, once
    and (select count(*) from pre_auth) >= 0 and (select count(*) from spend) >= 0
    -- the deadline, by Postgres's clock, checked again on the newest row version after waiting for the lock
    and clock_timestamp() < statement_timestamp() + $19::integer * interval '1 millisecond'
  returning a.id as account_id, a.decision_seq, a.last_code, a.last_amount, a.last_held, a.last_hold_day, a.last_keep
),
grown as (                  -- an incremental's approval joins its pre-auth, for the completion or reversal to come
  update transactions t set hold_total = t.hold_total + d.last_amount,
                            released = t.released + d.last_amount - d.last_held
  from decision d
  where t.id = (select id from pre_auth) and d.last_amount > 0
  returning t.id
),
spent as (                  -- a card with a limit counts what it was approved today
  update cards c
  set (spend_days[ring_slot($7::date, 30)], spend_amounts[ring_slot($7::date, 30)], spend_counts[ring_slot($7::date, 30)]) = (
    select $7::date,
           case when c.spend_days[ring_slot($7::date, 30)] = $7::date then c.spend_amounts[ring_slot($7::date, 30)] else 0 end
             + d.last_amount,
           case when c.spend_days[ring_slot($7::date, 30)] = $7::date then c.spend_counts[ring_slot($7::date, 30)] else 0 end
             + 1
  )
  from decision d
  where c.id = (select id from card where limited) and d.last_amount > 0
  returning c.id
),
inserted as (               -- insert the new transaction; a concurrent twin makes this fail and the caller retry
  insert into transactions (idem_key, request_hash, account_id, card_id, mti, amount, approved, response_code,
                            auth_code, hold_day, decision_seq, processing, link, rrn, terminal, merchant, acquirer,
                            hold_total, released, ended_keep)
  select $1, $2, d.account_id, (select id from card), $8, $4::bigint, d.last_amount, d.last_code,
         case when d.last_code in ('00', '10') then $9 end,   -- every approval has its code, a zero amount's too
         case when $17::text <> '20' and d.last_amount > 0 then d.last_hold_day end,
         d.decision_seq, $17, $10, nullif($11::text, ''), nullif($14::text, ''), nullif($15::text, ''), nullif($16::text, ''),
         -- An incremental's approval is released through its pre-auth, never through its own row; a refund holds nothing.
         case when exists (select 1 from pre_auth) or $17::text = '20' then 0 else d.last_amount end,
         case when exists (select 1 from pre_auth) or $17::text = '20' then 0 else d.last_amount - d.last_held end,
         case when d.last_keep is not null then greatest(0, d.last_keep) end   -- an early reversal it consumed
  from decision d
  union all
  select $1, $2, null, null, $8, $4::bigint, 0, '14', null, null, null, $17, $10, null, null, null, null, 0, 0, null
  where not exists (select 1 from card) and not exists (select 1 from previous)
  returning response_code, approved, auth_code, account_id
)
select response_code, approved, auth_code, false as duplicate, account_id from inserted
union all
-- The card is known and the request new, yet nothing was decided: the deadline passed. Nothing changed.
select '91', 0, null, false, (select account_id from card)
where exists (select 1 from card) and not exists (select 1 from previous) and not exists (select 1 from decision)
union all
select case when p.request_hash = $2 then p.response_code else '94' end,
       case when p.request_hash = $2 then p.approved else 0 end,
       case when p.request_hash = $2 then p.auth_code end,
       true,
       p.account_id
from previous p;
