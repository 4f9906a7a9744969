/**
 * The shell around the pure signer: the zone's input and the keys that the
 * rollover state's facts select at `now` (zoneKeySet) in, a signed zone out.
 * planSigning and signingParameters serve both signers; the streaming one
 * is in sign-large-zone.ts.
 *
 * Three parts, so that `tick` can put other work between them:
 *   buildSignedZone    sign in memory (nothing written);
 *   publishSignedZone  write the output atomically (temporary file, fsync,
 *                      rename): the previous file stays until the new one is
 *                      complete. A safety gate (verify before publish) goes here;
 *   recordSigned       the database side (serial, times, event), inside the
 *                      caller's transaction.
 * sign-and-publish.ts chains them (`sign`, `tick`). A failure at any step
 * leaves the previous output and the database as they were.
 */
import { createHash } from 'node:crypto';
import { SignetError } from '../core/errors.ts';
import type { UnixSeconds } from '../core/time.ts';
import { fromHex } from '../core/bytes.ts';
import { Name } from '../zone/name.ts';
import type { Finding } from '../verify/finding.ts';
import { verifyForPublication } from '../verify/verify-zone.ts';
import { signZone, type ActiveKey, type DenialOptions, type SignedZone } from '../signer/sign-zone.ts';
import { nextSerial } from '../signer/serial.ts';
import { hashedJitter } from '../signer/validity.ts';
import type { DsDigestType } from '../signer/ds.ts';
import { loadSigningKey } from '../keystore/private-key.ts';
import type { StateDb } from '../keystore/state-db.ts';
import type { KeyRow, PublishedFilesRow, ZoneRow } from '../keystore/types.ts';
import { zoneKeySet } from '../rollover/key-state.ts';
import type { Policy } from '../rollover/policy.ts';
import type { ZoneState } from '../rollover/state.ts';
import { cdsRecordsFor, type CdsRecords } from '../registrar/cds.ts';
import { writeSignedZone } from './signed-zone-file.ts';
import { selectSigningKeys, type SigningSelection } from './key-selection.ts';
import type { ZoneInput } from './rollover-input.ts';

/** The key fields signing needs (a stored row). */
export type KeyMaterial = Pick<KeyRow, 'role' | 'algorithm' | 'flags' | 'keyTag' | 'publicKey' | 'privateKey' | 'encrypted'>;

/** A signed zone made and ready to publish, from either signer: what the database records of it. */
export interface SignOutcome {
  zone: ZoneRow;
  serial: number;
  /** RRSIG records in the signed zone, and how many of them this run made (the rest were kept). */
  signatures: number;
  created: number;
  rrsets: number;
  /** Which signer made it: in memory (small zones), streaming (large ones), or by patching the previous output. */
  method: 'in-memory' | 'streaming' | 'patched';
  /** For a large zone, the files behind the published output (published_files); null otherwise. */
  files: PublishedFilesRow | null;
  /** What the zone was made from (see signingFingerprint); stored to know when to sign again. */
  fingerprint: string;
  earliestExpiration: UnixSeconds;
  warnings: string[];
  /** Key tags by use, for messages: "published 12345, 23456; signing 12345 (KSK), 23456 (ZSK)". */
  keySummary: string;
}

/** The in-memory signer's result. */
export interface SignedZoneBuild extends SignOutcome {
  signed: SignedZone;
}

/**
 * A digest of everything the signed zone depends on except the time: the
 * input data, the signing parameters of the policy and the key set. When it
 * differs from the one stored with the published zone, the zone is signed again.
 */
export function signingFingerprint(policy: Policy, inputDigest: string, keys: { dnskeys: number[]; ksk: number[]; zsk: number[]; ds: number[] }): string {
  const relevant = {
    input: inputDigest,
    dnskeyTtl: policy.dnskeyTtl, validity: policy.signatureValidity, refresh: policy.signatureRefresh, jitter: policy.signatureJitter,
    inceptionOffset: policy.inceptionOffset, denial: policy.denial, iterations: policy.nsec3Iterations, salt: policy.nsec3Salt,
    optOut: policy.nsec3OptOut, serial: policy.serial, cds: policy.registrar === 'cds', dsDigest: policy.dsDigest, keys,
  };
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex');
}

