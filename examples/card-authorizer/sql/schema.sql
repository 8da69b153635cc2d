-- Reference authorizer schema. Money is BIGINT minor units. Run inside a schema of its own (search_path).
--
-- Concurrency design (see README): every decision that moves money locks the card's account row and keeps on it
-- everything an authorization depends on: the ledger balance, the active holds bucketed by expiry day, and each
-- card's spend bucketed by day for the rolling 30-day limits. The decision is computed from that locked row's
-- newest version (an UPDATE that always matches re-reads it after waiting), so no snapshot can be stale. A
-- reversal or completion first locks its original's transaction row (released exactly once), then the account.

create table if not exists accounts (
  id            bigint primary key,
  currency      char(3) not null,
  status        text    not null default 'open' check (status in ('open', 'closed')),
  balance       bigint  not null,                  -- may go below 0: advices are facts, never declined for funds
  -- Holds by expiry day: {"2026-12-01": 1250, ...}. A bucket counts while its day >= today; expired buckets are
  -- pruned by the next decision on the account, so no background job is needed.
  holds         jsonb   not null default '{}',
  -- Card spend by day for rolling limits: {"<card id>": {"2026-11-24": [amount, count], ...}}.
  card_spend    jsonb   not null default '{}',
  -- Reversals that arrived before their original: {"<link or alias>": amount left held, -1 for a full reversal}.
  -- The original, when it comes, holds at most that amount and removes the entry.
  orphans       jsonb   not null default '{}',
  -- Serialization order of decisions on this account (the order the row lock granted them).
  decision_seq  bigint  not null default 0,
  -- The latest decision, written and returned by the deciding UPDATE.
  last_decision jsonb
);

create table if not exists cards (
  id              bigint  primary key,
  pan             text    not null unique,
  account_id      bigint  not null references accounts (id),
  status          text    not null default 'active' check (status in ('active', 'blocked', 'lost', 'stolen')),
  expiry          char(4) not null,                 -- YYMM
  allowed_mccs    text[],                           -- null: all merchant types
  allowed_channels text[],                          -- 'pos', 'ecom', 'atm'; null: all channels
  partial_allowed boolean not null default false,
  limit_amount_30d bigint,                          -- null: no amount limit
  limit_count_30d  integer,                         -- null: no count limit
  hold_days       integer                           -- null: the merchant-type rule (hold_rules), else 7 days
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
  link          text,                             -- DE90 form of this request (MTI, STAN, DE7, acquirer)
  alias         text,                             -- digest of DE37 + DE41 + DE42 + PAN
  -- Authorizations: the amount their hold stands for (the approval, plus any incrementals), and how much of it has
  -- been released so far (reversals, completions); reversals and advices: what this message released. The answer
  -- itself (approved) never changes, so a repeat always gets the original answer.
  hold_total    bigint  not null default 0,
  released      bigint  not null default 0,
  -- Scratch written and returned by the UPDATE that releases from an authorization (its newest row version).
  last_release  bigint  not null default 0,
  created_at    timestamptz not null default now()
);

create index if not exists transactions_link on transactions (link) where link is not null;
create index if not exists transactions_alias on transactions (alias) where alias is not null;

-- The linked previous transaction a reversal or completion names: the account's authorization (0100, 0200 or
-- 0120) with that DE90 link, else with that DE37+DE41+DE42+PAN alias. One definition for every statement that
-- needs it; read in the calling statement's snapshot.
create or replace function original_of(account bigint, link text, alias text) returns bigint
language sql stable as $$
  select o.id from transactions o
  where o.account_id = original_of.account and o.mti in ('0100', '0200', '0120')
    and ((o.link = original_of.link and original_of.link <> '') or o.alias = original_of.alias)
  order by (o.link = original_of.link) desc, o.id
  limit 1
$$;
