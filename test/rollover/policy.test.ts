import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY, POLICY_PARAMETERS, describePolicyChange, findPolicyParameter, parsePolicyAssignments,
  policyFromJson, policyToJson, validatePolicy,
} from '../../src/rollover/policy.ts';
import type { Policy } from '../../src/rollover/policy.ts';
import { minimumCskRollover, minimumKskRollover, minimumZskRollover } from '../../src/rollover/timing.ts';
import { SignetError } from '../../src/core/errors.ts';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof SignetError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('DEFAULT_POLICY', () => {
  it('holds the SPEC defaults in seconds', () => {
    expect(DEFAULT_POLICY).toEqual({
      algorithm: 13, keys: 'ksk+zsk', kskLifetime: 365 * 86400, zskLifetime: 90 * 86400, dnskeyTtl: 3600,
      signatureValidity: 14 * 86400, signatureRefresh: 5 * 86400, signatureJitter: 12 * 3600, inceptionOffset: 3600,
      denial: 'nsec3', nsec3Iterations: 0, nsec3Salt: '', nsec3OptOut: false, zonePropagationDelay: 300,
      parentDsTtl: 86400, parentPropagationDelay: 3600, publishSafety: 3600, retireSafety: 3600, dsDigest: 2,
      registrar: 'manual', serial: 'increment',
    });
  });

  it('is valid', () => {
    expect(() => validatePolicy(DEFAULT_POLICY)).not.toThrow();
  });

  it('has one parameter per field, with the SPEC kebab-case keys', () => {
    expect(POLICY_PARAMETERS.map((p) => p.key)).toEqual([
      'algorithm', 'keys', 'ksk-lifetime', 'zsk-lifetime', 'dnskey-ttl', 'signature-validity', 'signature-refresh',
      'signature-jitter', 'inception-offset', 'denial', 'nsec3-iterations', 'nsec3-salt', 'nsec3-opt-out',
      'zone-propagation-delay', 'parent-ds-ttl', 'parent-propagation-delay', 'publish-safety', 'retire-safety',
      'ds-digest', 'registrar', 'serial',
    ]);
    expect(new Set(POLICY_PARAMETERS.map((p) => p.field)).size).toBe(Object.keys(DEFAULT_POLICY).length);
  });
});

describe('parsePolicyAssignments', () => {
  it('applies key=value pairs on top of the base', () => {
    const p = parsePolicyAssignments(['zsk-lifetime=30d', 'dnskey-ttl=2h', 'keys=csk', 'algorithm=ED25519', 'nsec3-opt-out=true'], DEFAULT_POLICY);
    expect(p.zskLifetime).toBe(30 * 86400);
    expect(p.dnskeyTtl).toBe(7200);
    expect(p.keys).toBe('csk');
    expect(p.algorithm).toBe(15);
    expect(p.nsec3OptOut).toBe(true);
    expect(p.kskLifetime).toBe(DEFAULT_POLICY.kskLifetime);
  });

  it('reads "0" as no automatic rollover and "-" as the empty salt', () => {
    const p = parsePolicyAssignments(['zsk-lifetime=0', 'nsec3-salt=AABBccdd'], DEFAULT_POLICY);
    expect(p.zskLifetime).toBe(0);
    expect(p.nsec3Salt).toBe('aabbccdd');
    expect(parsePolicyAssignments(['nsec3-salt=-'], p).nsec3Salt).toBe('');
  });

  it('does not modify the base', () => {
    const base: Policy = { ...DEFAULT_POLICY };
    parsePolicyAssignments(['dnskey-ttl=5m'], base);
    expect(base.dnskeyTtl).toBe(3600);
  });

  it('rejects unknown keys, missing "=", and bad values with stable codes', () => {
    expect(codeOf(() => parsePolicyAssignments(['dnskey_ttl=1h']))).toBe('ERR_POLICY_UNKNOWN_KEY');
    expect(codeOf(() => parsePolicyAssignments(['dnskey-ttl']))).toBe('ERR_POLICY_BAD_ASSIGNMENT');
    expect(codeOf(() => parsePolicyAssignments(['dnskey-ttl=1 hour']))).toBe('ERR_POLICY_BAD_VALUE');
    expect(codeOf(() => parsePolicyAssignments(['keys=ksk']))).toBe('ERR_POLICY_BAD_VALUE');
    expect(codeOf(() => parsePolicyAssignments(['algorithm=RSASHA1-NSEC3']))).toBe('ERR_POLICY_BAD_VALUE');
    expect(codeOf(() => parsePolicyAssignments(['nsec3-salt=abc']))).toBe('ERR_POLICY_BAD_VALUE');
    expect(codeOf(() => parsePolicyAssignments(['nsec3-opt-out=maybe']))).toBe('ERR_POLICY_BAD_VALUE');
    expect(codeOf(() => parsePolicyAssignments(['nsec3-iterations=-1']))).toBe('ERR_POLICY_BAD_VALUE');
  });

  it('finds parameters case-insensitively', () => {
    expect(findPolicyParameter('DNSKEY-TTL')?.field).toBe('dnskeyTtl');
    expect(findPolicyParameter('nope')).toBeNull();
  });
});

