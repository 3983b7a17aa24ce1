-- The archive in PostgreSQL, schema version 1: created by `issue --init` (or `archive copy`)
-- in one transaction. Every table is insert-only: triggers refuse UPDATE, DELETE and
-- TRUNCATE, and the creating role gives up those privileges, so neither a bug nor the
-- application's credentials can change an issued record.

CREATE SCHEMA invoicesmith;

CREATE TABLE invoicesmith.schema_version (version integer PRIMARY KEY);
INSERT INTO invoicesmith.schema_version VALUES (1);

-- One row, locked FOR UPDATE by every transaction that appends: the register is one hash
-- chain, so its appends are one queue.
CREATE TABLE invoicesmith.archive (id boolean PRIMARY KEY DEFAULT true CHECK (id));
INSERT INTO invoicesmith.archive DEFAULT VALUES;

-- The register: each line's exact JSON text (what is hashed) and, for the constraints, the
-- columns a trigger checks against that text.
CREATE TABLE invoicesmith.register (
    line bigint PRIMARY KEY CHECK (line >= 1),
    number text NOT NULL UNIQUE,
    kind text NOT NULL,
    series text NOT NULL,
    year integer NOT NULL,
    seq bigint NOT NULL CHECK (seq >= 1),
    -- No two lines follow the same line: the chain cannot fork.
    prev bytea UNIQUE NULLS NOT DISTINCT,
    hash bytea NOT NULL UNIQUE,
    text text NOT NULL,
    UNIQUE (series, year, seq)
);

-- Which document each transaction is on. A transaction is invoiced (or credited) once; only
-- a correction (a cancelling credit note, a replacement invoice) names it again.
CREATE TABLE invoicesmith.invoiced (
    kind text NOT NULL,
    transaction_id text NOT NULL,
    line bigint NOT NULL,
    correction boolean NOT NULL
);
CREATE UNIQUE INDEX invoiced_once ON invoicesmith.invoiced (kind, transaction_id) WHERE NOT correction;

-- The files a folder archive would hold, by the same archive-relative path: documents (with
-- the register line that names them), company snapshots and seller.json (without).
CREATE TABLE invoicesmith.files (
    path text PRIMARY KEY,
    line bigint,
    bytes bytea NOT NULL
);
-- PDFs are compressed already; storing without compression keeps issuing fast.
ALTER TABLE invoicesmith.files ALTER COLUMN bytes SET STORAGE EXTERNAL;

-- The checkpoints: each line's exact JSON text, as checkpoints.jsonl holds it.
CREATE TABLE invoicesmith.checkpoints (
    n bigint PRIMARY KEY CHECK (n >= 1),
    hash bytea NOT NULL UNIQUE,
    text text NOT NULL
);

CREATE FUNCTION invoicesmith.write_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'invoicesmith: % on %.% refused: the archive is write-once', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER write_once BEFORE UPDATE OR DELETE ON invoicesmith.schema_version FOR EACH ROW EXECUTE FUNCTION invoicesmith.write_once();
CREATE TRIGGER write_once BEFORE UPDATE OR DELETE ON invoicesmith.archive FOR EACH ROW EXECUTE FUNCTION invoicesmith.write_once();
CREATE TRIGGER write_once BEFORE UPDATE OR DELETE ON invoicesmith.register FOR EACH ROW EXECUTE FUNCTION invoicesmith.write_once();
CREATE TRIGGER write_once BEFORE UPDATE OR DELETE ON invoicesmith.invoiced FOR EACH ROW EXECUTE FUNCTION invoicesmith.write_once();
CREATE TRIGGER write_once BEFORE UPDATE OR DELETE ON invoicesmith.files FOR EACH ROW EXECUTE FUNCTION invoicesmith.write_once();
CREATE TRIGGER write_once BEFORE UPDATE OR DELETE ON invoicesmith.checkpoints FOR EACH ROW EXECUTE FUNCTION invoicesmith.write_once();
CREATE TRIGGER write_once_truncate BEFORE TRUNCATE ON invoicesmith.schema_version FOR EACH STATEMENT EXECUTE FUNCTION invoicesmith.write_once();
CREATE TRIGGER write_once_truncate BEFORE TRUNCATE ON invoicesmith.archive FOR EACH STATEMENT EXECUTE FUNCTION invoicesmith.write_once();
CREATE TRIGGER write_once_truncate BEFORE TRUNCATE ON invoicesmith.register FOR EACH STATEMENT EXECUTE FUNCTION invoicesmith.write_once();
CREATE TRIGGER write_once_truncate BEFORE TRUNCATE ON invoicesmith.invoiced FOR EACH STATEMENT EXECUTE FUNCTION invoicesmith.write_once();
CREATE TRIGGER write_once_truncate BEFORE TRUNCATE ON invoicesmith.files FOR EACH STATEMENT EXECUTE FUNCTION invoicesmith.write_once();
CREATE TRIGGER write_once_truncate BEFORE TRUNCATE ON invoicesmith.checkpoints FOR EACH STATEMENT EXECUTE FUNCTION invoicesmith.write_once();

