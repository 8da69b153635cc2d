-- One statement per advice (0120 authorization advice, 0220 financial advice or completion): $1 idem_key, $2
-- request_hash, $3 pan_key (the PAN's keyed digest), $4 amount, $5 today (date), $6 mti ('0120' or '0220'), $7 link
-- of the original pre-auth (DE90 form, '' without DE90), $8 rrn (DE37), $9 this advice's own link, $10 terminal
-- (DE41), $11 merchant (DE42), $12 acquirer (DE32), $13 processing (DE3 transaction type: '00', '01', '09' or
-- '20'). Identifiers are '' when absent. Advices are facts: always stored and acknowledged (00), never declined for
-- funds.
--   0120: the network approved on our behalf; hold the amount like an approval (a later reversal can release it),
--        less what a reversal that came first left (the orphan that names it, as for an authorization).
--   0220 with its pre-auth found (original_of(): by DE90, else by RRN and qualifiers): the completion releases what
--        the pre-auth still holds (on the pre-auth's newest row version, so exactly once) and debits the amount.
--   0220 without a pre-auth: an offline purchase; debit the amount. "Without" is trusted only behind the same fence
--        as reversals: if the account moved since the snapshot, nothing changes and the answer is 'retry'. So is a
--        pre-auth chosen without DE90 that held something in the snapshot and nothing on its newest version: the
--        run again chooses as if the concurrent statement had come first.
--   A refund (20): a 0220 credits the amount and releases nothing; a 0120 holds nothing.
--   Under the key and content of an authorization (0100/0200) we did not approve in full (declined, or approved
--   partially): the network stood in, our answer having come too late, and approved it in full. The advice is stored
--   under the key followed by '|advice' (the authorization keeps its answer for its own repeats); a 0120 adds what we
--   did not approve to the authorization's hold (an incremental's: to its pre-auth's), so the authorization's
--   reversal or completion releases the whole; a 0220 completes the authorization (its partial hold released) and
--   debits the amount.
with
stored as (
  select t.* from transactions t where t.idem_key = $1
),
stand_in as (               -- the authorization this advice stands in for
  select s.id, s.approved, s.ended_keep from stored s
  where s.mti in ('0100', '0200') and s.request_hash = $2 and s.account_id is not null and s.response_code <> '00'
),
advice_key as (             -- the key this advice is stored under: its own, or its stand-in key
  select case when exists (select 1 from stand_in) then $1 || '|advice' else $1 end as idem_key
),
previous as (               -- this advice seen before
  select t.* from transactions t where t.idem_key = (select idem_key from advice_key)
),
card as (
  select c.* from cards c where c.pan_key = $3
),
fence as (
  select a.decision_seq from accounts a where a.id = (select account_id from card)
),
chosen as (                 -- the pre-auth a completion completes, in this statement's snapshot
  select t.id, t.hold_total - t.released as remaining from transactions t
  where $6::text = '0220' and $13::text <> '20'
    and t.id = case when $7::text = '' and exists (select 1 from stand_in) then (select id from stand_in)
                    else original_of((select account_id from card), (select id from card), $7::text, $8::text,
                                     $10::text, $11::text, $12::text, $4::bigint) end
),
grows as (                  -- a 0120 standing in: the authorization whose hold grows, locked before the account row
  -- An incremental's hold is its pre-auth's (while that holds); a hold day already past starts again from today.
  -- After a reversal or completion (ended_keep) it holds no more than what that left.
  select t.id, case when t.hold_day >= $5::date then t.hold_day end as hold_day,
         least(t.ended_keep, (select ended_keep from stand_in)) as ended,
         case when t.hold_day >= $5::date then t.hold_total - t.released else 0 end as remaining
  from transactions t
  where $6::text = '0120' and $13::text <> '20' and exists (select 1 from stand_in) and not exists (select 1 from previous)
    and t.id = coalesce((select p.id from transactions p
                         where $7::text <> '' and p.link = $7 and p.mti in ('0100', '0200') and p.hold_total > 0
                           and p.account_id = (select account_id from card)
                         order by p.id limit 1),
                        (select id from stand_in))
  for update of t
),
grown_day as (              -- where a 0120's hold goes: the day of the hold it grows, else today + the card's hold days
  select coalesce((select hold_day from grows), $5::date + coalesce((select hold_days from card), 7)) as day
),
original as (               -- that pre-auth, released on its newest row version
  update transactions t
  set last_release = t.hold_total - t.released, released = t.hold_total, ended_keep = 0
  where t.id = (select id from chosen) and not exists (select 1 from previous)
  returning t.hold_day, t.last_release, t.last_release as remaining
),
slot as (                   -- the ring slot the advice writes: its own hold's day (0120), or its pre-auth's (0220)
  select coalesce(case when $6::text = '0120' then ring_slot((select day from grown_day), 32)
                       else (select ring_slot(hold_day, 32) from original) end, 1) as s
),
decision as (
  update accounts a
  set (balance, held, held_on, hold_days[(select s from slot)], hold_amounts[(select s from slot)], orphans, decision_seq,
       last_code, last_amount, last_held) = (
    select
      a.balance + case when $6::text <> '0220' or stale.retry then 0
                       when $13::text = '20' then $4::bigint else -$4::bigint end,
      funds.held + advice_hold.amount - freed.amount,
      $5::date,
      case when advice_hold.amount > 0 then advice_hold.day else a.hold_days[slot.s] end,
      case when advice_hold.amount > 0
        then case when a.hold_days[slot.s] = advice_hold.day then a.hold_amounts[slot.s] else 0 end + advice_hold.amount
        else a.hold_amounts[slot.s] - freed.amount end,
      case when $6::text = '0120' then live_orphans(a.orphans, $5::date) - coalesce(advice_hold.orphan, '') else a.orphans end,
      case when stale.retry then a.decision_seq else a.decision_seq + 1 end,
      case when stale.retry then 'retry' else '00' end,
      found.release,
      advice_hold.amount
    from
      slot,
      (select exists (select 1 from original) as exists,
              coalesce((select last_release from original), 0) as release,
              (select hold_day from original) as day) as found,
      lateral (
        select ($6::text = '0220' and $13::text <> '20' and not found.exists and a.decision_seq <> (select decision_seq from fence))
            or coalesce($7::text = '' and (select remaining from chosen) > 0 and (select remaining from original) = 0, false) as retry
      ) as stale,
      lateral (
        -- An authorization advice whose reversal came first holds at most what the reversal left.
        select case when $6::text <> '0120' or $13::text = '20' then 0
                    -- What we did not approve; after a reversal or completion, no more than it left (least() skips
                    -- the null of an authorization none has ended).
                    when exists (select 1 from grows) then
                      greatest(0, least($4::bigint - (select approved from stand_in), (select ended - remaining from grows)))
                    when early.keep is null then $4::bigint
                    else greatest(0, least($4::bigint, early.keep)) end as amount,
               early.key as orphan,
               (select day from grown_day) as day
        from card c
        left join orphan_for(a.orphans, $5::date, c.id, $4::bigint, $9::text, $8::text, $10::text, $11::text,
                             $12::text) early on $6::text = '0120' and not exists (select 1 from grows)
      ) as advice_hold,
      (select case when a.held_on = $5::date then a.held          -- the day's first statement sums the ring again
                   else (select coalesce(sum(r.amount), 0) from unnest(a.hold_days, a.hold_amounts) as r (day, amount)
                         where r.day >= $5::date) end as held
       offset 0) as funds,
      -- What a completion releases from the ring: from its pre-auth's day slot while that day still counts.
      lateral (
        select case when advice_hold.amount = 0 and found.release > 0 and found.day >= $5::date
                         and a.hold_days[slot.s] = found.day
                    then least(found.release, a.hold_amounts[slot.s]) else 0 end as amount
      ) as freed
  )
  -- New here, the key this advice inserts is checked again on the account row's newest version (schema.sql).
  where a.id = (select account_id from card)
    and case when exists (select 1 from previous) then false else key_unclaimed((select idem_key from advice_key)) end
  returning a.id as account_id, a.decision_seq, a.last_code, a.last_amount, a.last_held
),
grown as (                  -- the hold that grew; one whose day had passed counts as released before it grows
  update transactions t
  set hold_total = t.hold_total + d.last_held,
      released = case when t.hold_day >= $5::date then t.released else t.hold_total end,
      hold_day = (select day from grown_day)
  from decision d
  where t.id = (select id from grows) and d.last_code = '00' and d.last_held > 0
  returning t.id
),
inserted as (
  insert into transactions (idem_key, request_hash, account_id, card_id, mti, amount, approved, response_code,
                            hold_day, decision_seq, processing, link, rrn, terminal, merchant, acquirer, hold_total,
                            released)
  select (select idem_key from advice_key), $2, d.account_id, (select id from card), $6, $4::bigint, $4::bigint, '00',
         case when $6::text = '0120' and $13::text <> '20' and not exists (select 1 from grows) then (select day from grown_day) end,
         d.decision_seq, $13,
         case when $6::text = '0120' then $9 else nullif($7::text, '') end,
         nullif($8::text, ''), nullif($10::text, ''), nullif($11::text, ''), nullif($12::text, ''),
         -- A stand-in 0120's hold is the authorization's (grown above), released through it.
         case when $6::text = '0120' and $13::text <> '20' and not exists (select 1 from grows) then $4::bigint else 0 end,
         case when $6::text = '0120' and $13::text <> '20' and not exists (select 1 from grows) then $4::bigint - d.last_held
              when $6::text = '0120' then 0 else d.last_amount end
  from decision d where d.last_code = '00'
  union all
  select $1, $2, null, null, $6, $4::bigint, 0, '14', null, null, $13, null, null, null, null, null, 0, 0
  where not exists (select 1 from card) and not exists (select 1 from previous)
  returning response_code, released
)
select response_code, released, false as duplicate from inserted
union all
select 'retry', 0, false from decision d where d.last_code = 'retry'
union all
select case when p.request_hash = $2 then p.response_code else '94' end, p.released, true from previous p;
