/**
 * The shell around the pure signer: the zone's input and the keys that the
 * rollover state's facts select at `now` (zoneKeySet) in, a signed zone out.
 *
 * Three parts, so that `tick` can put other work between them:
 *   buildSignedZone    sign in memory (nothing written);
 *   publishSignedZone  write the output atomically (temporary file, fsync,
 *                      rename): the previous file stays until the new one is
 *                      complete. A safety gate (verify before publish) goes here;
 *   recordSigned       the database side (serial, times, event), inside the
 *                      caller's transaction.
 * `signZoneToFile` (the `sign` command) chains them. A failure at any step
 * leaves the previous output and the database as they were.
 */
import { createHash } from 'node:crypto';
import { SignetError } from '../core/errors.ts';
import type { UnixSeconds } from '../core/time.ts';
import { fromHex } from '../core/bytes.ts';
import { Name } from '../zone/name.ts';
import { RRType } from '../zone/types.ts';
import { verifyForPublication } from '../verify/verify-zone.ts';
import type { Zone } from '../zone/zone.ts';
import { signZone, type ActiveKey, type SignedZone } from '../signer/sign-zone.ts';
import { nextSerial } from '../signer/serial.ts';
import { hashedJitter } from '../signer/validity.ts';
import type { DsDigestType } from '../signer/ds.ts';
import { loadSigningKey } from '../keystore/private-key.ts';
import type { StateDb } from '../keystore/state-db.ts';
import type { KeyRow, ZoneRow } from '../keystore/types.ts';
import { step } from '../rollover/engine.ts';
import { zoneKeySet } from '../rollover/key-state.ts';
import type { Policy } from '../rollover/policy.ts';
import { inUseKeys } from '../rollover/status.ts';
import type { ZoneState } from '../rollover/state.ts';
import { cdsRecordsFor, type CdsRecords } from '../registrar/cds.ts';
import { writeSignedZone } from './signed-zone-file.ts';
import { selectSigningKeys, type SigningSelection } from './key-selection.ts';
import { acquireLock } from './lock.ts';
import { loadZoneInput, type ZoneInput } from './rollover-input.ts';
import { loadZoneState, noteServedTtls, saveZoneState } from './rollover-store.ts';
import { effectivePolicy } from './zone-config.ts';

export interface SignResult {
  zone: string;
  output: string;
  serial: number;
  signatures: number;
  rrsets: number;
  earliestExpiration: UnixSeconds | null;
  warnings: string[];
}

/** The key fields signing needs (a stored row). */
export type KeyMaterial = Pick<KeyRow, 'role' | 'algorithm' | 'flags' | 'keyTag' | 'publicKey' | 'privateKey' | 'encrypted'>;

export interface SignedZoneBuild {
  zone: ZoneRow;
  signed: SignedZone;
  serial: number;
  /** What the zone was made from (see signingFingerprint); stored to know when to sign again. */
  fingerprint: string;
  earliestExpiration: UnixSeconds;
  warnings: string[];
  /** Key tags by use, for messages: "published 12345, 23456; signing 12345 (KSK), 23456 (ZSK)". */
  keySummary: string;
}

