-- dispatch's own tables, in their own schema of the shared database; applied at start-up, idempotent.
CREATE SCHEMA IF NOT EXISTS dispatch;

-- The latest plan prompt announced per tenant (TenantPlanChanged). No row: no budget, every provider allowed.
CREATE TABLE IF NOT EXISTS dispatch.tenant_plans (
    tenant_id uuid PRIMARY KEY,
    plan text NOT NULL,
    monthly_budget_usd numeric(14, 6),
    allowed_providers text[] NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per vendor attempt (and per cache hit, at zero cost): reserved before the call, then committed with the
-- actual cost or released when the vendor produced nothing.
CREATE TABLE IF NOT EXISTS dispatch.cost_ledger (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL,
    job_id uuid NOT NULL,
    shot_index int NOT NULL,
    vendor text NOT NULL,
    model text NOT NULL,
    estimate_usd numeric(14, 6) NOT NULL,
    actual_usd numeric(14, 6),
    state text NOT NULL CHECK (state IN ('reserved', 'committed', 'released')),
    cache_hit boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    settled_at timestamptz
);

-- BYOK: a plan may let a refused tenant key fall back to the platform's; an attempt paid with the tenant's own key is
-- counted in usage but never against the platform budget.
ALTER TABLE dispatch.tenant_plans ADD COLUMN IF NOT EXISTS platform_key_fallback boolean NOT NULL DEFAULT false;
ALTER TABLE dispatch.cost_ledger ADD COLUMN IF NOT EXISTS byok boolean NOT NULL DEFAULT false;

CREATE INDEX IF NOT EXISTS cost_ledger_tenant_created ON dispatch.cost_ledger (tenant_id, created_at);

-- Speech (compose's SpeechSynthesized): one committed row per synthesis, its id the synthesis id, so a redelivered
-- announcement adds nothing. Speech measured while a film is submitted has no job (nor shot) yet.
ALTER TABLE dispatch.cost_ledger ALTER COLUMN job_id DROP NOT NULL;
ALTER TABLE dispatch.cost_ledger ALTER COLUMN shot_index DROP NOT NULL;
ALTER TABLE dispatch.cost_ledger ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'video';
ALTER TABLE dispatch.cost_ledger ADD COLUMN IF NOT EXISTS characters int;
ALTER TABLE dispatch.cost_ledger ADD COLUMN IF NOT EXISTS audio_seconds double precision;

-- Who is producing a shot right now (ShotLeases): the owner heart-beats; a shot whose owner stopped (crash, kill) is
-- taken over after the grace period, resuming the recorded vendor task and cost reservation instead of starting anew.
-- A shot that ended (rendered, failed, canceled) keeps its row, finished, so a late redelivery is not produced again;
-- one given up unfinished (a shutdown) loses its row, so the redelivery starts at once. Finished rows go after a day.
CREATE TABLE IF NOT EXISTS dispatch.shot_leases (
    job_id uuid NOT NULL,
    shot_index int NOT NULL,
    owner text NOT NULL,
    heartbeat_at timestamptz NOT NULL,
    takeovers int NOT NULL DEFAULT 0,
    vendor text,
    reservation_id uuid,
    vendor_task_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    PRIMARY KEY (job_id, shot_index)
);
