/**
 * Reading what `signet verify` is given: a signed zone file and trust anchor
 * files. Errors here mean the check could not run: they carry exit status 3
 * (UNKNOWN in the monitoring-plugin convention), never 2, which a monitor
 * would read as "the zone is broken".
 *
 * The zone file is read with the parser, not loadZone: loadZone enforces
 * rules of an unsigned input (and stops at the first error), while a signed
 * file must be read as it is, DNSSEC records included, and judged.
 */
import { SignetError } from '../core/errors.ts';
import { Name } from '../zone/name.ts';
import { parseZoneFile } from '../zone/parser.ts';
import type { ResourceRecord } from '../zone/record.ts';
import { RRType } from '../zone/types.ts';
import type { TrustAnchors } from './anchors.ts';
import { EXIT_UNKNOWN } from './finding.ts';

function unknown(e: unknown): never {
  if (e instanceof SignetError) {
    throw new SignetError(e.code, e.message, { position: e.position, cause: e, exitCode: EXIT_UNKNOWN });
  }
  throw e;
}

export interface SignedZoneFile {
  readonly origin: Name;
  readonly records: readonly ResourceRecord[];
}

/**
 * Reads a signed zone file. Without `origin`, names are completed with the
 * root until a `$ORIGIN`, and the apex is the owner of the SOA: files that
 * signers write use absolute names, and a file with relative names and no
 * `$ORIGIN` needs `--origin`.
 */
export async function readSignedZoneFile(path: string, origin: Name | null): Promise<SignedZoneFile> {
  const records: ResourceRecord[] = [];
  try {
    for await (const rr of parseZoneFile(path, { origin: origin ?? Name.root })) records.push(rr);
  } catch (e) {
    unknown(e);
  }
  const soa = records.find((r) => r.type === RRType.SOA);
  if (soa === undefined) {
    throw new SignetError('ERR_VERIFY_NO_SOA', `${path} has no SOA record, so it is not a zone file`, { exitCode: EXIT_UNKNOWN });
  }
  if (origin !== null && !soa.owner.equals(origin)) {
    throw new SignetError('ERR_VERIFY_ORIGIN', `the SOA of ${path} is at ${soa.owner.toString()}, not at the origin ${origin.toString()}`, { exitCode: EXIT_UNKNOWN });
  }
  return { origin: origin ?? soa.owner, records };
}

/**
 * Reads DS and DNSKEY records for `origin` from anchor files (zone-file
 * syntax, as `signet ds`, dnssec-dsfromkey or a `.key` file write them).
 * Records for other names are refused: an anchor for the wrong zone would
 * make every verification fail for the wrong reason.
 */
export async function readTrustAnchors(paths: readonly string[], origin: Name): Promise<TrustAnchors> {
  const ds: Uint8Array[] = [];
  const dnskey: Uint8Array[] = [];
  for (const path of paths) {
    try {
      // dnssec-dsfromkey output and `.key` files carry no TTL, and an anchor's TTL means nothing here.
      for await (const rr of parseZoneFile(path, { origin, defaultTtl: 0 })) {
        if (rr.type !== RRType.DS && rr.type !== RRType.DNSKEY) continue;
        if (!rr.owner.equals(origin)) {
          throw new SignetError('ERR_VERIFY_ANCHOR_OWNER', `${path}: the anchor ${rr.owner.toString()} is not for the zone ${origin.toString()}`, {
            position: rr.source ?? null, exitCode: EXIT_UNKNOWN,
          });
        }
        (rr.type === RRType.DS ? ds : dnskey).push(rr.rdata);
      }
    } catch (e) {
      unknown(e);
    }
  }
  if (ds.length === 0 && dnskey.length === 0) {
    throw new SignetError('ERR_VERIFY_ANCHOR_EMPTY', `no DS or DNSKEY record for ${origin.toString()} in ${paths.join(', ')}`, { exitCode: EXIT_UNKNOWN });
  }
  return { ds, dnskey };
}
