/** Report renderers: text, JSON and the Prometheus textfile-collector format. */
import { describe, expect, it } from 'vitest';
import { renderPrometheus, renderText, statusName, toJson } from '../../src/verify/report.ts';
import { verifySignedZone } from '../../src/verify/verify-zone.ts';
import { corpusKeys, kskZsk, signCorpus } from './helpers/corpus.ts';

const NOW = 1_800_000_000;
const keys = corpusKeys();
const ok = verifySignedZone(signCorpus({ now: NOW, keys: kskZsk(keys) }), { now: NOW });
const expiring = verifySignedZone(signCorpus({ now: NOW, keys: kskZsk(keys), validity: 4 * 86400 }), { now: NOW });

describe('renderPrometheus', () => {
  it('writes HELP and TYPE once per metric for several zones, a rollover step when known, status 3 for UNKNOWN', () => {
    const text = renderPrometheus([
      { zone: 'example.test.', result: ok, now: NOW, rollover: { kind: 'zsk', step: 'publish' } },
      { zone: 'we"ird\\zone.', result: null, now: NOW },
      { zone: 'soon.test.', result: expiring, now: NOW },
    ]);
    expect(text.match(/^# TYPE signet_zone_status gauge$/gm)).toHaveLength(1);
    expect(text).toContain('signet_zone_status{zone="we\\"ird\\\\zone."} 3\n');
    expect(text).toContain('signet_zone_rollover_step{zone="example.test.",kind="zsk",step="publish"} 1\n');
    expect(text).toContain('signet_zone_findings{zone="soon.test.",severity="warning"} 1\n');
    expect(text).toContain(`signet_zone_signature_expiration_timestamp_seconds{zone="example.test."} ${NOW + 14 * 86400}\n`);
    // Every sample line is `name{labels} value`; every other line a comment.
    for (const line of text.trimEnd().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+\{[^}]*\} -?\d+)$/);
  });
});

describe('renderText and toJson', () => {
  it('state the status in the first word and the horizon', () => {
    expect(renderText(expiring).split('\n')[0]).toBe('WARNING example.test.: 0 critical findings, 1 warning; earliest signature expiration 2027-01-19T08:00:00Z (in 4d)');
    expect(toJson(expiring)).toMatchObject({ status: 'WARNING', exitCode: 1, horizonSeconds: 4 * 86400 });
    expect(statusName(3)).toBe('UNKNOWN');
  });
});
