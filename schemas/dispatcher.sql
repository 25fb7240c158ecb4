-- schemas/dispatcher.sql: the tables cloudcron-dispatch reads and writes
-- (PostgreSQL 14 or later). Idempotent: apply it again after an upgrade and
-- it adds what is missing without touching rows.
--
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f schemas/dispatcher.sql
--
-- The application owns cloudcron_workflows (it inserts, edits, enables and
-- disables rows); the dispatcher owns next_run_at and schedule_error there,
-- and every row of cloudcron_executions. One execution per workflow and
-- scheduled time is enforced by a unique constraint, so no interleaving of
-- dispatchers can record a run twice.

CREATE TABLE IF NOT EXISTS cloudcron_workflows (
  id text PRIMARY KEY,
  schedule text NOT NULL,
  timezone text NOT NULL DEFAULT 'UTC',
  payload jsonb NOT NULL DEFAULT '{}',
  enabled boolean NOT NULL DEFAULT true,
  next_run_at timestamptz,
  schedule_error text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE cloudcron_workflows IS
  'Workflows whose schedules live in the database; cloudcron-dispatch fires each at next_run_at.';
COMMENT ON COLUMN cloudcron_workflows.id IS
  'The workflow''s id, chosen by the application; sent as workflow_id and used as the FIFO MessageGroupId.';
COMMENT ON COLUMN cloudcron_workflows.schedule IS
  'An EventBridge Scheduler expression: cron(m h dom mon dow y), rate(N unit) or at(yyyy-mm-ddThh:mm:ss); `cloudcron next` shows its fire times.';
COMMENT ON COLUMN cloudcron_workflows.timezone IS
  'The IANA zone the schedule is read in (Europe/Rome); UTC by default.';
COMMENT ON COLUMN cloudcron_workflows.payload IS
  'A JSON value copied into each execution and sent as the message''s payload.';
COMMENT ON COLUMN cloudcron_workflows.enabled IS
  'Whether the workflow fires; a disabled workflow keeps its next_run_at and fires again, from then on, once enabled.';
COMMENT ON COLUMN cloudcron_workflows.next_run_at IS
  'When the workflow fires next. NULL: computed by the next dispatch without firing. infinity: the schedule has no fire time left (an at() that ran). Runs missed while the dispatcher was not running are not back-filled: one fires, and the next is computed from the time it fired.';
COMMENT ON COLUMN cloudcron_workflows.schedule_error IS
  'Why the dispatcher could not evaluate schedule or timezone (NULL when it could). A row with an error is skipped until a person fixes it: changing schedule or timezone clears it.';
COMMENT ON COLUMN cloudcron_workflows.updated_at IS
  'When the row last changed (set by a trigger).';

-- Added columns go here as ALTER TABLE ... ADD COLUMN IF NOT EXISTS so the
-- file stays safe to apply to a database made by an older version.
ALTER TABLE cloudcron_workflows ADD COLUMN IF NOT EXISTS schedule_error text;
ALTER TABLE cloudcron_workflows ADD COLUMN IF NOT EXISTS updated_at timestamptz NOT NULL DEFAULT now();

CREATE TABLE IF NOT EXISTS cloudcron_executions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workflow_id text NOT NULL REFERENCES cloudcron_workflows (id) ON DELETE CASCADE,
  scheduled_for timestamptz NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  lease_until timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  CONSTRAINT cloudcron_executions_once UNIQUE (workflow_id, scheduled_for)
);

COMMENT ON TABLE cloudcron_executions IS
  'One row per run of a workflow, recorded before its message is sent (the outbox).';
COMMENT ON COLUMN cloudcron_executions.id IS
  'The execution''s id: sent as execution_id and as the FIFO MessageDeduplicationId.';
COMMENT ON COLUMN cloudcron_executions.workflow_id IS
  'The workflow that ran; its executions go when it is deleted.';
COMMENT ON COLUMN cloudcron_executions.scheduled_for IS
  'The workflow''s next_run_at that this execution fires; unique per workflow.';
COMMENT ON COLUMN cloudcron_executions.payload IS
  'The workflow''s payload when the execution was recorded; what every send of it carries.';
COMMENT ON COLUMN cloudcron_executions.created_at IS
  'When the dispatcher recorded it (the transaction''s time; next_run_at was computed from this instant, whole seconds).';
COMMENT ON COLUMN cloudcron_executions.sent_at IS
  'When SQS accepted its message; NULL until then. Every dispatch first sends the unsent rows whose lease has passed.';
COMMENT ON COLUMN cloudcron_executions.lease_until IS
  'Until when the dispatcher that took this row may still be sending it (its invocation''s deadline); no other dispatcher sends it before then. NULL when nobody is sending it.';
COMMENT ON COLUMN cloudcron_executions.attempts IS
  'How many times a dispatcher took the row to send it: 1 for a run sent at once, more after a failed send or a crash (a duplicate message is possible only for rows above 1).';
COMMENT ON COLUMN cloudcron_executions.last_error IS
  'Why the last send failed (SQS''s error code and message); NULL when none did.';

-- The due query: enabled rows without an error, NULL (to compute) first,
-- then by next_run_at; one range scan up to now().
CREATE INDEX IF NOT EXISTS cloudcron_workflows_due
  ON cloudcron_workflows ((COALESCE(next_run_at, '-infinity'::timestamptz)))
  WHERE enabled AND schedule_error IS NULL;

-- The resend query: unsent executions, oldest first.
CREATE INDEX IF NOT EXISTS cloudcron_executions_unsent
  ON cloudcron_executions (created_at)
  WHERE sent_at IS NULL;

-- Changing a schedule or zone clears its error and lets the dispatcher
-- compute the next run from the new expression; every change stamps
-- updated_at.
CREATE OR REPLACE FUNCTION cloudcron_workflows_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  IF TG_OP = 'UPDATE' AND (NEW.schedule IS DISTINCT FROM OLD.schedule
                           OR NEW.timezone IS DISTINCT FROM OLD.timezone) THEN
    NEW.schedule_error := NULL;
    IF NEW.next_run_at IS NOT DISTINCT FROM OLD.next_run_at THEN
      NEW.next_run_at := NULL;
    END IF;
  END IF;
  RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER cloudcron_workflows_touch
  BEFORE INSERT OR UPDATE ON cloudcron_workflows
  FOR EACH ROW EXECUTE FUNCTION cloudcron_workflows_touch();