/** SOA serial of the input (the SOA RDATA holds it after the two names). */
function soaSerial(input: Zone): number {
  const soa = input.rrsets.find((r) => r.type === RRType.SOA);
  const rdata = soa?.rdatas[0];
  if (!rdata) throw new SignetError('ERR_ZONE_NO_SOA', 'the zone has no SOA record');
  let off = Name.fromWire(rdata, 0).end;
  off = Name.fromWire(rdata, off).end;
  return new DataView(rdata.buffer, rdata.byteOffset, rdata.byteLength).getUint32(off);
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

/** Signs the input with the keys the state selects at `now`. Pure but for reading keys through `rowOf`. */
export function buildSignedZone(o: SigningInputs & { passphrase: string | null }): SignedZoneBuild {
  const { zone, policy, input, now } = o;
  const { selection, cds, fingerprint, keySummary } = planSigning(o);
  if (selection.signers.length === 0) {
    throw new SignetError('ERR_NO_ACTIVE_KEYS', `zone ${zone.name} has no active key at this time (see: signet rollover status ${zone.name})`);
  }
  // SPEC safety rule 3: missing or unreadable key material stops the zone; nothing is regenerated.
  const keys: ActiveKey[] = selection.signers.map(({ row, signs }) => ({ key: loadSigningKey(row, o.passphrase), signs }));
  const publishedOnly = selection.publishedOnly.map((k) => k.publicKey);

  const serial = nextSerial({ scheme: policy.serial, inputSerial: soaSerial(input.zone), lastSerial: zone.lastSerial, now });
  const salt = fromHex(policy.nsec3Salt);
  if (salt === null) throw new SignetError('ERR_POLICY_BAD_VALUE', `bad nsec3-salt "${policy.nsec3Salt}"`);
  const signed = signZone(input.zone, {
    now,
    keys,
    publishedOnly,
    dnskeyTtl: policy.dnskeyTtl,
    validity: policy.signatureValidity,
    inceptionOffset: policy.inceptionOffset,
    jitter: policy.signatureJitter,
    random: hashedJitter(`${zone.name}|${now}`),
    denial: policy.denial === 'nsec'
      ? { kind: 'nsec' }
      : { kind: 'nsec3', iterations: policy.nsec3Iterations, salt, optOut: policy.nsec3OptOut },
    serial,
    ...(cds ? { cds: cds.cds, cdnskey: cds.cdnskey } : {}),
  });
  return {
    zone, signed, serial, fingerprint, keySummary,
    earliestExpiration: signed.stats.earliestExpiration,
    warnings: [...input.zone.warnings.map((w) => (w.position ? `${w.position.file}:${w.position.line}: ${w.message}` : w.message)), ...signed.warnings.map((w) => w.message)],
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
  const problems = verifyForPublication(build.signed, { now, sample });
  if (problems.length === 0) return;
  const shown = problems.slice(0, 5).map((f) => `${f.code}${f.owner === null ? '' : ` ${f.owner}`}${f.type === null ? '' : ` ${f.type}`}: ${f.message}`);
  throw new SignetError('ERR_SAFETY_GATE',
    `refusing to publish ${build.zone.name} serial ${build.serial}: the new signed zone fails verification (${problems.length} problem${problems.length === 1 ? '' : 's'}); the previous ${build.zone.output} stays in place:\n  ${shown.join('\n  ')}`);
}

/** Verifies the signed zone (the safety gate), then puts it in place of the previous one, atomically. */
export function publishSignedZone(build: SignedZoneBuild, now: UnixSeconds): void {
  checkBeforePublishing(build, now);
  writeSignedZone(build.zone.output, build.signed);
}

/** The database side of a published signed zone; call inside the caller's transaction. */
export function recordSigned(db: StateDb, build: SignedZoneBuild, now: UnixSeconds, reason: string): void {
  const { zone, signed } = build;
  db.updateZone(zone.name, { lastSerial: build.serial, lastSignedAt: now, earliestExpiration: build.earliestExpiration });
  db.addEvent({
    zone: zone.name, time: now, kind: 'signed',
    message: `signed serial ${build.serial} (${reason}): ${signed.stats.signatures} signatures over ${signed.stats.rrsetsSigned} RRsets into ${zone.output}; ${build.keySummary}`,
    details: { serial: build.serial, output: zone.output, signatures: signed.stats.signatures, reason },
  });
}

function resultOf(build: SignedZoneBuild): SignResult {
  return {
    zone: build.zone.name,
    output: build.zone.output,
    serial: build.serial,
    signatures: build.signed.stats.signatures,
    rrsets: build.signed.stats.rrsetsSigned,
    earliestExpiration: build.earliestExpiration,
    warnings: build.warnings,
  };
}

/**
 * `signet sign`: signs `zone` at `now` into its output with the key set the
 * rollover state gives. A zone whose keys have never been used takes the
 * first step of its first signing here (the engine records its keys as
 * published and active now); otherwise no rollover step is taken (that is
 * `tick`'s work), but the TTLs the new zone serves are recorded, so that no
 * later wait is computed from a TTL lower than one a cache may hold.
 */
export async function signZoneToFile(
  db: StateDb, zone: ZoneRow, now: UnixSeconds, passphrase: string | null,
  options: {
    /** Test hook: changes the signed zone before the safety gate sees it (to show the gate refuses). */
    beforePublish?: (signed: SignedZone) => void;
  } = {},
): Promise<SignResult> {
  const lock = await acquireLock(db.path, { waitMs: 10_000, what: `sign ${zone.name}` });
  try {
    const current = db.requireZone(zone.name);
    const policy: Policy = effectivePolicy(db, current);
    const input = await loadZoneInput(current);
    const loaded = loadZoneState(db, current, policy);
    let state = loaded.state;
    const events: Array<{ kind: string; message: string; details: Record<string, unknown> }> = [];
    if (inUseKeys(state, now).length === 0) {
      const result = step(state, policy, now, [{ kind: 'zone-ttls', maxZoneTtl: input.maxTtl }]);
      if (result.actions.some((a) => a.type === 'generate-key')) {
        throw new SignetError('ERR_NO_ACTIVE_KEYS',
          `zone ${current.name} has no keys for its first signing (generate them with \`signet key generate\`, import them with \`signet key import\`, or let \`signet tick\` make them)`);
      }
      state = result.state;
      for (const a of result.actions) {
        if (a.type === 'notify') events.push({ kind: a.event, message: a.message, details: { rollover: a.rollover, step: a.step } });
      }
    } else {
      state = noteServedTtls(state, policy, now, input.maxTtl);
    }
    const rowOf = (id: string): KeyRow => {
      const row = loaded.rows.get(id);
      if (!row) throw new SignetError('ERR_KEY_MATERIAL_MISSING', `zone ${current.name}: key ${id} has no stored key material`);
      return row;
    };
    const build = buildSignedZone({ zone: current, policy, input, state, now, rowOf, passphrase });
    options.beforePublish?.(build.signed);
    try {
      publishSignedZone(build, now);
    } catch (e) {
      if (e instanceof SignetError && e.code === 'ERR_SAFETY_GATE') {
        db.addEvent({ zone: current.name, time: now, kind: 'publish-refused', message: e.message, details: { serial: build.serial } });
      }
      throw e;
    }
    db.transaction(() => {
      for (const e of events) db.addEvent({ zone: current.name, time: now, ...e });
      recordSigned(db, build, now, 'sign command');
      saveZoneState(db, state, loaded.rows, {
        signedFingerprint: build.fingerprint,
        // The command's caller reloads what it needs; tick runs the post-sign command for zones it signs.
        postSignPending: loaded.postSignPending,
        lastError: loaded.lastError,
      }, now);
    });
    return resultOf(build);
  } finally {
    lock?.release();
  }
}
