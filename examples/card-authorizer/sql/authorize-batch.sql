-- One statement for a batch of authorizations (0100/0101/0200/0201), of one account or of many, decided account by
-- account in arrival order, each account's row locked once and written with one update. Parameters are arrays,
-- element i for request i (the same meanings as in authorize.sql): $1 idem_keys, $2 request_hashes, $3 pan_keys, $4
-- amounts, $5 currencies, $6 mccs, $7 mtis, $8 auth code candidates, $9 links, $10 rrns, $11 channels, $12
-- terminals, $13 merchants, $14 acquirers, $15 processings, $16 expiries, $17 the time each has left to decide, in
-- ms; and $18 today (date, one for the whole batch).
--
-- Which account a request is decided on is the card's account, read here (the application's grouping only chooses
-- what travels together, never what is decided). It decides only what needs nothing beyond the account row: a card
-- without a rolling limit (a refund of a limited card counts no limit, so it is decided here too), on an account
-- without early reversals waiting. Every other request (a card not on file, a debit of a card with a rolling limit,
-- any request of an account with an early reversal waiting) is answered 'single' and decided afterwards by
-- authorize.sql, one by one (an incremental is never sent here: the application knows it from DE90). 'single'
-- changes and stores nothing.
--
-- It runs on its own (autocommit): Postgres commits and releases every row inside the one call. The accounts are
-- locked one after the other in the order of their ids (the sorted ids drive a nested loop that locks row by row,
-- each on its newest version after waiting): every batch takes its locks in one global order, and
-- authorize.sql, reverse.sql and advise.sql lock at most one account, last, so no two statements wait on each other
-- in a cycle. Every decision is computed from the locked versions, and the update writes absolute values computed
-- from them: no stage reads the statement's snapshot of an account. The deadline of each request is checked by
-- Postgres's clock against the moment it received the statement, once every lock of the batch is granted: a
-- request past it is answered 91 and changes nothing. Each account's decisions are a recursive fold over its
-- requests in arrival order: each approval adds to what is held before the next is decided, a decline takes
-- nothing, a partial approval takes what is left; accounts never see each other's requests.
-- A request whose idempotency key is stored returns the stored answer (94 if its content differs); a later request
-- of the batch with the key of an earlier one returns that one's answer (94 if its content differs). A twin
-- committed by another statement after this statement's snapshot makes the insert fail on the unique key, the whole
-- statement with it, and the caller runs it again.
-- Returns one row per request: i (1-based, the position in the arrays), response_code, approved, auth_code,
-- duplicate, account_id (the card's account, null for a card not on file).
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
  -- Each lookup is one index probe per request (LIMIT 1 keeps it a nested loop): a hash join would scan the whole
  -- table, and `transactions` grows faster than its statistics.
  left join lateral (select c.* from cards c where c.pan_key = r.pan_key limit 1) c on true
  left join lateral (select h.days from hold_rules h where h.mcc = r.mcc limit 1) h on true
  left join lateral (select p.request_hash, p.response_code, p.approved, p.auth_code from transactions p
                     where p.idem_key = r.idem_key limit 1) p on true
),
locked as (                 -- the accounts with a request to decide, locked in id order, each on its newest version
  select a.*
  from (select distinct r.card_account as id from requests r
        where r.stored_hash is null and r.i = r.first_i and not r.limited
        order by 1) x
  cross join lateral (
    select a.id, a.status, a.currency, a.balance, a.held, a.held_on, a.hold_days, a.hold_amounts, a.orphans,
           a.decision_seq
    from accounts a where a.id = x.id
    for update of a
  ) a
),
granted as (                -- when the last lock was granted, by Postgres's clock (read after every row of `locked`)
  select clock_timestamp() as at from (select count(*) from locked) n
),
funds as (                  -- what each account holds today before the batch (the day's first decision sums the ring)
  select l.id,
         (case when l.held_on = $18::date then l.held
               else (select coalesce(sum(x.amount), 0) from unnest(l.hold_days, l.hold_amounts) as x (day, amount)
                     where x.day >= $18::date) end)::bigint as held
  from locked l
),
todo as (                   -- the requests decided here, numbered in arrival order within their account
  select r.*, l.status, l.currency as account_currency, l.balance,
         row_number() over (partition by l.id order by r.i) as k
  from requests r join locked l on l.id = r.card_account, granted g
  where r.stored_hash is null and r.i = r.first_i and not r.limited and l.orphans = '{}'
    and g.at < statement_timestamp() + r.left_ms * interval '1 millisecond'
),
decided (account, k, held, code, approved, hold) as (   -- the fold: an account's request k decided on what 1 … k-1 left
  select f.id, 0::bigint, f.held, null::text, 0::bigint, 0::bigint from funds f
  union all
  select d.account, t.k, d.held + v.hold, v.code, v.approved, v.hold
  from decided d
  join todo t on t.card_account = d.account and t.k = d.k + 1
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
added as (                  -- what the batch holds, by account and hold day (live days never share a ring slot)
  select t.card_account as account, t.hold_day as day, ring_slot(t.hold_day, 32) as slot, sum(d.hold)::bigint as amount
  from decided d join todo t on t.card_account = d.account and t.k = d.k
  where d.hold > 0
  group by t.card_account, t.hold_day
),
totals as (                 -- per account: how many it decided, and what it holds after the last (holds only grow)
  select d.account, max(d.k) as decisions, max(d.held) as held from decided d where d.k > 0 group by d.account
),
decision as (               -- one update of each account row that decided something, from its locked version's values
  update accounts a
  set (held, held_on, hold_days, hold_amounts, decision_seq) = (
    select tot.held,
           $18::date,
           array(select coalesce(ad.day, l.hold_days[n.slot]) from generate_series(1, 32) as n (slot)
                 left join added ad on ad.account = l.id and ad.slot = n.slot order by n.slot),
           array(select case when ad.slot is null then l.hold_amounts[n.slot]
                             else case when l.hold_days[n.slot] = ad.day then l.hold_amounts[n.slot] else 0 end + ad.amount end
                 from generate_series(1, 32) as n (slot)
                 left join added ad on ad.account = l.id and ad.slot = n.slot order by n.slot),
           l.decision_seq + tot.decisions
    from locked l where l.id = a.id
  )
  from totals tot
  where a.id = any (array(select t.account from totals t)) and a.id = tot.account
  returning a.id
),
inserted as (
  insert into transactions (idem_key, request_hash, account_id, card_id, mti, amount, approved, response_code,
                            auth_code, hold_day, decision_seq, processing, link, rrn, terminal, merchant, acquirer,
                            hold_total, released)
  select t.idem_key, t.request_hash, t.card_account, t.card_id, t.mti, t.amount, d.approved, d.code,
         case when d.code in ('00', '10') then t.auth_code end,   -- every approval has its code, a zero amount's too
         case when t.processing <> '20' and d.approved > 0 then t.hold_day end,
         l.decision_seq + t.k, t.processing, t.link, nullif(t.rrn, ''), nullif(t.terminal, ''), nullif(t.merchant, ''),
         nullif(t.acquirer, ''),
         -- a refund holds nothing; an approval holds what it approved, all of it still to release
         d.hold, 0
  from todo t
  join decided d on d.account = t.card_account and d.k = t.k
  join locked l on l.id = t.card_account
  returning idem_key, response_code, approved, auth_code
),
firsts as (                 -- the answer of each first occurrence of a key not stored before the batch
  select r.i, r.request_hash,
         case when n.idem_key is not null then n.response_code
              when l.id is null or r.limited or l.orphans <> '{}' then 'single'
              else '91' end as response_code,
         coalesce(n.approved, 0) as approved, n.auth_code
  from requests r
  left join locked l on l.id = r.card_account
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
       r.stored_hash is not null or (r.i <> f.i and f.response_code not in ('single', '91')) as duplicate,
       r.card_account as account_id
from requests r left join firsts f on f.i = r.first_i
order by r.i;
