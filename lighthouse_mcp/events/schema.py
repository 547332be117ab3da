"""The SQLite schema of the event store."""

SCHEMA_VERSION = "1"

# Added to stores of schema 1 when they are first opened (every new store has them): the chain head, like the
# events, only moves forward and only to an event that exists.
HEAD_GUARDS = """
CREATE TRIGGER IF NOT EXISTS chain_head_no_delete BEFORE DELETE ON chain_head
  BEGIN SELECT RAISE(ABORT, 'chain_head is moved by appends only'); END;
CREATE TRIGGER IF NOT EXISTS chain_head_forward BEFORE UPDATE ON chain_head
  WHEN NEW.seq < OLD.seq OR NOT EXISTS (SELECT 1 FROM events WHERE seq = NEW.seq AND mac = NEW.mac)
  BEGIN SELECT RAISE(ABORT, 'chain_head only moves forward, to an event that exists'); END;
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS events(
  seq       INTEGER PRIMARY KEY,  -- chain_head.seq + 1, assigned under the write lock; never reused
  id        TEXT    NOT NULL UNIQUE,
  ts        INTEGER NOT NULL,     -- UTC nanoseconds, non-decreasing with seq
  type      TEXT    NOT NULL,
  agent     TEXT,
  session   TEXT,
  aggregate TEXT,
  payload   TEXT    NOT NULL,     -- canonical JSON
  mac       BLOB    NOT NULL,
  -- 'validation' for 'validation.decided': type filters are prefixes, and this keeps their pages index-ordered
  family    TEXT GENERATED ALWAYS AS (substr(type, 1, instr(type || '.', '.') - 1)) VIRTUAL
);
-- Time bounds need no index: ts never decreases along seq, so they are found by binary search on seq.
CREATE INDEX IF NOT EXISTS events_family    ON events(family, seq);
CREATE INDEX IF NOT EXISTS events_agent     ON events(agent, seq);
CREATE INDEX IF NOT EXISTS events_session   ON events(session, seq);
CREATE INDEX IF NOT EXISTS events_aggregate ON events(aggregate, seq);

CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events is append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events is append-only'); END;

-- The newest event's seq, mac and ts, updated in the same transaction as every append.
CREATE TABLE IF NOT EXISTS chain_head(
  id  INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  mac BLOB    NOT NULL,
  ts  INTEGER NOT NULL
);
INSERT OR IGNORE INTO chain_head(id, seq, mac, ts) VALUES (1, 0, zeroblob(32), 0);


CREATE TABLE IF NOT EXISTS blobs(
  sha256 TEXT PRIMARY KEY,
  size   INTEGER NOT NULL,
  data   BLOB    NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS blobs_no_update BEFORE UPDATE ON blobs
  BEGIN SELECT RAISE(ABORT, 'blobs is append-only'); END;
CREATE TRIGGER IF NOT EXISTS blobs_no_delete BEFORE DELETE ON blobs
  BEGIN SELECT RAISE(ABORT, 'blobs is append-only'); END;

-- (chain_head's own guards: HEAD_GUARDS)

-- Derived projection states; a cache that can be dropped and rebuilt from events at any time.
CREATE TABLE IF NOT EXISTS snapshots(
  name    TEXT    NOT NULL,
  version TEXT    NOT NULL,
  seq     INTEGER NOT NULL,
  state   TEXT    NOT NULL,
  mac     BLOB    NOT NULL,
  PRIMARY KEY (name, version, seq)
) WITHOUT ROWID;
"""