/** Which keys sign and what the signed zone is made from, without signing. */
export interface SigningPlan {
  selection: SigningSelection<KeyMaterial>;
  cds: CdsRecords | null;
  fingerprint: string;
  keySummary: string;
}

/** What a signing is planned from. */
export interface SigningInputs {
  zone: ZoneRow;
  policy: Policy;
  input: ZoneInput;
  state: ZoneState;
  now: UnixSeconds;
  rowOf: (engineId: string) => KeyMaterial;
}

export function planSigning(o: SigningInputs): SigningPlan {
  const { policy } = o;
  const selection = selectSigningKeys(zoneKeySet(o.state, o.now), o.rowOf);
  // RFC 7344 §4: with the `cds` registrar the zone itself asks the parent for exactly the DS it should hold.
  const cds = policy.registrar === 'cds' && selection.dsKeys.length > 0
    ? cdsRecordsFor(Name.parse(o.zone.name), selection.dsKeys.map((k) => k.publicKey), [policy.dsDigest as DsDigestType])
    : null;
  const tags = (rows: readonly KeyMaterial[]) => rows.map((r) => r.keyTag).sort((a, b) => a - b);
  const fingerprint = signingFingerprint(policy, o.input.digest, {
    dnskeys: tags([...selection.signers.map((s) => s.row), ...selection.publishedOnly]),
    ksk: tags(selection.signers.filter((s) => s.signs !== 'zsk').map((s) => s.row)),
    zsk: tags(selection.signers.filter((s) => s.signs !== 'ksk').map((s) => s.row)),
    ds: cds ? tags(selection.dsKeys) : [],
  });
  const label = (r: KeyMaterial) => `${r.keyTag} (${r.role.toUpperCase()})`;
  const keySummary = `signing with ${selection.signers.map((s) => label(s.row)).join(', ') || 'no key'}`
    + (selection.publishedOnly.length > 0 ? `; also published ${selection.publishedOnly.map(label).join(', ')}` : '')
    + (cds ? `; CDS/CDNSKEY for ${selection.dsKeys.map((k) => k.keyTag).join(', ')}` : '');
  return { selection, cds, fingerprint, keySummary };
}

/** The signing parameters of the policy, as both signers take them. */
export function signingParameters(zone: ZoneRow, policy: Policy, now: UnixSeconds): {
  dnskeyTtl: number; validity: number; inceptionOffset: number; jitter: number; jitterSeed: string; denial: DenialOptions;
} {
  const salt = fromHex(policy.nsec3Salt);
  if (salt === null) throw new SignetError('ERR_POLICY_BAD_VALUE', `bad nsec3-salt "${policy.nsec3Salt}"`);
  return {
    dnskeyTtl: policy.dnskeyTtl,
    validity: policy.signatureValidity,
    inceptionOffset: policy.inceptionOffset,
    jitter: policy.signatureJitter,
    // Both signers spread expirations with hashedJitter of this seed: the same zone at the same time gets the same signatures' times.
    jitterSeed: `${zone.name}|${now}`,
    denial: policy.denial === 'nsec'
      ? { kind: 'nsec' }
      : { kind: 'nsec3', iterations: policy.nsec3Iterations, salt, optOut: policy.nsec3OptOut },
  };
}

/** The plan, refusing a zone with no key to sign with. */
export function requireSigners(o: SigningInputs): SigningPlan {
  const plan = planSigning(o);
  if (plan.selection.signers.length === 0) {
    throw new SignetError('ERR_NO_ACTIVE_KEYS', `zone ${o.zone.name} has no active key at this time (see: signet rollover status ${o.zone.name})`);
  }
  return plan;
}

