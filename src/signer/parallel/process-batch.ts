/**
 * What a signing worker does with one batch (batch.ts): sign the units that
 * need it, and give back either their RRSIG RDATAs (`rdata` mode) or the
 * master-file text of every unit (`text` mode). Pure apart from the crypto;
 * the same code runs in worker threads and, for small zones, in the main
 * thread.
 */
import { SignetError } from '../../core/errors.ts';
import { canonicalRdata } from '../../zone/canonical.ts';
import { RRType } from '../../zone/types.ts';
import { RrsigWriter } from '../rrsig.ts';
import type { RrsigSink } from '../rrsig.ts';
import type { SigningKey } from '../signing-key.ts';
import { newUnitView, readUnit, UNIT_KSK, UNIT_REUSED, UNIT_SIGN, UNIT_TEXT } from './batch.ts';
import { TextBuffer } from './format.ts';
import { signingKeyFromMaterial } from './keys.ts';
import type { WorkerKeyMaterial } from './keys.ts';

/** Sent once to each worker. Holds private key material: never log it. */
export interface WorkerInit {
  readonly mode: 'rdata' | 'text';
  readonly keys: readonly WorkerKeyMaterial[];
  /** Indexes into `keys`: the KSK role and the ZSK role, each in signing order. */
  readonly ksk: readonly number[];
  readonly zsk: readonly number[];
  /** The Signer's Name (the apex) in canonical wire form. */
  readonly signer: Uint8Array;
  readonly inception: number;
}

/** Counters a batch reports beside its output. */
export interface BatchCounts {
  /** Signatures made. */
  created: number;
  /** Signatures printed from the previous zone (text mode). */
  reused: number;
}

/** Processes one batch; `mode` overrides the WorkerInit's for this batch (speculation sends `rdata` batches to `text` workers). */
export type BatchProcessor = (batch: Uint8Array, counts: BatchCounts, mode?: 'rdata' | 'text') => Uint8Array;

/** RRSIG Labels of a wire name (RFC 4034 §3.1.3): labels without the root and a leading `*`. */
function rrsigLabels(b: Uint8Array, start: number, end: number): number {
  let n = 0;
  let p = start;
  while (p < end && b[p] !== 0) {
    p += b[p]! + 1;
    n++;
  }
  if (n > 0 && b[start] === 1 && b[start + 1] === 0x2a) n--;
  return n;
}

/** Lowercase copy of a wire name (RFC 4034 §6.2), or the same view when it has no capitals. */
function canonicalName(b: Uint8Array, start: number, end: number): Uint8Array {
  const view = b.subarray(start, end);
  let p = start;
  let upper = false;
  while (p < end && b[p] !== 0) {
    const len = b[p]!;
    for (let i = p + 1; i <= p + len; i++) {
      const c = b[i]!;
      if (c >= 0x41 && c <= 0x5a) upper = true;
    }
    p += len + 1;
  }
  if (!upper) return view;
  const out = view.slice();
  p = 0;
  while (p < out.length && out[p] !== 0) {
    const len = out[p]!;
    for (let i = p + 1; i <= p + len; i++) {
      const c = out[i]!;
      if (c >= 0x41 && c <= 0x5a) out[i] = c + 32;
    }
    p += len + 1;
  }
  return out;
}

/**
 * Builds the processor for one worker (or the main thread). `direct` gives
 * the role key lists as SigningKeys instead of material (main thread only,
 * for keys that have no material).
 */
