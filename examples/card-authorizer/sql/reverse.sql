-- One statement per reversal (0400/0401/0420/0421): $1 idem_key, $2 request_hash, $3 pan, $4 amount left held
-- after the reversal (DE95's actual amount for a partial reversal, -1 for a full one), $5 today (date), $6 mti,
-- $7 link (DE90's original MTI + STAN + DE7 + acquirer, or '' without DE90), $8 alias (digest of DE37+DE41+DE42+PAN).
-- The original is found on the locked account row (links, then aliases); its hold is released exactly once, and a
-- reversal that arrives first is remembered in orphans so the original holds nothing when it comes.
with
previous as (               -- the same reversal seen before: its stored answer
  select t.* from transactions t where t.idem_key = $1
),
card as (
  select c.* from cards c where c.pan = $3
),
decision as (
  update accounts a
  set (holds, links, orphans, decision_seq, last_decision) = (
    select
      case when release.amount > 0 and original.day >= $5::date
        then a.holds || jsonb_build_object(original.day::text,
               greatest(0, coalesce((a.holds ->> original.day::text)::bigint, 0) - release.amount))
        else a.holds end,
      case when original.entry is not null
        then a.links || jsonb_build_object(target.link, original.entry || jsonb_build_object(
               'r', (original.entry ->> 'r')::bigint + release.amount))
        else a.links end,
      case when original.entry is null
        then a.orphans || jsonb_build_object(coalesce(nullif($7::text, ''), $8::text), $4::bigint)
        else a.orphans end,
      a.decision_seq + 1,
      jsonb_build_object('code', '00', 'released', release.amount, 'early', original.entry is null)
    from
      (select case when a.links ? $7::text then $7::text else a.aliases ->> $8::text end as link) as target,
      lateral (select a.links -> target.link as entry, (a.links -> target.link ->> 'd')::date as day) as original,
      lateral (
        select case
                 when original.entry is null then 0
                 when $4::bigint < 0 then (original.entry ->> 'a')::bigint - (original.entry ->> 'r')::bigint
                 else greatest(0, (original.entry ->> 'a')::bigint - (original.entry ->> 'r')::bigint - $4::bigint)
               end as amount
      ) as release
  )
  where a.id = (select account_id from card) and not exists (select 1 from previous)
  returning a.id as account_id, a.decision_seq, a.last_decision
),
inserted as (
  insert into transactions (idem_key, request_hash, account_id, card_id, mti, amount, approved, response_code,
                            decision_seq, link, released)
  select $1, $2, d.account_id, (select id from card), $6, greatest($4::bigint, 0), 0, d.last_decision ->> 'code',
         d.decision_seq, coalesce(nullif($7::text, ''), $8::text), (d.last_decision ->> 'released')::bigint
  from decision d
  union all
  select $1, $2, null, null, $6, greatest($4::bigint, 0), 0, '14', null, null, 0
  where not exists (select 1 from card) and not exists (select 1 from previous)
  returning response_code, released
)
select response_code, released, false as duplicate from inserted
union all
select case when p.request_hash = $2 then p.response_code else '94' end, p.released, true from previous p;
