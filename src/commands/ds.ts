/**
 * `signet ds NAME [--digest 2,4]`: the DS records the parent should hold now
 * (the rollover state's DS keys), and those it is about to be asked for (a
 * new KSK or CSK whose DS is submitted once the zone has propagated), each
 * with the matching DNSKEY, in zone-file form and as registrar fields.
 */
import type { Command } from 'commander';
import { SignetError } from '../core/errors.ts';
import { toHex } from '../core/bytes.ts';
import { formatIso, type UnixSeconds } from '../core/time.ts';
import { Name } from '../zone/name.ts';
import { RRClass, RRType } from '../zone/types.ts';
import { formatRecord } from '../zone/writer.ts';
import { encodeDs } from '../zone/dnssec-rdata.ts';
import { computeDs, isSupportedDsDigestType, type DsDigestType } from '../signer/ds.ts';
import { isKeySigningRole, isPublished, zoneKeySet } from '../rollover/key-state.ts';
import { zoneStatusReport } from '../manager/rollover-status.ts';
import { loadZoneState } from '../manager/rollover-store.ts';
import { effectivePolicy, requireZone } from '../manager/zone-config.ts';
import type { KeyRow } from '../keystore/types.ts';
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

interface DsEntry {
  key: KeyRow;
  /** `current`: the parent should hold it now; `pending`: to be submitted when the rollover says so. */
  state: 'current' | 'pending';
  /** For pending entries: the earliest submission time, when known. */
  submitAfter: UnixSeconds | null;
}

export function registerDsCommand(program: Command, context: () => CommandContext): void {
  program.command('ds').argument('<name>', 'zone')
    .option('--digest <list>', 'digest types, e.g. 2 or 2,4 (default: the policy\'s ds-digest)')
    .description('the DS records (and DNSKEYs) the parent should hold now, and those about to be submitted')
    .action((nameArg: string, opts: { digest?: string }) => {
      const ctx = context();
      const db = openDb(ctx);
      const z = requireZone(db, nameArg);
      const policy = effectivePolicy(db, z);
      const digests = parseDigests(opts.digest, policy.dsDigest);
      const origin = Name.parse(z.name);
      const { state, rows } = loadZoneState(db, z, policy);
      const report = zoneStatusReport(db, z, ctx.now);
      const rowOf = (id: string): KeyRow => {
        const row = rows.get(id);
        if (!row) throw new SignetError('ERR_KEY_MATERIAL_MISSING', `zone ${z.name}: key ${id} has no stored key material`);
        return row;
      };

      const current = zoneKeySet(state, ctx.now).dsKeys;
      const currentIds = new Set(current.map((k) => k.id));
      // A KSK or CSK in the DNSKEY set (or about to be) whose DS has not been submitted yet.
      const pending = state.keys.filter((k) => isKeySigningRole(k) && !currentIds.has(k.id) && !k.facts['ds-submitted']
        && (isPublished(k, ctx.now) || (report.status.state === 'rollover' && report.status.newKeyIds.includes(k.id))));
      const submitAfter = report.status.state === 'rollover' && report.status.next === 'submit-ds' ? report.status.earliest : null;
      const entries: DsEntry[] = [
        ...current.map((k) => ({ key: rowOf(k.id), state: 'current' as const, submitAfter: null })),
        ...pending.map((k) => ({ key: rowOf(k.id), state: 'pending' as const, submitAfter })),
      ];
      if (entries.length === 0) throw new SignetError('ERR_DS_NO_KEYS', `zone ${z.name} has no KSK or CSK whose DS the parent should hold`);

      const ttl = policy.dnskeyTtl;
      const lines = entries.flatMap((e) => digests.map((digestType) => {
        const ds = computeDs(origin, e.key.publicKey, digestType);
        return {
          entry: e, ds,
          record: formatRecord(origin, ttl, RRClass.IN, RRType.DS, encodeDs(ds)),
          dnskey: formatRecord(origin, ttl, RRClass.IN, RRType.DNSKEY, e.key.publicKey),
        };
      }));
      if (ctx.json) {
        return ctx.outJson(lines.map((l) => ({
          zone: z.name, state: l.entry.state, submitAfter: l.entry.submitAfter === null ? null : formatIso(l.entry.submitAfter),
          keyTag: l.ds.keyTag, algorithm: l.ds.algorithm, digestType: l.ds.digestType,
          digest: toHex(l.ds.digest).toUpperCase(), role: l.entry.key.role, ds: l.record, dnskey: l.dnskey,
        })));
      }
      for (const state of ['current', 'pending'] as const) {
        const group = lines.filter((l) => l.entry.state === state);
        if (group.length === 0) continue;
        if (state === 'current') {
          ctx.out(`; DS records the parent of ${z.name} should hold now`);
        } else {
          const when = group[0]!.entry.submitAfter;
          ctx.out(`; DS records to hand to the registrar ${when === null ? 'once `signet rollover status` says so' : `from ${formatIso(when)} (once the signed zone has propagated)`}`);
        }
        for (const l of group) ctx.out(l.record);
        for (const l of group) {
          ctx.out(`;   ${l.entry.key.role.toUpperCase()} ${l.ds.keyTag}: key tag ${l.ds.keyTag}, algorithm ${l.ds.algorithm}, digest type ${l.ds.digestType}, digest ${toHex(l.ds.digest).toUpperCase()}`);
        }
        ctx.out('');
      }
      ctx.out('; the matching DNSKEY records');
      for (const k of new Set(lines.map((l) => l.dnskey))) ctx.out(k);
    });
}