describe('validatePolicy', () => {
  const withValues = (...a: string[]) => parsePolicyAssignments(a, DEFAULT_POLICY);

  it('rejects unsupported algorithms and digests', () => {
    expect(codeOf(() => validatePolicy(withValues('algorithm=5')))).toBe('ERR_POLICY_ALGORITHM');
    for (const a of [8, 13, 14, 15, 16]) expect(() => validatePolicy(withValues(`algorithm=${a}`))).not.toThrow();
    expect(codeOf(() => validatePolicy(withValues('ds-digest=1')))).toBe('ERR_POLICY_DS_DIGEST');
    expect(() => validatePolicy(withValues('ds-digest=4'))).not.toThrow();
  });

  it('needs refresh shorter than validity, and jitter smaller than refresh', () => {
    expect(codeOf(() => validatePolicy(withValues('signature-refresh=14d')))).toBe('ERR_POLICY_REFRESH_TOO_LONG');
    expect(codeOf(() => validatePolicy(withValues('signature-jitter=5d')))).toBe('ERR_POLICY_JITTER_TOO_LARGE');
    expect(() => validatePolicy(withValues('signature-jitter=4d'))).not.toThrow();
  });

  it('needs nsec3-iterations 0 unless forced, and ignores it for NSEC', () => {
    expect(codeOf(() => validatePolicy(withValues('nsec3-iterations=10')))).toBe('ERR_POLICY_NSEC3_ITERATIONS');
    expect(() => validatePolicy(withValues('nsec3-iterations=10'), { force: true })).not.toThrow();
    expect(() => validatePolicy(withValues('nsec3-iterations=10', 'denial=nsec'))).not.toThrow();
  });

  it('needs each lifetime longer than the rollover it starts (RFC 7583 arithmetic)', () => {
    // Defaults: Ipub = 5m + 1h + 1h; Iret = 5m + 1h (largest TTL at least the DNSKEY TTL) + 1h.
    expect(minimumZskRollover(DEFAULT_POLICY)).toBe(2 * (300 + 3600 + 3600));
    // Ipub + (1d + 1h) + (1h + 5m) + 1d
    expect(minimumKskRollover(DEFAULT_POLICY)).toBe(7500 + 90000 + 3900 + 86400);
    // Ipub + (1d + 1h) + max(1h5m + 1d, Iret)
    expect(minimumCskRollover(parsePolicyAssignments(['keys=csk']))).toBe(7500 + 90000 + 90300);

    const zsk = minimumZskRollover(DEFAULT_POLICY);
    expect(codeOf(() => validatePolicy(withValues(`zsk-lifetime=${zsk}`)))).toBe('ERR_POLICY_LIFETIME_TOO_SHORT');
    expect(() => validatePolicy(withValues(`zsk-lifetime=${zsk + 1}`))).not.toThrow();
    expect(codeOf(() => validatePolicy(withValues('ksk-lifetime=2d')))).toBe('ERR_POLICY_LIFETIME_TOO_SHORT');
    expect(() => validatePolicy(withValues('ksk-lifetime=3d'))).not.toThrow();
    // A CSK follows ksk-lifetime; zsk-lifetime does not apply.
    expect(() => validatePolicy(withValues('keys=csk', 'zsk-lifetime=1h'))).not.toThrow();
    expect(codeOf(() => validatePolicy(withValues('keys=csk', 'ksk-lifetime=2d')))).toBe('ERR_POLICY_LIFETIME_TOO_SHORT');
    // 0 means no automatic rollover.
    expect(() => validatePolicy(withValues('ksk-lifetime=0', 'zsk-lifetime=0'))).not.toThrow();
  });

  it('counts longer TTLs into the minimum rollover', () => {
    expect(codeOf(() => validatePolicy(withValues('parent-ds-ttl=30d', 'ksk-lifetime=60d')))).toBe('ERR_POLICY_LIFETIME_TOO_SHORT');
  });
});

