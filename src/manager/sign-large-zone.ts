/**
 * Large zones (their input loaded in compact form: rollover-input.ts) are
 * signed by the streaming signer over worker threads
 * (src/signer/parallel/sign-file.ts) instead of the in-memory one:
 *
 *   stageSignedZoneFile   sign into a staged file beside the output, keeping
 *                         the previous output's signatures that are still
 *                         good (or, when nothing but the time changed,
 *                         patching the previous output in one pass);
 *   publishStagedZone     the safety gate reads the staged file back and
 *                         verifies it as a validator would see it at `now`;
 *                         only then it replaces the output (rename, folder
 *                         fsync). A refused file is removed and the previous
 *                         output stays.
 *
 * Which gate: a file signed from the zone goes through the whole-zone gate
 * (src/verify/compact-gate.ts). A patched file is compared with the output
 * it was patched from (src/verify/patch-gate.ts), which must be, byte for
 * byte, the file signet published last (its SHA-256 is recorded in
 * published_files): every RRset whose lines changed is checked, the rest
 * keeps the previous gate's verdict once its signatures' times are checked.
 * When the two files do not line up RRset by RRset, the whole-zone gate runs.
 *
 * The staged file is complete and fsynced before the gate reads it
 * (AtomicFileWriter), so what the gate checked is byte for byte what is
 * published.
 */
import { existsSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SignetError } from '../core/errors.ts';
import type { UnixSeconds } from '../core/time.ts';
import { replaceWithFile } from '../io/atomic-write.ts';
import { digestFile } from '../io/file-digest.ts';
import type { PublishedFilesRow } from '../keystore/types.ts';
import type { ProgressHook } from '../io/progress.ts';
import { loadParallelKey } from '../signer/parallel/keys.ts';
import { signZoneFile } from '../signer/parallel/sign-file.ts';
import { nextSerial } from '../signer/serial.ts';
import { verifySignedZoneFile } from '../verify/compact-gate.ts';
import { verifyPatchedZoneFile } from '../verify/patch-gate.ts';
import { Name } from '../zone/name.ts';
import type { ZoneInput } from './rollover-input.ts';
import { refuseOnProblems, requireSigners, signingParameters, type SignOutcome, type SigningInputs } from './sign-service.ts';

/** A signed zone written to `staged`, not yet published. */
export interface StagedSignedZone extends SignOutcome {
  readonly staged: string;
  /** For a patched zone: the published file it was patched from. */
  readonly patchedFrom: string | null;
  /** For a patched zone: the window of that file's signatures, as the gate that let it out read them. */
  readonly previousSignatures: { readonly validFrom: UnixSeconds; readonly validUntil: UnixSeconds } | null;
}

/** Signatures the gate verifies cryptographically besides the apex's and the first of each type. */
export const GATE_SAMPLE_SIGNATURES = 10_000;

/** Where the signed zone waits for the gate: a hidden file beside the output. */
export function stagedPathFor(output: string): string {
  return join(dirname(output), `.${basename(output)}.signet-staged`);
}

export interface StageOptions {
  /**
   * The stored fingerprint of the published output and its files: when the
   * fingerprint equals the new one and the output is the file published, the output is patched.
   */
  readonly publishedFingerprint: string | null;
  readonly publishedFiles?: PublishedFilesRow | null;
  readonly workers?: number;
  readonly progress?: ProgressHook;
}

export async function stageSignedZoneFile(o: SigningInputs & { passphrase: string | null }, options: StageOptions): Promise<StagedSignedZone> {
  const { zone, policy, input, now } = o;
  if (!input.large) throw new SignetError('ERR_INTERNAL', `zone ${zone.name}: the streaming signer is for large zones`);
  const { selection, cds, fingerprint, keySummary } = requireSigners(o);
  // SPEC safety rule 3: missing or unreadable key material stops the zone; nothing is regenerated.
  const keys = selection.signers.map(({ row, signs }) => loadParallelKey(row, o.passphrase, signs));
  const staged = stagedPathFor(zone.output);
  // The patch reads the output through and checks it is, byte for byte, the file published (its SHA-256).
  const known = options.publishedFiles ?? null;
  const unchanged = options.publishedFingerprint === fingerprint && existsSync(zone.output) && known !== null;
  const result = await signZoneFile({
    input: zone.input, origin: Name.parse(zone.name), ...(input.compact !== null ? { zone: input.compact } : {}),
    output: staged, previous: existsSync(zone.output) ? zone.output : null, unchanged,
    ...(known !== null ? { published: { sha256: known.outputSha256, signaturesValidFrom: known.signaturesValidFrom, signaturesValidUntil: known.signaturesValidUntil } } : {}),
    now, keys,
    publishedOnly: selection.publishedOnly.map((k) => k.publicKey),
    ...(cds ? { cds: cds.cds, cdnskey: cds.cdnskey } : {}),
    ...signingParameters(zone, policy, now),
    refresh: policy.signatureRefresh,
    serialFor: (inputSerial) => nextSerial({ scheme: policy.serial, inputSerial, lastSerial: zone.lastSerial, now }),
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(options.progress ? { progress: options.progress } : {}),
  });
  // The zone in compact form is no longer needed: let it go before the gate reads the output (memory of a million names).
  input.compact = null;
  return {
    zone, staged, fingerprint, keySummary, patchedFrom: result.mode === 'patched' ? zone.output : null,
    previousSignatures: result.mode === 'patched' && known?.signaturesValidFrom != null && known.signaturesValidUntil != null
      ? { validFrom: known.signaturesValidFrom, validUntil: known.signaturesValidUntil } : null,
    // Filled in when the file is published.
    files: null,
    // 'patched': only the expiring signatures of the previous output were made again.
    method: result.mode === 'patched' ? 'patched' : 'streaming',
    serial: result.serial,
    signatures: result.stats.signatures,
    rrsets: result.stats.rrsetsSigned,
    created: result.stats.signaturesCreated,
    earliestExpiration: result.stats.earliestExpiration,
    warnings: [...(result.mode === 'signed' ? input.warnings : []), ...result.warnings.map((w) => w.message)],
  };
}

/**
 * The safety gate on the staged file, then the staged file in place of the
 * output; see the module header. Returns what published_files records.
 */
export async function publishStagedZone(build: StagedSignedZone, input: ZoneInput, now: UnixSeconds): Promise<PublishedFilesRow> {
  try {
    const origin = Name.parse(build.zone.name);
    const patched = build.patchedFrom === null ? null
      : await verifyPatchedZoneFile(build.patchedFrom, build.staged, origin, {
        now, sampleSignatures: GATE_SAMPLE_SIGNATURES, previousSignatures: build.previousSignatures,
      });
    const gate = patched ?? await verifySignedZoneFile(build.staged, origin, { now, sampleSignatures: GATE_SAMPLE_SIGNATURES });
    refuseOnProblems(build, gate.findings);
    const outputSha256 = patched?.sha256 ?? (await digestFile(build.staged)).sha256;
    replaceWithFile(build.staged, build.zone.output);
    return {
      inputSha256: input.sha256, inputDigest: input.digest, maxTtl: input.maxTtl, inputSerial: input.serial, outputSha256,
      signaturesValidFrom: gate.signaturesValidFrom, signaturesValidUntil: gate.signaturesValidUntil,
      updatedAt: now,
    };
  } finally {
    rmSync(build.staged, { force: true });
  }
}
