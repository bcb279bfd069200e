-- Idempotent schema of the prompt service; applied at start-up under an advisory lock so replicas do not race.
CREATE TABLE IF NOT EXISTS tenants (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Only a hash and a short prefix of each key are kept; the key itself is shown once, when it is created.
CREATE TABLE IF NOT EXISTS api_keys (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    prefix text NOT NULL,
    key_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

CREATE TABLE IF NOT EXISTS jobs (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    title text NOT NULL,
    status text NOT NULL,
    stage text NOT NULL,
    spec jsonb NOT NULL,
    compose_progress real NOT NULL DEFAULT 0,
    artifact_hash text,
    duration_seconds double precision,
    error_code text,
    error_message text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS jobs_by_tenant ON jobs (tenant_id, created_at DESC);
-- GET /v1/jobs pages by id (time-ordered UUIDv7), newest first.
CREATE INDEX IF NOT EXISTS jobs_by_tenant_id ON jobs (tenant_id, id DESC);

CREATE TABLE IF NOT EXISTS shots (
    job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    idx int NOT NULL,
    prompt text NOT NULL,
    request jsonb NOT NULL,
    status text NOT NULL,
    progress real NOT NULL DEFAULT 0,
    artifact_hash text,
    duration_seconds double precision,
    from_cache boolean NOT NULL DEFAULT false,
    provider text,
    error_code text,
    error_message text,
    PRIMARY KEY (job_id, idx)
);

-- Transactional outbox: written in the same transaction as the state it announces, published by OutboxRelay.
CREATE TABLE IF NOT EXISTS outbox (
    id bigserial PRIMARY KEY,
    message_type text NOT NULL,
    body jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- The W3C trace context of the request that wrote the row: the relay publishes inside it, so one film is one trace.
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS traceparent text;
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS tracestate text;

-- The studio library: characters, environments and styles defined once and referenced by id from films.
CREATE TABLE IF NOT EXISTS library_items (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    kind text NOT NULL,
    name text NOT NULL,
    body jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, kind, name)
);

ALTER TABLE jobs ADD COLUMN IF NOT EXISTS warnings jsonb NOT NULL DEFAULT '[]';

-- Shots of one continuity chain render in order, each starting on the previous one's last frame.
ALTER TABLE shots ADD COLUMN IF NOT EXISTS chain int NOT NULL DEFAULT 0;

-- Reference images a tenant uploaded; the bytes live once in the content-addressed store, ownership per tenant here.
CREATE TABLE IF NOT EXISTS tenant_artifacts (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    sha256 text NOT NULL,
    content_type text NOT NULL,
    bytes bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, sha256)
);

-- Idempotency-Key of POST /v1/films: written in the job's own transaction, so a key maps to exactly one job.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    key text NOT NULL,
    request_hash bytea NOT NULL,
    job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key)
);

-- Plans: what a tenant may do. Null limits mean unlimited; an empty provider list allows every provider.
CREATE TABLE IF NOT EXISTS plans (
    name text PRIMARY KEY,
    rate_limit_per_minute int,
    concurrent_jobs int,
    monthly_budget_usd numeric(12, 2),
    allowed_providers text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE plans ADD COLUMN IF NOT EXISTS platform_key_fallback boolean NOT NULL DEFAULT false;
ALTER TABLE tenants ADD COLUMN IF NOT EXISTS plan text REFERENCES plans (name);
-- Days a finished job keeps its film and clips in the artifact store; null keeps them for good.
ALTER TABLE plans ADD COLUMN IF NOT EXISTS retention_days int;
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS expires_at timestamptz;
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS name text;
CREATE INDEX IF NOT EXISTS jobs_by_tenant_status ON jobs (tenant_id, status, created_at);

-- Per-tenant vendor API keys, encrypted with ASP.NET Core Data Protection (SecretProtector); never returned.
CREATE TABLE IF NOT EXISTS tenant_provider_secrets (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    vendor text NOT NULL,
    ciphertext text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, vendor)
);

-- The Data Protection key ring, shared by every replica (PostgresXmlRepository).
CREATE TABLE IF NOT EXISTS data_protection_keys (
    friendly_name text PRIMARY KEY,
    xml text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- One row per admin change. Append-only: the trigger below refuses UPDATE, DELETE and TRUNCATE.
CREATE TABLE IF NOT EXISTS audit_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL,
    action text NOT NULL,
    target text NOT NULL,
    before jsonb,
    after jsonb,
    trace_id text
);
CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END $$;
CREATE OR REPLACE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE OR REPLACE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

