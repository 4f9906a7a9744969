import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadZone } from '../../src/zone/load.ts';
import { Name } from '../../src/zone/name.ts';
import { RRType, typeToString } from '../../src/zone/types.ts';
import { rejected } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'signet-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** Writes a zone file for origin example. and returns its path. */
function zoneFile(text: string): string {
  const path = join(dir, `z${n++}.zone`);
  writeFileSync(path, text);
  return path;
}

const HEAD = '$TTL 300\n@ SOA ns1 hm 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n';
const origin = Name.parse('example.');

async function expectLoadError(body: string, code: string, line: number, column = 1): Promise<void> {
  const path = zoneFile(body);
  const e = await rejected(loadZone(path, origin));
  expect(e.code).toBe(code);
  expect(e.position).toEqual({ file: path, line, column });
}

describe('loadZone', () => {
  it('groups records into RRsets in canonical order (owner, then type number)', async () => {
    const zone = await loadZone(zoneFile(`${HEAD}b A 192.0.2.3\nZ.a TXT "z"\nb A 192.0.2.2\na MX 10 b\na A 192.0.2.4\n*.a A 192.0.2.5\nb A 192.0.2.2\n`), origin);
    expect(zone.origin).toBe(origin);
    expect(zone.rrsets.map((s) => `${s.owner} ${typeToString(s.type)} ${s.rdatas.length}`)).toEqual([
      'example. NS 1', 'example. SOA 1', 'a.example. A 1', 'a.example. MX 1', '*.a.example. A 1', 'Z.a.example. TXT 1',
      'b.example. A 2', 'ns1.example. A 1',
    ]);
    expect(zone.warnings).toEqual([]);
  });

  it('warns with a position when TTLs in an RRset differ, and uses the smallest (RFC 2181 §5.2)', async () => {
    const path = zoneFile(`${HEAD}www 600 A 192.0.2.1\nwww 60 A 192.0.2.2\n`);
    const zone = await loadZone(path, origin);
    const www = zone.rrsets.find((s) => s.owner.toString() === 'www.example.')!;
    expect(www.ttl).toBe(60);
    expect(zone.warnings).toEqual([expect.objectContaining({ code: 'WARN_TTL_MISMATCH', position: { file: path, line: 6, column: 1 } })]);
  });

  it('keeps glue and occluded data', async () => {
    const zone = await loadZone(zoneFile(`${HEAD}sub NS ns.sub\nns.sub A 192.0.2.9\nx.sub TXT "occluded"\n`), origin);
    expect(zone.rrsets).toHaveLength(6);
  });

  it('requires an SOA', async () => {
    await expectLoadError('$TTL 300\n@ NS ns1\n', 'ERR_ZONE_NO_SOA', 1);
  });

  it('rejects a second SOA at its line', async () => {
    await expectLoadError(`${HEAD}\n@ SOA ns1 hm 2 2 3 4 5\n`, 'ERR_ZONE_MULTIPLE_SOA', 6);
  });

  it('rejects an SOA that is not at the apex', async () => {
    await expectLoadError(`${HEAD}sub SOA ns1 hm 2 2 3 4 5\n`, 'ERR_ZONE_SOA_NOT_AT_APEX', 5);
  });

  it('requires NS records at the apex (reported at the SOA)', async () => {
    await expectLoadError('$TTL 300\nwww A 192.0.2.1\n@ SOA ns1 hm 1 2 3 4 5\nsub NS ns1\n', 'ERR_ZONE_NO_APEX_NS', 3);
  });

  it('rejects CNAME and other data at one name, at the record that came second', async () => {
    await expectLoadError(`${HEAD}www A 192.0.2.1\nwww CNAME other\n`, 'ERR_ZONE_CNAME_AND_OTHER', 6);
    await expectLoadError(`${HEAD}www CNAME other\n  TXT "x"\n`, 'ERR_ZONE_CNAME_AND_OTHER', 6, 3);
  });

  it('allows RRSIG and NSEC beside a CNAME (RFC 4035 §2.5)', async () => {
    const zone = await loadZone(zoneFile(`${HEAD}www CNAME other\nwww NSEC z.example. CNAME RRSIG NSEC\nwww RRSIG CNAME 13 2 300 20300101000000 20240101000000 1 example. AQID\n`), origin);
    expect(zone.rrsets.filter((s) => s.owner.toString() === 'www.example.').map((s) => s.type)).toEqual([RRType.CNAME, RRType.RRSIG, RRType.NSEC]);
  });

  it('rejects a CNAME at the apex', async () => {
    await expectLoadError(`${HEAD}@ CNAME other.test.\n`, 'ERR_ZONE_CNAME_AT_APEX', 5);
  });

  it('rejects two CNAMEs (RFC 2181 §10.1) and two DNAMEs (RFC 6672 §2.4) at one name', async () => {
    await expectLoadError(`${HEAD}www CNAME a\nwww CNAME b\n`, 'ERR_ZONE_MULTIPLE_CNAME', 6);
    await expectLoadError(`${HEAD}d DNAME a\nd DNAME b\n`, 'ERR_ZONE_MULTIPLE_DNAME', 6);
  });

  it('rejects data outside the zone', async () => {
    await expectLoadError(`${HEAD}www.example.net. A 192.0.2.1\n`, 'ERR_ZONE_OUT_OF_ZONE', 5);
    await expectLoadError(`${HEAD}$ORIGIN .\nexample A 192.0.2.1\ncom A 192.0.2.1\n`, 'ERR_ZONE_OUT_OF_ZONE', 7);
  });

  it('rejects a record of another class', async () => {
    await expectLoadError(`${HEAD}www CH TXT "x"\n`, 'ERR_ZONE_CLASS_MISMATCH', 5, 5);
  });

  it('passes parse errors through with their position', async () => {
    await expectLoadError(`${HEAD}www A 192.0.2.1 (\n`, 'ERR_ZONE_UNCLOSED_PAREN', 5, 17);
  });

  it('loads the example zones', async () => {
    const example = await loadZone('zones/example.com.zone', Name.parse('example.com.'));
    expect(example.rrsets.length).toBe(24);
    expect(example.warnings).toEqual([]);
    const rfc5155 = await loadZone('zones/test/rfc5155.zone', Name.parse('example.'));
    expect(rfc5155.rrsets.map((s) => `${s.owner} ${typeToString(s.type)}`)).toEqual([
      'example. NS', 'example. SOA', 'example. MX',
      '2t7b4g4vsa5smi47k61mv5bv1a22bojr.example. A',
      'a.example. NS', 'a.example. DS', 'ns1.a.example. A', 'ns2.a.example. A',
      'ai.example. A', 'ai.example. HINFO', 'ai.example. AAAA',
      'c.example. NS', 'ns1.c.example. A', 'ns2.c.example. A',
      'ns1.example. A', 'ns2.example. A',
      '*.w.example. MX', 'x.w.example. MX', 'x.y.w.example. MX',
      'xx.example. A', 'xx.example. HINFO', 'xx.example. AAAA',
    ]);
    const varied = await loadZone('zones/test/varied.zone', Name.parse('varied.example.'));
    expect(varied.rrsets.reduce((k, s) => k + s.rdatas.length, 0)).toBe(97);
  });
});
