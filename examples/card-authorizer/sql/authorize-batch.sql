-- One statement for a burst of authorizations (0100/0101/0200/0201) of one account, decided in arrival order under
-- one lock of the account row and written with one update of it. Parameters are arrays, element i for request i
-- (the same meanings as in authorize.sql): $1 idem_keys, $2 request_hashes, $3 pan_keys, $4 amounts, $5
-- currencies, $6 mccs, $7 mtis, $8 auth code candidates, $9 links, $10 rrns, $11 channels, $12 terminals, $13
-- merchants, $14 acquirers, $15 processings, $16 expiries, $17 the time each has left to decide, in ms; and $18
-- today (date, one for the whole burst), $19 the account id the burst is for.
--
-- It decides only what needs nothing beyond the account row: a card of that account without a rolling limit (a
-- refund of a limited card counts no limit, so it is decided here too), on an account without early reversals
-- waiting. Every other request of the burst is answered 'single' and decided afterwards by authorize.sql, one by
-- one (an incremental is never sent here: the application knows it from DE90). 'single' changes and stores nothing.
--
-- The account row is locked first (SELECT … FOR UPDATE returns its newest version after waiting for the lock),
-- every decision is computed from that locked version, and the update writes absolute values computed from it: no
-- stage reads the statement's snapshot of the account. The deadline of each request is checked by Postgres's clock
-- against the moment it received the statement, once the lock is granted: a request past it is answered 91 and
-- changes nothing. The decisions are a recursive fold over the remaining requests in arrival order: each approval
-- adds to what is held before the next is decided, a decline takes nothing, a partial approval takes what is left.
-- A request whose idempotency key is stored returns the stored answer (94 if its content differs); a later request
-- of the burst with the key of an earlier one returns that one's answer (94 if its content differs). A twin
-- committed by another process after this statement's snapshot makes the insert fail on the unique key, the whole
-- statement with it, and the caller runs it again.
-- Returns one row per request: i (1-based, the position in the arrays), response_code, approved, auth_code,
-- duplicate.
with recursive
requests as (
  select r.*, c.id as card_id, c.account_id as card_account,
         card_refusal(c.status, c.expiry, c.allowed_mccs, c.allowed_channels, $18::date, r.mcc, r.channel, r.expiry) as refusal,
         c.partial_allowed and r.processing in ('00', '01') as partial_allowed,
         (c.limit_amount_30d is not null or c.limit_count_30d is not null) and r.processing <> '20' as limited,
         $18::date + coalesce(c.hold_days, h.days, 7) as hold_day,
         p.request_hash as stored_hash, p.response_code as stored_code, p.approved as stored_approved,
         p.auth_code as stored_auth_code,
         min(r.i) over (partition by r.idem_key) as first_i
  from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[],
              $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
              $17::integer[])
         with ordinality as r (idem_key, request_hash, pan_key, amount, currency, mcc, mti, auth_code, link, rrn,
                               channel, terminal, merchant, acquirer, processing, expiry, left_ms, i)
  left join cards c on c.pan_key = r.pan_key
  left join hold_rules h on h.mcc = r.mcc
  left join transactions p on p.idem_key = r.idem_key
),
locked as (                 -- the account row, locked, on its newest version
  select a.id, a.status, a.currency, a.balance, a.held, a.held_on, a.hold_days, a.hold_amounts, a.orphans,
         a.decision_seq
  from accounts a where a.id = $19::bigint
  for update of a
),
granted as (                -- when the lock was granted, by Postgres's clock (read after `locked`)
  select clock_timestamp() as at, l.* from locked l
),
funds as (                  -- what the account holds today before the burst (the day's first decision sums the ring)
  select (case when g.held_on = $18::date then g.held
               else (select coalesce(sum(x.amount), 0) from unnest(g.hold_days, g.hold_amounts) as x (day, amount)
                     where x.day >= $18::date) end)::bigint as held
  from granted g
),
todo as (                   -- the requests decided here, numbered in arrival order
  select r.*, g.status, g.currency as account_currency, g.balance, row_number() over (order by r.i) as k
  from requests r, granted g
  where r.stored_hash is null and r.i = r.first_i and r.card_account = g.id and not r.limited and g.orphans = '{}'
    and g.at < statement_timestamp() + r.left_ms * interval '1 millisecond'
),
decided (k, held, code, approved, hold) as (   -- the fold: request k decided on what requests 1 … k-1 left
  select 0::bigint, f.held, null::text, 0::bigint, 0::bigint from funds f
  union all
  select t.k, d.held + v.hold, v.code, v.approved, v.hold
  from decided d
  join todo t on t.k = d.k + 1
  cross join lateral (
    select code, approved, case when t.processing = '20' then 0 else approved end as hold
    from (select code, case code when '00' then t.amount when '10' then authorizable else 0 end as approved
          from (select greatest(0, least(t.balance - d.held, t.balance)) as authorizable) a,
          lateral (select coalesce(t.refusal,
                                   case when t.status = 'closed' then '05' when t.currency <> t.account_currency then '12' end,
                                   case when t.processing = '20' then '00'
                                        when greatest(0, least(t.balance - d.held, t.balance)) >= t.amount then '00'
                                        when t.partial_allowed and greatest(0, least(t.balance - d.held, t.balance)) > 0 then '10'
                                        else '51' end) as code) c) x
  ) v
),
added as (                  -- what the burst holds, by hold day (live days never share a ring slot)
  select t.hold_day as day, ring_slot(t.hold_day, 32) as slot, sum(d.hold)::bigint as amount
  from decided d join todo t on t.k = d.k
  where d.hold > 0
  group by t.hold_day
),
decision as (               -- one update of the account row, from the locked version's values
  update accounts a
  set (held, held_on, hold_days, hold_amounts, decision_seq) = (
    select (select d.held from decided d order by d.k desc limit 1),
           $18::date,
           array(select coalesce(ad.day, g.hold_days[s]) from generate_series(1, 32) s left join added ad on ad.slot = s order by s),
           array(select case when ad.slot is null then g.hold_amounts[s]
                             else case when g.hold_days[s] = ad.day then g.hold_amounts[s] else 0 end + ad.amount end
                 from generate_series(1, 32) s left join added ad on ad.slot = s order by s),
           g.decision_seq + (select count(*) from todo)
    from granted g
  )
  where a.id = $19::bigint and exists (select 1 from todo)
  returning a.id
),
inserted as (
  insert into transactions (idem_key, request_hash, account_id, card_id, mti, amount, approved, response_code,
                            auth_code, hold_day, decision_seq, processing, link, rrn, terminal, merchant, acquirer,
                            hold_total, released)
  select t.idem_key, t.request_hash, $19::bigint, t.card_id, t.mti, t.amount, d.approved, d.code,
         case when d.approved > 0 then t.auth_code end,
         case when t.processing <> '20' and d.approved > 0 then t.hold_day end,
         g.decision_seq + t.k, t.processing, t.link, nullif(t.rrn, ''), nullif(t.terminal, ''), nullif(t.merchant, ''),
         nullif(t.acquirer, ''),
         -- a refund holds nothing; an approval holds what it approved, all of it still to release
         d.hold, 0
  from todo t join decided d on d.k = t.k, granted g
  returning idem_key, response_code, approved, auth_code
),
firsts as (                 -- the answer of each first occurrence of a key not stored before the burst
  select r.i, r.request_hash,
         case when n.idem_key is not null then n.response_code
              when g.id is null or r.card_account is distinct from g.id or r.limited or g.orphans <> '{}' then 'single'
              else '91' end as response_code,
         coalesce(n.approved, 0) as approved, n.auth_code
  from requests r
  left join granted g on true
  left join inserted n on n.idem_key = r.idem_key
  where r.i = r.first_i and r.stored_hash is null
)
select r.i,
       case when r.stored_hash is not null then case when r.stored_hash = r.request_hash then r.stored_code else '94' end
            when r.i = f.i or f.response_code in ('single', '91') or r.request_hash = f.request_hash then f.response_code
            else '94' end as response_code,
       case when r.stored_hash is not null then case when r.stored_hash = r.request_hash then r.stored_approved else 0 end
            when r.i = f.i or r.request_hash = f.request_hash then f.approved else 0 end as approved,
       case when r.stored_hash is not null then case when r.stored_hash = r.request_hash then r.stored_auth_code end
            when r.i = f.i or r.request_hash = f.request_hash then f.auth_code end as auth_code,
       r.stored_hash is not null or (r.i <> f.i and f.response_code not in ('single', '91')) as duplicate
from requests r left join firsts f on f.i = r.first_i
order by r.i;