-- Tenant webhook endpoints. Secrets are encrypted with Data Protection (purpose Ministudio.Webhooks); after a rotation
-- the previous secret keeps signing, next to the new one, until previous_secret_expires_at.
CREATE TABLE IF NOT EXISTS webhooks (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    url text NOT NULL,
    events text[] NOT NULL,
    secret text NOT NULL,
    previous_secret text,
    previous_secret_expires_at timestamptz,
    disabled_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS webhooks_by_tenant ON webhooks (tenant_id);

-- Durable delivery queue, written in the transaction of the job change it announces; the id is the webhook-id, stable
-- across retries. status: pending, delivered, failed (retries exhausted or endpoint gone).
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id uuid PRIMARY KEY,
    webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_type text NOT NULL,
    payload text NOT NULL,
    status text NOT NULL DEFAULT 'pending',
    attempts int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_status_code int,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at DESC);

-- Batches (POST /v1/batches): every line a film; the BatchScheduler turns pending items into jobs gradually.
CREATE TABLE IF NOT EXISTS batches (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    on_invalid text NOT NULL,
    canceled_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS batches_by_tenant ON batches (tenant_id, id DESC);

-- One row per non-blank line: pending (a validated spec waiting for admission), admitted (job_id set), canceled
-- before admission, or invalid (skipped, with its errors).
CREATE TABLE IF NOT EXISTS batch_items (
    batch_id uuid NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
    line int NOT NULL,
    status text NOT NULL,
    spec jsonb,
    errors jsonb,
    job_id uuid REFERENCES jobs (id),
    admitted_at timestamptz,
    PRIMARY KEY (batch_id, line)
);
CREATE INDEX IF NOT EXISTS batch_items_pending ON batch_items (batch_id, line) WHERE status = 'pending';

-- Marks jobs a batch created, so admission limits and quotas can tell them from interactive jobs.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS batch_id uuid REFERENCES batches (id);
CREATE INDEX IF NOT EXISTS jobs_unfinished_by_tenant ON jobs (tenant_id) WHERE status NOT IN ('succeeded', 'failed', 'canceled');

-- Round-robin across tenants: the tenant whose batch job was admitted longest ago goes first.
CREATE TABLE IF NOT EXISTS batch_tenant_turns (
    tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
    last_admitted_at timestamptz NOT NULL
);

-- Idempotency-Key of POST /v1/batches, written in the batch's own transaction.
CREATE TABLE IF NOT EXISTS batch_idempotency_keys (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    key text NOT NULL,
    request_hash bytea NOT NULL,
    batch_id uuid NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key)
);

-- Whether a failed shot may succeed if tried again (ShotFailed.Retryable); batch results report it.
ALTER TABLE shots ADD COLUMN IF NOT EXISTS retryable boolean NOT NULL DEFAULT false;

-- A job posted as a timeline (POST /v1/timelines) has no shots; its timeline is kept so a throttled one can start later.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS timeline jsonb;
-- Timeline assets must be the tenant's own clips; this finds a shot by its clip.
CREATE INDEX IF NOT EXISTS shots_by_artifact ON shots (artifact_hash) WHERE artifact_hash IS NOT NULL;

-- Every file compose delivered next to a finished film (FilmComposed.Deliverables): name, SHA-256, media type.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS deliverables jsonb;

-- When a throttled job left the queue (null: it started when it was created); its deadline counts from here.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS started_at timestamptz;
CREATE INDEX IF NOT EXISTS jobs_in_flight ON jobs (created_at) WHERE status IN ('queued', 'running');

-- The film's shot a row makes (a long shot is made in parts), which part, and the state in force during it.
ALTER TABLE shots ADD COLUMN IF NOT EXISTS film_shot int;
ALTER TABLE shots ADD COLUMN IF NOT EXISTS part int NOT NULL DEFAULT 1;
ALTER TABLE shots ADD COLUMN IF NOT EXISTS parts int NOT NULL DEFAULT 1;
ALTER TABLE shots ADD COLUMN IF NOT EXISTS state jsonb;
