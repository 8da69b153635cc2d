-- One statement per reversal (0400/0401/0420/0421): $1 idem_key, $2 request_hash, $3 pan_key (the PAN's keyed
-- digest), $4 amount left held after the reversal (DE95's actual amount for a partial reversal, -1 for a full one),
-- $5 today (date), $6 mti, $7 link (DE90's original MTI + STAN + DE7 + acquirer, or '' without DE90), $8 rrn
-- (DE37), $9 terminal (DE41), $10 merchant (DE42), $11 acquirer (DE32), $12 amount (DE4: the original's amount).
-- Identifiers are '' when absent. The original is the one original_of() names (see schema.sql for the matching
-- rule).
--
-- The original's transaction row is locked and updated first: what it releases is computed on its newest version,
-- so concurrent reversals and completions release its hold exactly once. Then the account's hold bucket shrinks.
-- A reversal that finds no original (it came first) is remembered in the account's orphans with everything it
-- names (card, amount, DE90 form or RRN and qualifiers), but only if no other decision touched the account since
-- this statement's snapshot (the fence): otherwise the original may have committed unseen, and the statement changes
-- nothing and answers 'retry' so the caller runs it again. The same answer when an original chosen without DE90
-- held something in the snapshot and nothing on its newest version: a concurrent reversal took it, and another
-- original with the same identifiers may be the one this reversal names.
with
previous as (               -- the same reversal seen before: its stored answer
  select t.* from transactions t where t.idem_key = $1
),
card as (
  select c.* from cards c where c.pan_key = $3
),
fence as (                  -- the account as this statement's snapshot saw it
  select a.decision_seq from accounts a where a.id = (select account_id from card)
),
chosen as (                 -- the original in this statement's snapshot
  select t.id, t.hold_total - t.released as remaining from transactions t
  where t.id = original_of((select account_id from card), (select id from card), $7::text, $8::text, $9::text,
                           $10::text, $11::text, $12::bigint)
),
original as (               -- the original, released on its newest row version
  update transactions t
  set last_release = case when $4::bigint < 0 then t.hold_total - t.released
                          else greatest(0, t.hold_total - t.released - $4::bigint) end,
      released = t.released + case when $4::bigint < 0 then t.hold_total - t.released
                                   else greatest(0, t.hold_total - t.released - $4::bigint) end,
      ended_keep = least(t.ended_keep, greatest(0, $4::bigint))
  where t.id = (select id from chosen) and not exists (select 1 from previous)
  returning t.hold_day, t.last_release, t.hold_total - t.released + t.last_release as remaining
),
slot as (                   -- the ring slot of the original's hold day (1 when there is none: nothing is released there)
  select coalesce((select ring_slot(hold_day, 32) from original), 1) as s
),
decision as (
  update accounts a
  set (held, held_on, hold_amounts[(select s from slot)], orphans, decision_seq, last_code, last_amount) = (
    select
      funds.held - freed.amount,
      $5::date,
      a.hold_amounts[slot.s] - freed.amount,
      case when not found.exists and not stale.retry and ($7::text <> '' or $8::text <> '')
        then live_orphans(a.orphans, $5::date) || jsonb_build_object('r' || (a.decision_seq + 1), jsonb_build_object(
               'card', (select id from card), 'amount', $12::bigint, 'keep', $4::bigint, 'link', nullif($7::text, ''),
               'rrn', case when $7::text = '' then nullif($8::text, '') end,
               'terminal', case when $7::text = '' then nullif($9::text, '') end,
               'merchant', case when $7::text = '' then nullif($10::text, '') end,
               'acquirer', case when $7::text = '' then nullif($11::text, '') end,
               'day', $5::date, 'seq', a.decision_seq + 1))
        else a.orphans end,
      case when stale.retry then a.decision_seq else a.decision_seq + 1 end,
      case when stale.retry then 'retry' else '00' end,
      found.release
    from
      slot,
      (select exists (select 1 from original) as exists,
              coalesce((select last_release from original), 0) as release,
              (select hold_day from original) as day) as found,
      lateral (
        select (not found.exists and a.decision_seq <> (select decision_seq from fence))
            or coalesce($7::text = '' and (select remaining from chosen) > 0 and (select remaining from original) = 0, false) as retry
      ) as stale,
      (select case when a.held_on = $5::date then a.held          -- the day's first statement sums the ring again
                   else (select coalesce(sum(r.amount), 0) from unnest(a.hold_days, a.hold_amounts) as r (day, amount)
                         where r.day >= $5::date) end as held
       offset 0) as funds,
      -- What leaves the ring: the release, from its day's slot while that day still counts (a bucket never goes below 0).
      lateral (
        select case when found.release > 0 and found.day >= $5::date and a.hold_days[slot.s] = found.day
                    then least(found.release, a.hold_amounts[slot.s]) else 0 end as amount
      ) as freed
  )
  where a.id = (select account_id from card) and not exists (select 1 from previous)
  returning a.id as account_id, a.decision_seq, a.last_code, a.last_amount
),
inserted as (
  insert into transactions (idem_key, request_hash, account_id, card_id, mti, amount, approved, response_code,
                            decision_seq, link, rrn, terminal, merchant, acquirer, released)
  select $1, $2, d.account_id, (select id from card), $6, $12::bigint, 0, '00', d.decision_seq, nullif($7::text, ''),
         nullif($8::text, ''), nullif($9::text, ''), nullif($10::text, ''), nullif($11::text, ''), d.last_amount
  from decision d where d.last_code = '00'
  union all
  select $1, $2, null, null, $6, $12::bigint, 0, '14', null, null, null, null, null, null, 0
  where not exists (select 1 from card) and not exists (select 1 from previous)
  returning response_code, released
)
select response_code, released, false as duplicate from inserted
union all
select 'retry', 0, false from decision d where d.last_code = 'retry'
union all
select case when p.request_hash = $2 then p.response_code else '94' end, p.released, true from previous p;
