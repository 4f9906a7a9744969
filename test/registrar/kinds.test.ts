import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../src/core/bytes.ts';
import { computeDsRdata } from '../../src/signer/ds.ts';
import { cdsRegistrar } from '../../src/registrar/kinds/cds.ts';
import { commandDocument, commandRegistrar } from '../../src/registrar/kinds/command.ts';
import { createRegistrar, type DsRequest } from '../../src/registrar/kinds/index.ts';
import { manualRegistrar } from '../../src/registrar/kinds/manual.ts';
import { Name } from '../../src/zone/name.ts';
import { dnskey } from './helpers/keys.ts';

const ZONE = Name.parse('child.test.');
const KEY = dnskey(2);
const REQUEST: DsRequest = { zone: ZONE, ds: [computeDsRdata(ZONE, KEY, 2)], dnskeys: [KEY], dsTtl: 3600, dnskeyTtl: 600 };
const dir = mkdtempSync(join(tmpdir(), 'signet-registrar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('command registrar', () => {
  it('passes the SPEC JSON document on standard input and accepts exit 0', async () => {
    const out = join(dir, 'doc.json');
    const r = await commandRegistrar({ command: `cat > '${out}'; echo "ticket 42"` }).submit(REQUEST);
    expect(r).toEqual({ status: 'accepted', message: 'ticket 42' });
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(doc)).toEqual(['zone', 'action', 'ds', 'dnskey']);
    expect(doc.zone).toBe('child.test.');
    expect(doc.action).toBe('add');
    expect(doc.ds).toHaveLength(1);
    expect(doc.ds[0]).toMatch(/^child\.test\. 3600 IN DS \d+ 13 2 [0-9A-F]{64}$/);
    expect(doc.dnskey[0]).toMatch(/^child\.test\. 600 IN DNSKEY 257 3 13 /);
    expect(doc.dnskey[0]).toContain(toBase64(KEY.subarray(4)));
  });

  it('says "remove" on withdraw', async () => {
    const out = join(dir, 'doc2.json');
    await commandRegistrar({ command: `cat > '${out}'` }).withdraw(REQUEST);
    expect(JSON.parse(readFileSync(out, 'utf8')).action).toBe('remove');
    expect(JSON.parse(commandDocument(REQUEST, 'remove')).action).toBe('remove');
  });

  it('reports a non-zero exit with its standard error, to be retried', async () => {
    const r = await commandRegistrar({ command: 'cat >/dev/null; echo "registrar API said 503" >&2; exit 3' }).submit(REQUEST);
    expect(r).toEqual({ status: 'failed', code: 'ERR_REGISTRAR_COMMAND_FAILED', retry: true, message: 'registrar command exited with status 3: registrar API said 503' });
  });

  it('fails when the program does not exist', async () => {
    const r = await commandRegistrar({ command: `${join(dir, 'no-such-program')}` }).submit(REQUEST);
    expect(r.status).toBe('failed');
    if (r.status === 'failed') expect(r.message).toContain('127');
  });

  it('copes with a program that does not read its input', async () => {
    const script = join(dir, 'ignore.sh');
    writeFileSync(script, 'exit 0\n');
    expect((await commandRegistrar({ command: `sh '${script}'` }).submit(REQUEST)).status).toBe('accepted');
  });

  it('kills a program that runs too long', async () => {
    const r = await commandRegistrar({ command: 'sleep 5', timeoutMs: 200 }).submit(REQUEST);
    expect(r).toMatchObject({ status: 'failed', code: 'ERR_REGISTRAR_COMMAND_TIMEOUT' });
  });

  it('gives the program SIGNET_ZONE and SIGNET_ACTION', async () => {
    const r = await commandRegistrar({ command: 'cat >/dev/null; echo "$SIGNET_ZONE $SIGNET_ACTION"' }).withdraw(REQUEST);
    expect(r).toEqual({ status: 'accepted', message: 'child.test. remove' });
  });
});

describe('manual and cds registrars', () => {
  it('manual sends nothing and tells the operator what to add and how to confirm', async () => {
    const r = await manualRegistrar().submit(REQUEST);
    expect(r.status).toBe('operator-action');
    if (r.status !== 'operator-action') return;
    expect(r.command).toBe('signet rollover confirm child.test ds-published');
    expect(r.message).toContain('child.test. 3600 IN DS ');
    expect(r.message).toMatch(/key tag \d+, algorithm 13, digest type 2, digest [0-9A-F]{64}/);
    const w = await manualRegistrar().withdraw(REQUEST);
    expect(w).toMatchObject({ status: 'operator-action', command: 'signet rollover confirm child.test ds-withdrawn' });
  });

  it('cds sends nothing', async () => {
    expect((await cdsRegistrar().submit(REQUEST)).status).toBe('in-zone');
    expect((await cdsRegistrar().withdraw(REQUEST)).status).toBe('in-zone');
  });
});

describe('createRegistrar', () => {
  it('defaults to manual', () => {
    expect(createRegistrar({}).kind).toBe('manual');
  });

  it('builds each kind from the zone settings', () => {
    expect(createRegistrar({ registrar: 'cds' }).kind).toBe('cds');
    expect(createRegistrar({ registrar: 'command', 'registrar-command': '/bin/true' }).kind).toBe('command');
    expect(createRegistrar({ registrar: 'rfc2136', 'update-server': '127.0.0.1:5300', tsig: `k:hmac-sha256:${toBase64(new Uint8Array(32))}` }).kind).toBe('rfc2136');
  });

  it('refuses unknown kinds and missing settings', () => {
    expect(() => createRegistrar({ registrar: 'epp' })).toThrow(expect.objectContaining({ code: 'ERR_REGISTRAR_KIND_UNKNOWN' }));
    expect(() => createRegistrar({ registrar: 'command' })).toThrow(expect.objectContaining({ code: 'ERR_REGISTRAR_SETTING_MISSING' }));
    expect(() => createRegistrar({ registrar: 'rfc2136', 'update-server': '127.0.0.1' })).toThrow(expect.objectContaining({ code: 'ERR_REGISTRAR_SETTING_MISSING' }));
    expect(() => createRegistrar({ registrar: 'rfc2136', 'update-server': 'primary.test', tsig: 'k:hmac-sha256:AAAA' })).toThrow(expect.objectContaining({ code: 'ERR_DNS_BAD_ADDRESS' }));
  });
});