export function createBatchProcessor(init: WorkerInit, direct?: { ksk: readonly SigningKey[]; zsk: readonly SigningKey[] }): BatchProcessor {
  const keys: SigningKey[] = init.keys.map(signingKeyFromMaterial);
  const pick = (indexes: readonly number[]) => indexes.map((i) => {
    const k = keys[i];
    if (k === undefined) throw new SignetError('ERR_INTERNAL', `worker key index ${i} out of range`);
    return k;
  });
  const ksk = direct?.ksk ?? pick(init.ksk);
  const zsk = direct?.zsk ?? pick(init.zsk);
  const writer = new RrsigWriter(init.signer, init.inception);
  const u = newUnitView();
  // One output buffer for the processor's life; each batch's output is copied out of it.
  const out = new TextBuffer(1 << 20);
  // The RRSIG sinks are made once; the unit they print for is in these variables.
  let sinkOwner: Uint8Array = new Uint8Array(0);
  let sinkTtl = 0;
  let sinkClass = 0;
  const textSink: RrsigSink = (header, signature) => out.rrsigLine(sinkOwner, sinkTtl, sinkClass, header, signature);
  const rdataSink: RrsigSink = (header, signature) => {
    const len = header.length + signature.length;
    out.byte(len >>> 8);
    out.byte(len & 0xff);
    out.bytes(header);
    out.bytes(signature);
  };
  return (b, counts, mode = init.mode) => (mode === 'rdata' ? rdataMode(b, counts) : textMode(b, counts));

  function rdataMode(b: Uint8Array, counts: BatchCounts): Uint8Array {
    const count = ((b[0]! << 24) >>> 0) + ((b[1]! << 16) | (b[2]! << 8) | b[3]!);
    out.pos = 0;
    let pos = 4;
    for (let n = 0; n < count; n++) {
      readUnit(b, pos, u);
      pos = u.end;
      if ((u.flags & UNIT_SIGN) === 0 || (u.flags & UNIT_TEXT) !== 0) continue;
      const signers = u.flags & UNIT_KSK ? ksk : zsk;
      writer.begin(b.subarray(u.ownerStart, u.ownerEnd), rrsigLabels(b, u.ownerStart, u.ownerEnd), u.type, u.cls, u.ttl);
      let p = u.rdataStart;
      for (let i = 0; i < u.rdataCount; i++) {
        const len = (b[p]! << 8) | b[p + 1]!;
        writer.addRecord(b, p + 2, p + 2 + len);
        p += 2 + len;
      }
      out.byte(signers.length);
      writer.signWith(signers, u.expiration, rdataSink);
      counts.created += signers.length;
    }
    return out.take();
  }

  function textMode(b: Uint8Array, counts: BatchCounts): Uint8Array {
    const count = ((b[0]! << 24) >>> 0) + ((b[1]! << 16) | (b[2]! << 8) | b[3]!);
    out.pos = 0;
    let pos = 4;
    let lastOwner: Uint8Array | null = null;
    let lastOwnerText: Uint8Array = new Uint8Array(0);
    for (let n = 0; n < count; n++) {
      readUnit(b, pos, u);
      pos = u.end;
      if (u.flags & UNIT_TEXT) {
        out.bytes(b, u.rdataStart, u.rdataEnd);
        continue;
      }
      // Consecutive units of one owner share its presentation form.
      const ownerLength = u.ownerEnd - u.ownerStart;
      let same = lastOwner !== null && lastOwner.length === ownerLength;
      for (let i = 0; same && i < ownerLength; i++) if (lastOwner![i] !== b[u.ownerStart + i]) same = false;
      if (!same) {
        lastOwner = b.subarray(u.ownerStart, u.ownerEnd);
        lastOwnerText = out.ownerText(b, u.ownerStart, u.ownerEnd);
      }
      // The records, as written.
      let p = u.rdataStart;
      for (let i = 0; i < u.rdataCount; i++) {
        const len = (b[p]! << 8) | b[p + 1]!;
        out.record(lastOwnerText, u.ttl, u.cls, u.type, b, p + 2, p + 2 + len);
        p += 2 + len;
      }
      if (u.flags & UNIT_REUSED) {
        // Kept signatures, printed as they were.
        let q = u.rdataEnd;
        const k = b[q++]!;
        for (let i = 0; i < k; i++) {
          const len = (b[q]! << 8) | b[q + 1]!;
          out.record(lastOwnerText, u.ttl, u.cls, RRType.RRSIG, b, q + 2, q + 2 + len);
          q += 2 + len;
        }
        counts.reused += k;
        continue;
      }
      if ((u.flags & UNIT_SIGN) === 0) continue;
      const signers = u.flags & UNIT_KSK ? ksk : zsk;
      writer.begin(canonicalName(b, u.ownerStart, u.ownerEnd), rrsigLabels(b, u.ownerStart, u.ownerEnd), u.type, u.cls, u.ttl);
      p = u.rdataStart;
      for (let i = 0; i < u.rdataCount; i++) {
        const len = (b[p]! << 8) | b[p + 1]!;
        const rd = canonicalRdata(u.type, b.subarray(p + 2, p + 2 + len));
        writer.addRecord(rd, 0, rd.length);
        p += 2 + len;
      }
      // The RRSIG RDATA is header | signature; printed without joining them.
      sinkOwner = lastOwnerText;
      sinkTtl = u.ttl;
      sinkClass = u.cls;
      writer.signWith(signers, u.expiration, textSink);
      counts.created += signers.length;
    }
    return out.take();
  }
}
