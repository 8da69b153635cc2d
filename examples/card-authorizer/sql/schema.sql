-- Reference authorizer schema. Money is BIGINT minor units. Run inside a schema of its own (search_path).
--
-- Concurrency design (see README): every decision that moves money locks the card's account row and keeps on it
-- everything an authorization depends on: the ledger balance and the active holds bucketed by expiry day (a card
-- with a rolling limit keeps its own spend by day on its card row, locked first). The decision is computed from that
-- locked row's newest version (an UPDATE that always matches re-reads it after waiting), so no snapshot can be stale.
-- A reversal or completion first locks its original's transaction row (released exactly once), then the account.
--
-- The buckets are fixed-shape arrays, rings of day slots: the bucket of day D is slot ring_slot(D, n), and each
-- slot keeps the day it counts for beside its amount. The days a bucket can be live on are fewer than n, so live
-- days never share a slot; a slot whose day has passed counts nothing and is simply overwritten when its turn
-- comes again. Nothing is re-aggregated on a decision, and no background job prunes anything.

create table if not exists accounts (
  id            bigint primary key,
  currency      char(3) not null,
  status        text    not null default 'open' check (status in ('open', 'closed')),
  balance       bigint  not null,                  -- may go below 0: advices are facts, never declined for funds
  -- Holds by expiry day, a ring of 32 slots: hold_amounts[ring_slot(D, 32)] is held until the end of day D, where
  -- D = hold_days[ring_slot(D, 32)]. A hold lives at most 31 days (hold_rules, cards.hold_days), so the days a hold
  -- can still count on (today to today + 31) never share a slot. A slot counts while its day >= today.
  hold_days     date[]  not null default array_fill(null::date, array[32]),
  hold_amounts  bigint[] not null default array_fill(0::bigint, array[32]),
  -- The sum of the slots that count on business date held_on: a decision on that date reads it instead of the ring
  -- (the ring is summed again only on an account's first decision of a day, when buckets may have expired).
  held          bigint  not null default 0,
  held_on       date,
  -- Reversals that arrived before their original (see orphan_for): {"<key>": {"card", "amount", "keep", "link",
  -- "rrn", "terminal", "merchant", "acquirer", "day"}}; keep is what stays held, -1 for a full reversal. The
  -- original, when it comes, holds at most that and removes the entry; an entry waits two business days. Almost
  -- always empty: a decision looks into it only when it is not.
  orphans       jsonb   not null default '{}',
  -- Serialization order of decisions on this account (the order the row lock granted them).
  decision_seq  bigint  not null default 0,
  -- Scratch: the latest decision, written by the UPDATE that makes it and returned by it (RETURNING sees only the
  -- row): its code ('retry' when a fence says run again), the amount approved or released, what it held, and the
  -- day its hold expires, and what an early reversal it consumed left held (-1: nothing).
  last_code     text,
  last_amount   bigint,
  last_held     bigint,
  last_hold_day date,
  last_keep     bigint
);

create table if not exists cards (
  id              bigint  primary key,
  -- The PAN is never stored: its keyed digest (HMAC-SHA-256 under AUTHORIZER_PAN_KEY, hex) is the lookup key, and
  -- its last four digits are kept for display.
  pan_key         text    not null unique,
  pan_last4       char(4) not null,
  account_id      bigint  not null references accounts (id),
  status          text    not null default 'active' check (status in ('active', 'blocked', 'lost', 'stolen')),
  expiry          char(4) not null,                 -- YYMM
  allowed_mccs    text[],                           -- null: all merchant types
  allowed_channels text[],                          -- 'pos', 'ecom', 'atm'; null: all channels
  partial_allowed boolean not null default false,
  limit_amount_30d bigint,                          -- null: no amount limit
  limit_count_30d  integer,                         -- null: no count limit
  hold_days       integer check (hold_days between 1 and 31), -- null: the merchant-type rule (hold_rules), else 7 days
  -- A card with a rolling limit: what it was approved per day, a ring of 30 slots (the 30 days up to today, as
  -- for the account's holds: spend_amounts and spend_counts of day spend_days[ring_slot(D, 30)]). Only a card that
  -- has a limit counts its spend (the decision locks its row to read and write it): a limit counts what was
  -- approved while the card had one.
  spend_days      date[]   not null default array_fill(null::date, array[30]),
  spend_amounts   bigint[] not null default array_fill(0::bigint, array[30]),
  spend_counts    integer[] not null default array_fill(0, array[30])
);

-- How long a hold lives, by merchant type (MCC): hotels and car rental hold longer than a grocery store.
-- A card's own hold_days, when set, wins; without a rule the hold lives 7 days.
create table if not exists hold_rules (
  mcc  text    primary key,
  days integer not null check (days between 1 and 31)
);

create table if not exists transactions (
  id            bigserial primary key,
  idem_key      text    not null unique,            -- MTI class + DE7 + DE11 + DE32 + DE37 + DE41
  request_hash  text    not null,                   -- what the request said; same key, other hash → 94
  account_id    bigint,
  card_id       bigint,
  mti           char(4) not null,
  amount        bigint  not null,
  approved      bigint  not null default 0,
  response_code char(2) not null,
  auth_code     char(6),
  hold_day      date,
  decision_seq  bigint,
  processing    char(2),                          -- DE3 transaction type: 00, 01, 09, 20 (30 inquiries are not stored)
  link          text,                             -- DE90 form of this request (MTI, STAN, DE7, acquirer)
  -- The identifiers a reversal without DE90 names its original by; null when absent, blank or all zeros.
  rrn           text,                             -- DE37
  terminal      text,                             -- DE41
  merchant      text,                             -- DE42
  acquirer      text,                             -- DE32
  -- Authorizations: the amount their hold stands for (the approval, plus any incrementals), and how much of it has
  -- been released so far (reversals, completions); reversals and advices: what this message released. The answer
  -- itself (approved) never changes, so a repeat always gets the original answer.
  hold_total    bigint  not null default 0,
  released      bigint  not null default 0,
  -- Scratch written and returned by the UPDATE that releases from an authorization (its newest row version).
  last_release  bigint  not null default 0,
  -- Authorizations: what a reversal (the least any left), a completion (0) or an early reversal it consumed left
  -- it to hold; null while none has. A stand-in advice holds no more than that.
  ended_keep    bigint,
  created_at    timestamptz not null default now()
);

-- A schema made before accounts.last_keep and transactions.ended_keep existed gets them; each is looked for
-- first, so a restart takes no table lock.
do $$
declare
  wanted record;
begin
  for wanted in select * from (values ('accounts', 'last_keep'), ('transactions', 'ended_keep')) as w (tab, col) loop
    if not exists (select 1 from information_schema.columns
                   where table_schema = current_schema() and table_name = wanted.tab and column_name = wanted.col) then
      execute format('alter table %I add column %I bigint', wanted.tab, wanted.col);
    end if;
  end loop;
end $$;

create index if not exists transactions_link on transactions (link) where link is not null;
create index if not exists transactions_rrn on transactions (card_id, rrn) where rrn is not null;

-- The original a reversal or completion names, among the account's authorizations (0100, 0200, 0120) of the same
-- card, read in the calling statement's snapshot. One definition for every statement that needs it.
--   With DE90 (link <> ''): the authorization whose own DE90 form (MTI, STAN, DE7, acquirer) is that link.
--   Without DE90: the authorizations with that RRN (DE37, required: without it nothing is named), and the same
--   terminal (DE41), merchant (DE42) and acquirer (DE32) wherever the reversal carries them ('' = not carried: it
--   constrains nothing, and it matches nothing either). Several may qualify (RRNs are reused); the first of:
--   the same amount (DE4 of a reversal is the original's, requested or approved), the most specific identifiers
--   (the original carries exactly the identifiers the reversal does), one that still holds something, the oldest.
create or replace function original_of(account bigint, card bigint, link text, rrn text, terminal text, merchant text,
                                       acquirer text, amount bigint) returns bigint
language sql stable as $$
  select o.id from transactions o
  where o.account_id = original_of.account and o.card_id = original_of.card and o.mti in ('0100', '0200', '0120')
    and case when original_of.link <> '' then o.link = original_of.link
             else original_of.rrn <> '' and o.rrn = original_of.rrn
                  and (original_of.terminal = '' or o.terminal = original_of.terminal)
                  and (original_of.merchant = '' or o.merchant = original_of.merchant)
                  and (original_of.acquirer = '' or o.acquirer = original_of.acquirer) end
  order by (o.amount = original_of.amount or o.approved = original_of.amount) desc,
           ((o.terminal is null) = (original_of.terminal = ''))::int + ((o.merchant is null) = (original_of.merchant = ''))::int
             + ((o.acquirer is null) = (original_of.acquirer = ''))::int desc,
           (o.hold_total > o.released) desc,
           o.id
  limit 1
$$;

-- The orphans still waiting on `today`: an orphan stored on business date D waits for its original on D and D + 1,
-- then is dropped by the next statement that rewrites the account's orphans (an original that comes later holds
-- in full: a false decline until the hold expires, never an overspend).
create or replace function live_orphans(orphans jsonb, today date) returns jsonb
language sql immutable as $$
  select coalesce(jsonb_object_agg(o.key, o.value), '{}') from jsonb_each(orphans) o
  where (o.value ->> 'day')::date >= today - 1
$$;

-- The orphan an arriving authorization (0100, 0200) or authorization advice (0120) consumes: a live orphan of the
-- same card and the same amount (the reversal's DE4), that names this very transaction: by its DE90 form when the
-- reversal carried DE90, else by its RRN and every one of terminal, merchant and acquirer the reversal carried
-- (the arriving transaction must carry each of them, equal). The orphan with the most specific identifiers wins,
-- then the oldest. Called with the account row's `orphans` from the deciding UPDATE, so on its newest version.
create or replace function orphan_for(orphans jsonb, today date, card bigint, amount bigint, link text, rrn text,
                                      terminal text, merchant text, acquirer text) returns table (key text, keep bigint)
language sql immutable as $$
  select o.key, (o.value ->> 'keep')::bigint from jsonb_each(orphans) o
  where (o.value ->> 'day')::date >= today - 1
    and (o.value ->> 'card')::bigint = orphan_for.card and (o.value ->> 'amount')::bigint = orphan_for.amount
    and case when o.value ->> 'link' is not null then o.value ->> 'link' = orphan_for.link
             else o.value ->> 'rrn' = nullif(orphan_for.rrn, '')
                  and (o.value ->> 'terminal' is null or o.value ->> 'terminal' = nullif(orphan_for.terminal, ''))
                  and (o.value ->> 'merchant' is null or o.value ->> 'merchant' = nullif(orphan_for.merchant, ''))
                  and (o.value ->> 'acquirer' is null or o.value ->> 'acquirer' = nullif(orphan_for.acquirer, '')) end
  order by ((o.value ->> 'terminal' is null) = (orphan_for.terminal = ''))::int
             + ((o.value ->> 'merchant' is null) = (orphan_for.merchant = ''))::int
             + ((o.value ->> 'acquirer' is null) = (orphan_for.acquirer = ''))::int desc,
           (o.value ->> 'seq')::bigint
  limit 1
$$;

-- The slot of day `day` in a ring of `size` day buckets (1-based; days since 2000-01-01, modulo `size`).
create or replace function ring_slot(day date, size integer) returns integer
language sql immutable as $$
  select ((day - date '2000-01-01') % size + size) % size + 1
$$;

-- True while no row is stored under `stored_key`, counting rows committed after the calling statement's snapshot;
-- otherwise it raises unique_violation (23505), and the statement, rolled back whole, runs again (the callers retry
-- it) and finds the row in its new snapshot. Why: a statement that waited for the account row and took it on a newer
-- version (its WHERE is checked again there) would otherwise insert a key committed meanwhile and wait, holding the
-- account row, for whoever holds that key's row: a reversal releasing it, which waits for the account row in turn.
-- Postgres broke that cycle only after deadlock_timeout (1 s). Volatile PL/pgSQL, so its query takes a snapshot of
-- its own at each call (READ COMMITTED) and keeps its plan for the session.
create or replace function key_unclaimed(stored_key text) returns boolean
language plpgsql volatile as $$
begin
  if exists (select 1 from transactions where idem_key = stored_key) then
    raise exception 'a row was stored under this key after the statement began' using errcode = 'unique_violation';
  end if;
  return true;
end
$$;

-- Why a card refuses a request before any money is looked at: lost 41, stolen 43, blocked 62, expired or an expiry
-- in the request (DE14, YYMM; '' when absent) other than the card's 54, merchant type or channel not allowed 57;
-- null when it does not. It takes the card's columns rather than reading the row, so Postgres inlines it into the
-- calling statement as a plain expression: a SQL function it cannot inline is parsed and planned again by every
-- execution of the statement. (It is stable, not immutable: to_char is stable, and a function declared more
-- immutable than its body is never inlined; measured, that cost a tenth of a millisecond per call.)
create or replace function card_refusal(status text, card_expiry text, allowed_mccs text[], allowed_channels text[],
                                        today date, mcc text, channel text, expiry text) returns text
language sql stable as $$
  select case
    when status = 'lost' then '41'
    when status = 'stolen' then '43'
    when status = 'blocked' then '62'
    when card_expiry < to_char(today, 'YYMM') then '54'
    when expiry <> '' and expiry <> card_expiry then '54'
    when allowed_mccs is not null and not (mcc = any (allowed_mccs)) then '57'
    when allowed_channels is not null and not (channel = any (allowed_channels)) then '57'
  end
$$;
