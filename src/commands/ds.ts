/** `signet ds NAME [--digest 2,4]`: what the parent should hold now. */
import type { Command } from 'commander';
import { SignetError } from '../core/errors.ts';
import { toHex } from '../core/bytes.ts';
import { Name } from '../zone/name.ts';
import { RRClass, RRType } from '../zone/types.ts';
import { formatRecord } from '../zone/writer.ts';
import { encodeDs } from '../zone/dnssec-rdata.ts';
import { computeDs, isSupportedDsDigestType, type DsDigestType } from '../signer/ds.ts';
import { DNSKEY_FLAG_SEP } from '../zone/dnssec-rdata.ts';
import { isPublished } from '../manager/key-selection.ts';
import { effectivePolicy, requireZone } from '../manager/zone-config.ts';
import type { CommandContext } from './context.ts';
import { openDb } from './db.ts';

function parseDigests(text: string | undefined, fallback: number): DsDigestType[] {
  const list = text === undefined ? [String(fallback)] : text.split(',');
  return list.map((t) => {
    const n = Number(t.trim());
    if (!isSupportedDsDigestType(n) || n === 1) {
      throw new SignetError('ERR_DS_BAD_DIGEST', `bad digest type "${t}" (2 for SHA-256, 4 for SHA-384)`, { exitCode: 2 });
    }
    return n;
  });
}

export function registerDsCommand(program: Command, context: () => CommandContext): void {
  program.command('ds').argument('<name>', 'zone')
    .option('--digest <list>', 'digest types, e.g. 2 or 2,4 (default: the policy\'s ds-digest)')
    .description('the DS records (and DNSKEYs) the parent should hold now')
    .action((nameArg: string, opts: { digest?: string }) => {
      const ctx = context();
      const db = openDb(ctx);
      const z = requireZone(db, nameArg);
      const digests = parseDigests(opts.digest, effectivePolicy(db, z).dsDigest);
      const origin = Name.parse(z.name);
      // The parent points at the secure entry points: KSKs and CSKs in the DNSKEY set.
      const keys = db.listKeys(z.name).filter((k) => (k.flags & DNSKEY_FLAG_SEP) !== 0 && isPublished(k, ctx.now));
      if (keys.length === 0) throw new SignetError('ERR_DS_NO_KEYS', `zone ${z.name} has no published KSK or CSK at this time`);
      const ttl = effectivePolicy(db, z).dnskeyTtl;
      const entries = keys.flatMap((k) => digests.map((digestType) => {
        const ds = computeDs(origin, k.publicKey, digestType);
        return {
          key: k,
          ds,
          record: formatRecord(origin, ttl, RRClass.IN, RRType.DS, encodeDs(ds)),
          dnskey: formatRecord(origin, ttl, RRClass.IN, RRType.DNSKEY, k.publicKey),
        };
      }));
      if (ctx.json) {
        return ctx.outJson(entries.map((e) => ({
          zone: z.name, keyTag: e.ds.keyTag, algorithm: e.ds.algorithm, digestType: e.ds.digestType,
          digest: toHex(e.ds.digest).toUpperCase(), role: e.key.role, ds: e.record, dnskey: e.dnskey,
        })));
      }
      ctx.out(`; DS records for ${z.name} (give these to the registrar or the parent zone)`);
      for (const e of entries) ctx.out(e.record);
      ctx.out('');
      for (const e of entries) {
        ctx.out(`; ${e.key.role.toUpperCase()} ${e.ds.keyTag}: key tag ${e.ds.keyTag}, algorithm ${e.ds.algorithm}, digest type ${e.ds.digestType}, digest ${toHex(e.ds.digest).toUpperCase()}`);
      }
      ctx.out('');
      ctx.out('; the matching DNSKEY records');
      for (const k of new Set(entries.map((e) => e.dnskey))) ctx.out(k);
    });
}