/** Signs the input with the keys the state selects at `now`. Pure but for reading keys through `rowOf`. */
export function buildSignedZone(o: SigningInputs & { passphrase: string | null }): SignedZoneBuild {
  const { zone, policy, input, now } = o;
  if (input.zone === null) throw new SignetError('ERR_INTERNAL', `zone ${zone.name}: the in-memory signer needs the parsed zone`);
  const { selection, cds, fingerprint, keySummary } = requireSigners(o);
  // SPEC safety rule 3: missing or unreadable key material stops the zone; nothing is regenerated.
  const keys: ActiveKey[] = selection.signers.map(({ row, signs }) => ({ key: loadSigningKey(row, o.passphrase), signs }));
  const publishedOnly = selection.publishedOnly.map((k) => k.publicKey);

  const serial = nextSerial({ scheme: policy.serial, inputSerial: input.serial, lastSerial: zone.lastSerial, now });
  const { jitterSeed, ...parameters } = signingParameters(zone, policy, now);
  const signed = signZone(input.zone, {
    now,
    keys,
    publishedOnly,
    ...parameters,
    random: hashedJitter(jitterSeed),
    serial,
    ...(cds ? { cds: cds.cds, cdnskey: cds.cdnskey } : {}),
  });
  return {
    zone, signed, serial, fingerprint, keySummary,
    signatures: signed.stats.signatures,
    created: signed.stats.signaturesCreated,
    method: 'in-memory',
    files: null,
    rrsets: signed.stats.rrsetsSigned,
    earliestExpiration: signed.stats.earliestExpiration,
    warnings: [...input.warnings, ...signed.warnings.map((w) => w.message)],
  };
}

const GATE_FULL_SIGNATURES = 20_000;
const GATE_SAMPLE = 0.05;

/**
 * The safety gate (SPEC safety rule 1): the new signed zone is verified as a
 * validator would see it at `now`; one that fails is never written, so the
 * previous output stays in place.
 */
export function checkBeforePublishing(build: SignedZoneBuild, now: UnixSeconds): void {
  // Every check but the cryptographic one runs on the whole zone. Signatures
  // are all verified up to GATE_FULL_SIGNATURES; above that a sample (and the
  // first RRset of every type, and every DNSKEY/CDS/CDNSKEY signature), so
  // that the gate costs a fraction of the signing (ECDSA verifies at about
  // half the speed it signs).
  const total = build.signed.stats.signatures;
  const sample = total <= GATE_FULL_SIGNATURES ? 1 : Math.max(GATE_SAMPLE, GATE_FULL_SIGNATURES / total);
  refuseOnProblems(build, verifyForPublication(build.signed, { now, sample }));
}

/** The safety gate refused a new signed zone (ERR_SAFETY_GATE); `serial` is the refused zone's. */
export class PublishRefusedError extends SignetError {
  readonly serial: number;
  constructor(serial: number, message: string) {
    super('ERR_SAFETY_GATE', message);
    this.serial = serial;
  }
}

/** The gate's verdict: ERR_SAFETY_GATE naming the first problems when there are critical findings. */
export function refuseOnProblems(build: Pick<SignOutcome, 'zone' | 'serial'>, findings: readonly Finding[]): void {
  const problems = findings.filter((f) => f.severity === 'critical');
  if (problems.length === 0) return;
  const shown = problems.slice(0, 5).map((f) => `${f.code}${f.owner === null ? '' : ` ${f.owner}`}${f.type === null ? '' : ` ${f.type}`}: ${f.message}`);
  throw new PublishRefusedError(build.serial,
    `refusing to publish ${build.zone.name} serial ${build.serial}: the new signed zone fails verification (${problems.length} problem${problems.length === 1 ? '' : 's'}); the previous ${build.zone.output} stays in place:\n  ${shown.join('\n  ')}`);
}

/** Verifies the signed zone (the safety gate), then puts it in place of the previous one, atomically. */
export function publishSignedZone(build: SignedZoneBuild, now: UnixSeconds): void {
  checkBeforePublishing(build, now);
  writeSignedZone(build.zone.output, build.signed);
}

/** The database side of a published signed zone; call inside the caller's transaction. */
export function recordSigned(db: StateDb, build: SignOutcome, now: UnixSeconds, reason: string): void {
  const { zone } = build;
  db.updateZone(zone.name, { lastSerial: build.serial, lastSignedAt: now, earliestExpiration: build.earliestExpiration });
  db.setPublishedFiles(zone.name, build.files);
  db.addEvent({
    zone: zone.name, time: now, kind: 'signed',
    message: `signed serial ${build.serial} (${reason}): ${build.signatures} signatures over ${build.rrsets} RRsets into ${zone.output} (${build.method}, ${build.created} made); ${build.keySummary}`,
    details: { serial: build.serial, output: zone.output, signatures: build.signatures, made: build.created, method: build.method, reason },
  });
}
