import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/rollover/policy.ts';
import {
  algorithmDsWithdrawWait, dnskeySwapWait, dsPublishWait, dsWithdrawWait, firstSigningDsDelay, maxTtls, publishInterval, retireInterval,
} from '../../src/rollover/timing.ts';

const ttls = { dnskeyTtl: 3600, maxZoneTtl: 86400, dsTtl: 172800 };

describe('RFC 7583 intervals with the default policy', () => {
  it('Ipub = Dprp + TTLkey + publish-safety', () => expect(publishInterval(DEFAULT_POLICY, ttls)).toBe(300 + 3600 + 3600));
  it('Iret = Dprp + largest TTL + retire-safety', () => expect(retireInterval(DEFAULT_POLICY, ttls)).toBe(300 + 86400 + 3600));
  it('after the new DS is seen: TTLds + parent-propagation-delay', () => expect(dsPublishWait(DEFAULT_POLICY, ttls)).toBe(172800 + 3600));
  it('after the new KSK signs: TTLkey + Dprp', () => expect(dnskeySwapWait(DEFAULT_POLICY, ttls)).toBe(3600 + 300));
  it('after the old DS is gone: TTLds', () => expect(dsWithdrawWait(DEFAULT_POLICY, ttls)).toBe(172800));
  it('algorithm rollover, after the old DS is gone: TTLds + parent-propagation-delay', () => expect(algorithmDsWithdrawWait(DEFAULT_POLICY, ttls)).toBe(172800 + 3600));
  it('first signing: Dprp + max(TTLkey, largest TTL)', () => {
    expect(firstSigningDsDelay(DEFAULT_POLICY, ttls)).toBe(300 + 86400);
    expect(firstSigningDsDelay(DEFAULT_POLICY, { ...ttls, maxZoneTtl: 60 })).toBe(300 + 3600);
  });
  it('maxTtls never lowers a TTL', () => {
    expect(maxTtls(ttls, { dnskeyTtl: 60, maxZoneTtl: 90000, dsTtl: 1 })).toEqual({ dnskeyTtl: 3600, maxZoneTtl: 90000, dsTtl: 172800 });
  });
});
