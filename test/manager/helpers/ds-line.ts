/** DS RDATA from a DS record in zone-file form, as the registrar document carries it. */
import { fromHex } from '../../../src/core/bytes.ts';
import { encodeDs } from '../../../src/zone/dnssec-rdata.ts';

export function parseDsLine(line: string): Uint8Array {
  const fields = line.trim().split(/\s+/);
  const at = fields.indexOf('DS');
  if (at < 0) throw new Error(`not a DS record: ${line}`);
  const [tag, algorithm, digestType, ...digest] = fields.slice(at + 1);
  const bytes = fromHex(digest.join(''));
  if (bytes === null) throw new Error(`bad DS digest in ${line}`);
  return encodeDs({ keyTag: Number(tag), algorithm: Number(algorithm), digestType: Number(digestType), digest: bytes });
}
