/**
 * The state database schema as numbered migrations. `PRAGMA user_version`
 * holds the number of migrations applied; each migration runs in the same
 * transaction as the version bump, so a database is never half migrated.
 * Never edit a migration that has shipped: add a new one.
 *
 * Conventions: times are integer Unix seconds (null = not happened / not
 * set, never 0); JSON columns hold objects and are checked with json_valid;
 * zone names are lowercase presentation text with the trailing dot.
 */

/** Migration N (1-based) is MIGRATIONS[N - 1]. */
export const MIGRATIONS: readonly string[] = [
  // 1: initial schema.
  `
  CREATE TABLE policies (
    name       TEXT PRIMARY KEY,
    -- Parameters as set by the user; src/rollover/policy.ts fills in defaults.
    params     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params) AND json_type(params) = 'object'),
    updated_at INTEGER
  ) STRICT;

  -- The policy every zone gets unless told otherwise; it always exists.
  INSERT INTO policies (name, params) VALUES ('default', '{}');

  CREATE TABLE zones (
    name                TEXT PRIMARY KEY,
    input               TEXT NOT NULL,
    output              TEXT NOT NULL,
    policy              TEXT NOT NULL DEFAULT 'default' REFERENCES policies (name) ON UPDATE CASCADE ON DELETE RESTRICT,
    -- Zone settings and per-zone policy overrides (zone set NAME KEY=VALUE).
    settings            TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings) AND json_type(settings) = 'object'),
    created_at          INTEGER NOT NULL,
    last_serial         INTEGER,
    last_signed_at      INTEGER,
    -- Earliest RRSIG expiration in the last published signed zone (safety rule 4).
    earliest_expiration INTEGER,
    -- When the scheduler should next look at this zone.
    next_wake_at        INTEGER,
    -- Set when the zone is stopped by an error (e.g. unreadable key material).
    halted_reason       TEXT
  ) STRICT;

  CREATE TABLE keys (
    id           INTEGER PRIMARY KEY,
    zone         TEXT NOT NULL REFERENCES zones (name) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('ksk', 'zsk', 'csk')),
    algorithm    INTEGER NOT NULL CHECK (algorithm BETWEEN 0 AND 255),
    key_tag      INTEGER NOT NULL CHECK (key_tag BETWEEN 0 AND 65535),
    flags        INTEGER NOT NULL CHECK (flags BETWEEN 0 AND 65535),
    -- The whole DNSKEY RDATA (flags, protocol, algorithm, public key).
    public_key   BLOB NOT NULL,
    -- PKCS#8 DER; encrypted PKCS#8 (PBES2, AES-256-CBC) when encrypted = 1.
    private_key  BLOB NOT NULL,
    encrypted    INTEGER NOT NULL CHECK (encrypted IN (0, 1)),
    source       TEXT NOT NULL CHECK (source IN ('generated', 'imported')),
    created_at   INTEGER NOT NULL,
    published_at INTEGER,
    active_at    INTEGER,
    retired_at   INTEGER,
    removed_at   INTEGER,
    -- Validators find keys by tag; two keys of one zone never share one.
    UNIQUE (zone, key_tag)
  ) STRICT;

  -- The audit log. No foreign key: events outlive a removed zone.
  CREATE TABLE events (
    id      INTEGER PRIMARY KEY,
    zone    TEXT,
    time    INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    message TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
  ) STRICT;
  CREATE INDEX events_by_zone ON events (zone, time, id);
  CREATE INDEX events_by_time ON events (time, id);

  -- Rollover facts about a key (published, DS seen at the parent, ...) with
  -- the TTLs in force when each was recorded (RFC 7583 timing uses them).
  CREATE TABLE key_facts (
    id      INTEGER PRIMARY KEY,
    key_id  INTEGER NOT NULL REFERENCES keys (id) ON DELETE CASCADE,
    fact    TEXT NOT NULL,
    time    INTEGER NOT NULL,
    ttls    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(ttls)),
    details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
  ) STRICT;
  CREATE INDEX key_facts_by_key ON key_facts (key_id, time, id);
  `,
  // 2: the rollover engine's state per zone (src/rollover/state.ts ZoneState:
  // the key facts stay in key_facts, the rest lives here), the engine's id of
  // each key, and every parent DS observation (issue 3: "Record every
  // observation (server, address, time, outcome) in the database").
  `
  CREATE TABLE zone_state (
    zone               TEXT PRIMARY KEY REFERENCES zones (name) ON DELETE CASCADE,
    -- RolloverRecord (src/rollover/state.ts), or NULL when no rollover is in progress.
    rollover           TEXT CHECK (rollover IS NULL OR (json_valid(rollover) AND json_type(rollover) = 'object')),
    -- TtlRecord[]: the TTLs the zone served, each from a time on (SPEC safety rule 2).
    ttl_history        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(ttl_history) AND json_type(ttl_history) = 'array'),
    next_key_number    INTEGER NOT NULL CHECK (next_key_number >= 1),
    -- SHA-256 (hex) of what the published signed zone was made from: input data, policy, key set.
    signed_fingerprint TEXT,
    -- 1 from the moment a new signed zone is in place until its post-sign-command succeeded.
    post_sign_pending  INTEGER NOT NULL DEFAULT 0 CHECK (post_sign_pending IN (0, 1)),
    -- The latest failure of a pass over the zone ({at, code, message, action}); NULL after a clean pass.
    last_error         TEXT CHECK (last_error IS NULL OR (json_valid(last_error) AND json_type(last_error) = 'object')),
    updated_at         INTEGER NOT NULL
  ) STRICT;

  -- The rollover engine names keys by id ('k1', 'k2', ...); NULL for keys it has not adopted yet
  -- (made by \`key generate\` or \`key import\`).
  ALTER TABLE keys ADD COLUMN engine_id TEXT;
  CREATE UNIQUE INDEX keys_by_engine_id ON keys (zone, engine_id) WHERE engine_id IS NOT NULL;

  -- One row per parent server asked during a DS gate. No foreign key: the audit outlives the zone.
  CREATE TABLE parent_observations (
    id         INTEGER PRIMARY KEY,
    zone       TEXT NOT NULL,
    time       INTEGER NOT NULL,
    expect     TEXT NOT NULL CHECK (expect IN ('present', 'absent')),
    server     TEXT NOT NULL,
    address    TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    detail     TEXT,
    -- Engine ids of our keys whose DS the server answered.
    key_ids    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(key_ids) AND json_type(key_ids) = 'array'),
    unknown_ds INTEGER NOT NULL DEFAULT 0,
    ttl        INTEGER
  ) STRICT;
  CREATE INDEX parent_observations_by_zone ON parent_observations (zone, time, id);
  `,

  // 3: the files behind the published signed zone of a large zone (streaming signer), so that a
  // re-sign can tell, without reading them through, that the input is the one it was made from and
  // that the output is still the file signet published (only then is it patched).
  `
  CREATE TABLE published_files (
    zone          TEXT PRIMARY KEY REFERENCES zones (name) ON DELETE CASCADE,
    -- SHA-256 (hex) of the input file's bytes; NULL when the input has $INCLUDE (the bytes are not all of it).
    input_sha256  TEXT,
    -- What that input gave: its data digest (the signing fingerprint's input), largest TTL, SOA serial.
    input_digest  TEXT NOT NULL,
    max_ttl       INTEGER NOT NULL,
    input_serial  INTEGER NOT NULL,
    -- SHA-256 (hex) of the signed zone file as published.
    output_sha256 TEXT NOT NULL,
    updated_at    INTEGER NOT NULL
  ) STRICT;
  `,

  // 4: the window in which every RRSIG (by a zone key) of the published file is valid, as the safety
  // gate read it: a re-sign copies the lines it finds unchanged without reading each signature's times
  // again when now is inside it. NULL = not known (the next gate reads every line).
  `
  ALTER TABLE published_files ADD COLUMN signatures_valid_from INTEGER;
  ALTER TABLE published_files ADD COLUMN signatures_valid_until INTEGER;
  `,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;
