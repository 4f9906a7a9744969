/** Row types of the state database, as the StateDb class returns and takes them. */
import type { UnixSeconds } from '../core/time.ts';

export type JsonObject = Record<string, unknown>;

export interface ZoneRow {
  /** Lowercase presentation form with the trailing dot: `example.com.`. */
  readonly name: string;
  readonly input: string;
  readonly output: string;
  readonly policy: string;
  /** Zone settings and per-zone policy overrides. */
  readonly settings: JsonObject;
  readonly createdAt: UnixSeconds;
  readonly lastSerial: number | null;
  readonly lastSignedAt: UnixSeconds | null;
  readonly earliestExpiration: UnixSeconds | null;
  readonly nextWakeAt: UnixSeconds | null;
  readonly haltedReason: string | null;
}

export interface NewZone {
  name: string;
  input: string;
  output: string;
  /** Defaults to `default`. */
  policy?: string;
  settings?: JsonObject;
  createdAt: UnixSeconds;
}

/** Fields `updateZone` may change; `null` clears a nullable field. */
export type ZonePatch = Partial<Omit<ZoneRow, 'name' | 'createdAt'>>;

export interface PolicyRow {
  readonly name: string;
  readonly params: JsonObject;
  readonly updatedAt: UnixSeconds | null;
}

export type KeyRole = 'ksk' | 'zsk' | 'csk';
export type KeySource = 'generated' | 'imported';

export interface KeyTiming {
  publishedAt: UnixSeconds | null;
  activeAt: UnixSeconds | null;
  retiredAt: UnixSeconds | null;
  removedAt: UnixSeconds | null;
}

export interface KeyRow extends Readonly<KeyTiming> {
  readonly id: number;
  readonly zone: string;
  readonly role: KeyRole;
  readonly algorithm: number;
  readonly keyTag: number;
  readonly flags: number;
  /** The whole DNSKEY RDATA. */
  readonly publicKey: Uint8Array;
  /** PKCS#8 DER, encrypted PKCS#8 DER when `encrypted`. Never print it. */
  readonly privateKey: Uint8Array;
  readonly encrypted: boolean;
  readonly source: KeySource;
  readonly createdAt: UnixSeconds;
}

export interface NewKey extends Partial<KeyTiming> {
  zone: string;
  role: KeyRole;
  algorithm: number;
  keyTag: number;
  flags: number;
  publicKey: Uint8Array;
  privateKey: Uint8Array;
  encrypted: boolean;
  source: KeySource;
  createdAt: UnixSeconds;
}

export interface EventRow {
  readonly id: number;
  readonly zone: string | null;
  readonly time: UnixSeconds;
  readonly kind: string;
  readonly message: string;
  readonly details: JsonObject;
}

export interface NewEvent {
  zone: string | null;
  time: UnixSeconds;
  kind: string;
  message: string;
  details?: JsonObject;
}

export interface EventFilter {
  zone?: string;
  /** Inclusive lower bound on time. */
  since?: UnixSeconds;
  /** Inclusive upper bound on time. */
  until?: UnixSeconds;
  kind?: string;
  /** The newest `limit` events (still returned oldest first). */
  limit?: number;
}

export interface KeyFactRow {
  readonly id: number;
  readonly keyId: number;
  readonly fact: string;
  readonly time: UnixSeconds;
  /** TTLs in force when the fact was recorded (names chosen by the rollover code). */
  readonly ttls: JsonObject;
  readonly details: JsonObject;
}

export interface NewKeyFact {
  keyId: number;
  fact: string;
  time: UnixSeconds;
  ttls?: JsonObject;
  details?: JsonObject;
}

/** The rollover engine's per-zone state (schema migration 2), beside the key facts. */
export interface ZoneStateRow {
  readonly zone: string;
  /** The engine's RolloverRecord as JSON, or null. */
  readonly rollover: JsonObject | null;
  /** The engine's TtlRecord[] as JSON. */
  readonly ttlHistory: unknown[];
  readonly nextKeyNumber: number;
  readonly signedFingerprint: string | null;
  readonly postSignPending: boolean;
  readonly lastError: JsonObject | null;
  readonly updatedAt: UnixSeconds;
}

export type NewZoneState = Omit<ZoneStateRow, 'zone'>;

/** The files behind a large zone's published signed zone (schema migration 3). */
export interface PublishedFilesRow {
  /** SHA-256 (hex) of the input file's bytes; null when the input has $INCLUDE. */
  readonly inputSha256: string | null;
  readonly inputDigest: string;
  readonly maxTtl: number;
  readonly inputSerial: number;
  /** SHA-256 (hex) of the signed zone file as published. */
  readonly outputSha256: string;
  /**
   * Every RRSIG by a zone key in the published file has inception at or before
   * `signaturesValidFrom` and expiration at or after `signaturesValidUntil`
   * (absolute Unix seconds), as the safety gate read them; null when not known.
   */
  readonly signaturesValidFrom: UnixSeconds | null;
  readonly signaturesValidUntil: UnixSeconds | null;
  readonly updatedAt: UnixSeconds;
}

/** A fact to store: the key's row id, its name, time, TTLs in force and details (`source`). */
export interface KeyFactInput {
  keyId: number;
  fact: string;
  time: UnixSeconds;
  ttls: JsonObject;
  details: JsonObject;
}

export interface ParentObservationRow {
  readonly id: number;
  readonly zone: string;
  readonly time: UnixSeconds;
  readonly expect: 'present' | 'absent';
  readonly server: string;
  readonly address: string;
  readonly outcome: string;
  readonly detail: string | null;
  readonly keyIds: string[];
  readonly unknownDs: number;
  readonly ttl: number | null;
}

export type NewParentObservation = Omit<ParentObservationRow, 'id'>;