describe('policy JSON', () => {
  it('uses kebab-case keys and duration strings', () => {
    const json = policyToJson(DEFAULT_POLICY);
    expect(json).toEqual({
      algorithm: 13, keys: 'ksk+zsk', 'ksk-lifetime': '1y', 'zsk-lifetime': '90d', 'dnskey-ttl': '1h',
      'signature-validity': '14d', 'signature-refresh': '5d', 'signature-jitter': '12h', 'inception-offset': '1h',
      denial: 'nsec3', 'nsec3-iterations': 0, 'nsec3-salt': '-', 'nsec3-opt-out': false,
      'zone-propagation-delay': '5m', 'parent-ds-ttl': '1d', 'parent-propagation-delay': '1h',
      'publish-safety': '1h', 'retire-safety': '1h', 'ds-digest': 2, registrar: 'manual', serial: 'increment',
    });
  });

  it('round-trips, also through JSON text', () => {
    const p = parsePolicyAssignments(['zsk-lifetime=0', 'nsec3-salt=00ff', 'keys=csk', 'dnskey-ttl=90000'], DEFAULT_POLICY);
    expect(policyFromJson(JSON.parse(JSON.stringify(policyToJson(p))))).toEqual(p);
    expect(policyToJson(p)['dnskey-ttl']).toBe('1d1h');
    expect(policyToJson(p)['zsk-lifetime']).toBe('0s');
  });

  it('fills missing keys from the base, accepts seconds, and rejects unknown keys', () => {
    const p = policyFromJson({ 'dnskey-ttl': 600 });
    expect(p).toEqual({ ...DEFAULT_POLICY, dnskeyTtl: 600 });
    expect(codeOf(() => policyFromJson({ 'dnskey-tl': '1h' }))).toBe('ERR_POLICY_UNKNOWN_KEY');
    expect(codeOf(() => policyFromJson([]))).toBe('ERR_POLICY_BAD_VALUE');
    expect(codeOf(() => policyFromJson({ keys: null }))).toBe('ERR_POLICY_BAD_VALUE');
  });
});

describe('describePolicyChange', () => {
  it('says that an algorithm change starts a rollover', () => {
    const d = describePolicyChange(DEFAULT_POLICY, parsePolicyAssignments(['algorithm=15']));
    expect(d.rollover?.kind).toBe('algorithm');
    expect(d.rollover?.description).toContain('13 → 15');
    expect(d.changes).toEqual([expect.objectContaining({ key: 'algorithm', from: 13, to: 15, startsRollover: true })]);
  });

  it('says that a CSK/KSK+ZSK switch starts a rollover, in both directions', () => {
    const csk = parsePolicyAssignments(['keys=csk']);
    expect(describePolicyChange(DEFAULT_POLICY, csk).rollover?.kind).toBe('keys');
    expect(describePolicyChange(csk, DEFAULT_POLICY).rollover?.kind).toBe('keys');
    expect(describePolicyChange(DEFAULT_POLICY, parsePolicyAssignments(['keys=csk', 'algorithm=8'])).rollover?.kind).toBe('algorithm+keys');
  });

  it('lists other changes without a rollover', () => {
    const d = describePolicyChange(DEFAULT_POLICY, parsePolicyAssignments(['dnskey-ttl=2h', 'zsk-lifetime=30d']));
    expect(d.rollover).toBeNull();
    expect(d.changes.map((c) => [c.key, c.from, c.to, c.startsRollover])).toEqual([
      ['zsk-lifetime', '90d', '30d', false],
      ['dnskey-ttl', '1h', '2h', false],
    ]);
    expect(describePolicyChange(DEFAULT_POLICY, DEFAULT_POLICY)).toEqual({ changes: [], rollover: null });
  });
});
