/**
 * Signing and publishing a zone with whichever signer suits its size:
 * `signAndPublish` (shared by `sign` and `tick`) and `signZoneToFile` (the
 * `sign` command). Small zones go through the in-memory signer and its
 * gate (sign-service.ts), large ones through the streaming signer and the
 * compact gate (sign-large-zone.ts); either way a zone that fails
 * verification is never published and the previous output stays.
 */
import { rmSync } from 'node:fs';
import { SignetError } from '../core/errors.ts';
import type { UnixSeconds } from '../core/time.ts';
import type { ProgressHook } from '../io/progress.ts';
import type { StateDb } from '../keystore/state-db.ts';
import type { KeyRow, ZoneRow } from '../keystore/types.ts';
import { step } from '../rollover/engine.ts';
import type { Policy } from '../rollover/policy.ts';
import { inUseKeys } from '../rollover/status.ts';
import type { SignedZone } from '../signer/sign-zone.ts';
import { acquireLock } from './lock.ts';
import { loadZoneInput, type LoadInputOptions } from './rollover-input.ts';
import { loadZoneState, noteServedTtls, saveZoneState } from './rollover-store.ts';
import { publishStagedZone, stageSignedZoneFile, type StageOptions } from './sign-large-zone.ts';
import { buildSignedZone, PublishRefusedError, publishSignedZone, recordSigned, type SignOutcome, type SigningInputs } from './sign-service.ts';
import { effectivePolicy } from './zone-config.ts';

/** Test hooks: change the new signed zone before the safety gate sees it (to show the gate refuses). */
export interface PublishHooks {
  /** In-memory signer: the signed zone. */
  readonly beforePublish?: (signed: SignedZone) => void;
  /** Streaming signer: the staged file. */
  readonly beforePublishFile?: (path: string) => void;
}

/** Signs with the signer the input's form calls for, verifies, publishes. Nothing in the database changes. */
export async function signAndPublish(o: SigningInputs & { passphrase: string | null }, options: StageOptions & PublishHooks): Promise<SignOutcome> {
  if (o.input.large) {
    const staged = await stageSignedZoneFile(o, options);
    try {
      options.beforePublishFile?.(staged.staged);
    } catch (e) {
      rmSync(staged.staged, { force: true });
      throw e;
    }
    return { ...staged, files: await publishStagedZone(staged, o.input, o.now) };
  }
  const build = buildSignedZone(o);
  options.beforePublish?.(build.signed);
  publishSignedZone(build, o.now);
  return build;
}

export interface SignResult {
  zone: string;
  output: string;
  serial: number;
  signatures: number;
  /** Signatures this run made; the rest were kept from the previous output. */
  created: number;
  rrsets: number;
  method: SignOutcome['method'];
  earliestExpiration: UnixSeconds | null;
  warnings: string[];
}

function resultOf(build: SignOutcome): SignResult {
  return {
    zone: build.zone.name,
    output: build.zone.output,
    serial: build.serial,
    signatures: build.signatures,
    created: build.created,
    rrsets: build.rrsets,
    method: build.method,
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
  options: PublishHooks & LoadInputOptions & { readonly workers?: number; readonly progress?: ProgressHook } = {},
): Promise<SignResult> {
  const lock = await acquireLock(db.path, { waitMs: 10_000, what: `sign ${zone.name}` });
  try {
    const current = db.requireZone(zone.name);
    const policy: Policy = effectivePolicy(db, current);
    const published = db.getPublishedFiles(current.name);
    const input = await loadZoneInput(current, { ...options, published });
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
    let build: SignOutcome;
    try {
      build = await signAndPublish({ zone: current, policy, input, state, now, rowOf, passphrase }, {
        publishedFingerprint: loaded.signedFingerprint, publishedFiles: published, ...options,
      });
    } catch (e) {
      if (e instanceof PublishRefusedError) {
        db.addEvent({ zone: current.name, time: now, kind: 'publish-refused', message: e.message, details: { serial: e.serial } });
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