-- A register line is taken only as the next link of the chain, with the next number of its
-- series and year, and with columns that say what its text says.
CREATE FUNCTION invoicesmith.register_follows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    doc jsonb := NEW.text::jsonb;
    before bytea;
BEGIN
    IF NEW.hash IS DISTINCT FROM sha256(convert_to(NEW.text, 'UTF8')) THEN
        RAISE EXCEPTION 'register line %: its hash is not the SHA-256 of its text', NEW.line;
    END IF;
    IF NEW.number IS DISTINCT FROM doc->>'number' OR NEW.kind IS DISTINCT FROM doc->>'kind'
        OR NEW.series IS DISTINCT FROM doc->>'series' OR NEW.year IS DISTINCT FROM (doc->>'year')::integer
        OR NEW.seq IS DISTINCT FROM (doc->>'seq')::bigint
        OR encode(NEW.prev, 'hex') IS DISTINCT FROM nullif(doc->>'prev', '') THEN
        RAISE EXCEPTION 'register line %: its columns differ from its text', NEW.line;
    END IF;
    SELECT r.hash INTO before FROM invoicesmith.register r WHERE r.line = NEW.line - 1;
    IF NEW.prev IS DISTINCT FROM before OR (NEW.line > 1 AND before IS NULL) THEN
        RAISE EXCEPTION 'register line % does not follow line % (hash chain)', NEW.line, NEW.line - 1;
    END IF;
    IF NEW.seq > 1 AND NOT EXISTS (
        SELECT 1 FROM invoicesmith.register r WHERE r.series = NEW.series AND r.year = NEW.year AND r.seq = NEW.seq - 1
    ) THEN
        RAISE EXCEPTION '%: number % of its series and year follows no number % (numbers are gap-free)', NEW.number, NEW.seq, NEW.seq - 1;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER follows BEFORE INSERT ON invoicesmith.register FOR EACH ROW EXECUTE FUNCTION invoicesmith.register_follows();

CREATE FUNCTION invoicesmith.checkpoint_follows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    before bytea;
BEGIN
    IF NEW.hash IS DISTINCT FROM sha256(convert_to(NEW.text, 'UTF8')) THEN
        RAISE EXCEPTION 'checkpoint %: its hash is not the SHA-256 of its text', NEW.n;
    END IF;
    SELECT c.hash INTO before FROM invoicesmith.checkpoints c WHERE c.n = NEW.n - 1;
    IF encode(before, 'hex') IS DISTINCT FROM nullif(NEW.text::jsonb->>'prev', '') OR (NEW.n > 1 AND before IS NULL) THEN
        RAISE EXCEPTION 'checkpoint % does not follow checkpoint % (hash chain)', NEW.n, NEW.n - 1;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER follows BEFORE INSERT ON invoicesmith.checkpoints FOR EACH ROW EXECUTE FUNCTION invoicesmith.checkpoint_follows();

-- Rows that name a register line name one that exists. (A trigger, not a foreign key: the
-- key's check locks the line FOR KEY SHARE, which takes an UPDATE privilege the issuing role
-- does not have; register lines are never removed, so existence once is existence for good.)
CREATE FUNCTION invoicesmith.names_a_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.line IS NOT NULL AND NOT EXISTS (SELECT 1 FROM invoicesmith.register r WHERE r.line = NEW.line) THEN
        RAISE EXCEPTION '%: names register line %, which does not exist', TG_TABLE_NAME, NEW.line;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER names_a_line BEFORE INSERT ON invoicesmith.invoiced FOR EACH ROW EXECUTE FUNCTION invoicesmith.names_a_line();
CREATE TRIGGER names_a_line BEFORE INSERT ON invoicesmith.files FOR EACH ROW EXECUTE FUNCTION invoicesmith.names_a_line();

-- The role that creates the archive keeps only what issuing needs. (UPDATE on the one-row
-- archive table is what SELECT … FOR UPDATE requires; its trigger refuses a real UPDATE.)
-- Let an administrator own the schema and grant the issuing role SELECT and INSERT (and
-- UPDATE on invoicesmith.archive) for a role that cannot grant itself more.
REVOKE ALL ON ALL TABLES IN SCHEMA invoicesmith FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA invoicesmith FROM CURRENT_USER;
GRANT UPDATE ON invoicesmith.archive TO CURRENT_USER;
