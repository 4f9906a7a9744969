/**
 * Signing and rollover policy: the SPEC's parameters and defaults (RFC 6781,
 * RFC 7583, RFC 9276), held in seconds and numbers. The SPEC's kebab-case
 * names (`dnskey-ttl`, `ksk-lifetime`, ...) are the external keys: in
 * `policy set NAME key=value`, in JSON and in the database.
 */
import { SignetError } from '../core/errors.ts';
import { formatDuration, parseDuration } from '../core/time.ts';
import { minimumCskRollover, minimumKskRollover, minimumZskRollover } from './timing.ts';

export type KeyScheme = 'ksk+zsk' | 'csk';
export type DenialKind = 'nsec3' | 'nsec';
export type RegistrarKind = 'manual' | 'command' | 'rfc2136' | 'cds';
export type SerialScheme = 'increment' | 'unixtime' | 'dateserial' | 'keep';

export interface Policy {
  /** DNSSEC algorithm number (8, 13, 14, 15, 16). */
  algorithm: number;
  keys: KeyScheme;
  /** Seconds from activation to the start of the next KSK (or CSK) rollover; 0 = none. */
  kskLifetime: number;
  /** Seconds from activation to the start of the next ZSK rollover; 0 = none. */
  zskLifetime: number;
  dnskeyTtl: number;
  signatureValidity: number;
  signatureRefresh: number;
  signatureJitter: number;
  inceptionOffset: number;
  denial: DenialKind;
  nsec3Iterations: number;
  /** NSEC3 salt as lowercase hex; '' is no salt (written `-`, RFC 5155 §3.3). */
  nsec3Salt: string;
  nsec3OptOut: boolean;
  zonePropagationDelay: number;
  parentDsTtl: number;
  parentPropagationDelay: number;
  publishSafety: number;
  retireSafety: number;
  /** DS digest type: 2 (SHA-256) or 4 (SHA-384). */
  dsDigest: number;
  registrar: RegistrarKind;
  serial: SerialScheme;
}

const DAY = 86400;
const HOUR = 3600;

/** SPEC "Policy" defaults. */
export const DEFAULT_POLICY: Readonly<Policy> = Object.freeze({
  algorithm: 13,
  keys: 'ksk+zsk',
  kskLifetime: 365 * DAY,
  zskLifetime: 90 * DAY,
  dnskeyTtl: HOUR,
  signatureValidity: 14 * DAY,
  signatureRefresh: 5 * DAY,
  signatureJitter: 12 * HOUR,
  inceptionOffset: HOUR,
  denial: 'nsec3',
  // RFC 9276 §3.1: iterations 0 and an empty salt.
  nsec3Iterations: 0,
  nsec3Salt: '',
  nsec3OptOut: false,
  zonePropagationDelay: 5 * 60,
  parentDsTtl: DAY,
  parentPropagationDelay: HOUR,
  publishSafety: HOUR,
  retireSafety: HOUR,
  dsDigest: 2,
  registrar: 'manual',
  serial: 'increment',
} satisfies Policy);

export const SUPPORTED_ALGORITHMS: readonly number[] = [8, 13, 14, 15, 16];
export const SUPPORTED_DS_DIGESTS: readonly number[] = [2, 4];

/** IANA DNSSEC algorithm mnemonics accepted for `algorithm=`. */
const ALGORITHM_MNEMONICS: Record<string, number> = {
  RSASHA256: 8, ECDSAP256SHA256: 13, ECDSAP384SHA384: 14, ED25519: 15, ED448: 16,
};

/** JSON value of one parameter: durations as strings ('14d'), numbers, booleans, words. */
export type PolicyJsonValue = string | number | boolean;
export type PolicyJson = Record<string, PolicyJsonValue>;

/** One SPEC parameter: its external key, its field, and how to read and write it. */
export interface PolicyParameter {
  readonly key: string;
  readonly field: keyof Policy;
  readonly kind: 'duration' | 'integer' | 'enum' | 'boolean' | 'salt' | 'algorithm';
  /** For enums: the allowed words. */
  readonly values: readonly string[] | null;
  /** Parses the text form (`policy set`); throws ERR_POLICY_BAD_VALUE. */
  parse(text: string): Policy[keyof Policy];
  /** The text form, as `policy show` prints it and JSON carries it. */
  format(value: Policy[keyof Policy]): PolicyJsonValue;
}

function badValue(key: string, text: string, hint: string, cause?: unknown): SignetError {
  return new SignetError('ERR_POLICY_BAD_VALUE', `bad value "${text}" for ${key}: ${hint}`, { cause });
}

function durationParameter(key: string, field: keyof Policy): PolicyParameter {
  return {
    key, field, kind: 'duration', values: null,
    parse(text) {
      try {
        return parseDuration(text);
      } catch (e) {
        throw badValue(key, text, 'expected a duration such as 30s, 5m, 1h, 14d, 2w, 1y', e);
      }
    },
    format: (v) => formatDuration(v as number),
  };
}

function integerParameter(key: string, field: keyof Policy, max: number): PolicyParameter {
  return {
    key, field, kind: 'integer', values: null,
    parse(text) {
      const t = text.trim();
      if (!/^\d+$/.test(t) || Number(t) > max) throw badValue(key, text, `expected an integer from 0 to ${max}`);
      return Number(t);
    },
    format: (v) => v as number,
  };
}

function enumParameter(key: string, field: keyof Policy, values: readonly string[]): PolicyParameter {
  return {
    key, field, kind: 'enum', values,
    parse(text) {
      const t = text.trim().toLowerCase();
      if (!values.includes(t)) throw badValue(key, text, `expected one of ${values.join(', ')}`);
      return t as Policy[keyof Policy];
    },
    format: (v) => v as string,
  };
}

const algorithmParameter: PolicyParameter = {
  key: 'algorithm', field: 'algorithm', kind: 'algorithm', values: null,
  parse(text) {
    const t = text.trim().toUpperCase();
    const known = ALGORITHM_MNEMONICS[t];
    if (known !== undefined) return known;
    if (/^\d{1,3}$/.test(t) && Number(t) <= 255) return Number(t);
    throw badValue('algorithm', text, 'expected an algorithm number (8, 13, 14, 15, 16) or mnemonic');
  },
  format: (v) => v as number,
};

const booleanParameter = (key: string, field: keyof Policy): PolicyParameter => ({
  key, field, kind: 'boolean', values: ['true', 'false'],
  parse(text) {
    const t = text.trim().toLowerCase();
    if (t === 'true' || t === 'yes' || t === '1') return true;
    if (t === 'false' || t === 'no' || t === '0') return false;
    throw badValue(key, text, 'expected true or false');
  },
  format: (v) => v as boolean,
});

const saltParameter: PolicyParameter = {
  key: 'nsec3-salt', field: 'nsec3Salt', kind: 'salt', values: null,
  parse(text) {
    const t = text.trim().toLowerCase();
    // RFC 5155 §3.3: "-" is the presentation form of an empty salt.
    if (t === '-' || t === '') return '';
    // RFC 5155 §3.1.5: the salt is at most 255 octets, written in hex.
    if (!/^([0-9a-f]{2})+$/.test(t) || t.length > 510) throw badValue('nsec3-salt', text, 'expected "-" or up to 255 octets of hex');
    return t;
  },
  format: (v) => ((v as string) === '' ? '-' : (v as string)),
};

/** Every SPEC parameter, in the SPEC's order. */
export const POLICY_PARAMETERS: readonly PolicyParameter[] = [
  algorithmParameter,
  enumParameter('keys', 'keys', ['ksk+zsk', 'csk']),
  durationParameter('ksk-lifetime', 'kskLifetime'),
  durationParameter('zsk-lifetime', 'zskLifetime'),
  durationParameter('dnskey-ttl', 'dnskeyTtl'),
  durationParameter('signature-validity', 'signatureValidity'),
  durationParameter('signature-refresh', 'signatureRefresh'),
  durationParameter('signature-jitter', 'signatureJitter'),
  durationParameter('inception-offset', 'inceptionOffset'),
  enumParameter('denial', 'denial', ['nsec3', 'nsec']),
  integerParameter('nsec3-iterations', 'nsec3Iterations', 0xffff),
  saltParameter,
  booleanParameter('nsec3-opt-out', 'nsec3OptOut'),
  durationParameter('zone-propagation-delay', 'zonePropagationDelay'),
  durationParameter('parent-ds-ttl', 'parentDsTtl'),
  durationParameter('parent-propagation-delay', 'parentPropagationDelay'),
  durationParameter('publish-safety', 'publishSafety'),
  durationParameter('retire-safety', 'retireSafety'),
  integerParameter('ds-digest', 'dsDigest', 255),
  enumParameter('registrar', 'registrar', ['manual', 'command', 'rfc2136', 'cds']),
  enumParameter('serial', 'serial', ['increment', 'unixtime', 'dateserial', 'keep']),
];

const BY_KEY = new Map(POLICY_PARAMETERS.map((p) => [p.key, p]));

/** The parameter for an external key, or null when there is none. */
export function findPolicyParameter(key: string): PolicyParameter | null {
  return BY_KEY.get(key.trim().toLowerCase()) ?? null;
}

function requireParameter(key: string): PolicyParameter {
  const p = findPolicyParameter(key);
  if (!p) {
    throw new SignetError('ERR_POLICY_UNKNOWN_KEY', `unknown policy parameter "${key}" (known: ${POLICY_PARAMETERS.map((q) => q.key).join(', ')})`);
  }
  return p;
}

function withField(policy: Policy, field: keyof Policy, value: Policy[keyof Policy]): Policy {
  return { ...policy, [field]: value } as Policy;
}

/**
 * Applies `key=value` assignments (as `policy set` and `zone set` receive
 * them) to a copy of `base`. Does not validate the result: call
 * validatePolicy, so that several assignments can be checked together.
 */
export function parsePolicyAssignments(assignments: readonly string[], base: Readonly<Policy> = DEFAULT_POLICY): Policy {
  let policy: Policy = { ...base };
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new SignetError('ERR_POLICY_BAD_ASSIGNMENT', `expected KEY=VALUE, got "${assignment}"`, { exitCode: 2 });
    }
    const parameter = requireParameter(assignment.slice(0, eq));
    policy = withField(policy, parameter.field, parameter.parse(assignment.slice(eq + 1)));
  }
  return policy;
}

/**
 * Checks that a policy can be followed safely. Throws SignetError:
 * ERR_POLICY_ALGORITHM, ERR_POLICY_DS_DIGEST, ERR_POLICY_REFRESH_TOO_LONG,
 * ERR_POLICY_JITTER_TOO_LARGE, ERR_POLICY_NSEC3_ITERATIONS (unless forced),
 * ERR_POLICY_LIFETIME_TOO_SHORT.
 */
export function validatePolicy(policy: Readonly<Policy>, options: { force?: boolean } = {}): void {
  if (!SUPPORTED_ALGORITHMS.includes(policy.algorithm)) {
    throw new SignetError('ERR_POLICY_ALGORITHM', `algorithm ${policy.algorithm} is not supported (use ${SUPPORTED_ALGORITHMS.join(', ')})`);
  }
  if (!SUPPORTED_DS_DIGESTS.includes(policy.dsDigest)) {
    throw new SignetError('ERR_POLICY_DS_DIGEST', `ds-digest ${policy.dsDigest} is not supported (use 2 for SHA-256 or 4 for SHA-384)`);
  }
  if (policy.signatureRefresh >= policy.signatureValidity) {
    throw new SignetError('ERR_POLICY_REFRESH_TOO_LONG',
      `signature-refresh (${formatDuration(policy.signatureRefresh)}) must be shorter than signature-validity (${formatDuration(policy.signatureValidity)})`);
  }
  if (policy.signatureJitter >= policy.signatureRefresh) {
    throw new SignetError('ERR_POLICY_JITTER_TOO_LARGE',
      `signature-jitter (${formatDuration(policy.signatureJitter)}) must be smaller than signature-refresh (${formatDuration(policy.signatureRefresh)})`);
  }
  // RFC 9276 §3.1: "If NSEC3 must be used, then an iterations count of 0 MUST be used";
  // §3.2 lets validators treat higher counts as insecure. Only `--force` overrides.
  if (policy.denial === 'nsec3' && policy.nsec3Iterations !== 0 && options.force !== true) {
    throw new SignetError('ERR_POLICY_NSEC3_ITERATIONS',
      `nsec3-iterations ${policy.nsec3Iterations}: RFC 9276 asks for 0 (validators may treat higher counts as insecure); use --force to insist`);
  }
  checkLifetime('zsk-lifetime', policy.keys === 'ksk+zsk' ? policy.zskLifetime : 0, minimumZskRollover(policy), 'ZSK pre-publication');
  if (policy.keys === 'csk') {
    checkLifetime('ksk-lifetime', policy.kskLifetime, minimumCskRollover(policy), 'CSK');
  } else {
    checkLifetime('ksk-lifetime', policy.kskLifetime, minimumKskRollover(policy), 'KSK double-DS');
  }
}

function checkLifetime(key: string, lifetime: number, rollover: number, name: string): void {
  // A key must outlive the rollover that replaces it, or the next rollover
  // would be due before the previous one has finished (RFC 7583 §3.2.1).
  if (lifetime !== 0 && lifetime <= rollover) {
    throw new SignetError('ERR_POLICY_LIFETIME_TOO_SHORT',
      `${key} (${formatDuration(lifetime)}) must be longer than the ${name} rollover it starts (at least ${formatDuration(rollover)} with these TTLs and delays)`);
  }
}

/** The policy as JSON with the SPEC's keys; durations as strings such as '14d'. */
export function policyToJson(policy: Readonly<Policy>): PolicyJson {
  const out: PolicyJson = {};
  for (const p of POLICY_PARAMETERS) out[p.key] = p.format(policy[p.field]);
  return out;
}

/**
 * Reads policyToJson's form. Missing keys come from `base`; unknown keys are
 * an error (ERR_POLICY_UNKNOWN_KEY), so that a typo never goes unnoticed.
 * Durations may also be numbers of seconds.
 */
export function policyFromJson(json: unknown, base: Readonly<Policy> = DEFAULT_POLICY): Policy {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new SignetError('ERR_POLICY_BAD_VALUE', 'a policy must be a JSON object');
  }
  let policy: Policy = { ...base };
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    const parameter = requireParameter(key);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw badValue(key, String(value), 'expected a string, number or boolean');
    }
    policy = withField(policy, parameter.field, parameter.parse(String(value)));
  }
  return policy;
}

/** One parameter that differs between two policies. */
export interface PolicyChange {
  key: string;
  from: PolicyJsonValue;
  to: PolicyJsonValue;
  /** True when this change alone starts a rollover (SPEC safety rule 5). */
  startsRollover: boolean;
  /** What the change does to the zones that use the policy. */
  effect: string;
}

export interface PolicyChangeDescription {
  changes: PolicyChange[];
  /** What rollover the change starts, or null. When set, the command needs --accept. */
  rollover: { kind: 'algorithm' | 'keys' | 'algorithm+keys'; description: string } | null;
}

const KEY_EFFECTS: Partial<Record<keyof Policy, string>> = {
  kskLifetime: 'reschedules the next KSK/CSK rollover',
  zskLifetime: 'reschedules the next ZSK rollover',
  dnskeyTtl: 'new DNSKEY TTL from the next signing; waits already running keep the old TTL if it was longer',
  denial: 'the denial-of-existence chain is rebuilt at the next signing',
  nsec3Iterations: 'the NSEC3 chain is rebuilt at the next signing',
  nsec3Salt: 'the NSEC3 chain is rebuilt at the next signing',
  nsec3OptOut: 'the NSEC3 chain is rebuilt at the next signing',
  dsDigest: 'the DS offered to the parent from the next submission on',
};

/**
 * Says what a policy change will do. An algorithm change or a switch between
 * CSK and KSK+ZSK replaces every key of every zone that uses the policy, so
 * it needs `--accept` (SPEC safety rule 5).
 */
export function describePolicyChange(before: Readonly<Policy>, after: Readonly<Policy>): PolicyChangeDescription {
  const changes: PolicyChange[] = [];
  for (const p of POLICY_PARAMETERS) {
    const from = p.format(before[p.field]);
    const to = p.format(after[p.field]);
    if (from === to) continue;
    const startsRollover = p.field === 'algorithm' || p.field === 'keys';
    const effect = startsRollover ? 'starts a rollover' : KEY_EFFECTS[p.field] ?? 'applies from the next signing or step';
    changes.push({ key: p.key, from, to, startsRollover, effect });
  }
  const algorithm = before.algorithm !== after.algorithm;
  const keys = before.keys !== after.keys;
  let rollover: PolicyChangeDescription['rollover'] = null;
  if (algorithm || keys) {
    const kind = algorithm && keys ? 'algorithm+keys' : algorithm ? 'algorithm' : 'keys';
    const newKeys = after.keys === 'csk' ? 'a new CSK' : 'a new KSK and a new ZSK';
    const parts: string[] = [];
    if (algorithm) parts.push(`algorithm ${before.algorithm} → ${after.algorithm}`);
    if (keys) parts.push(`keys ${before.keys} → ${after.keys}`);
    rollover = {
      kind,
      description: `${parts.join(', ')} starts a rollover in every zone that uses this policy: ${newKeys} of algorithm ` +
        `${after.algorithm} replace the current keys, and the parent's DS is replaced (double-DS)`,
    };
  }
  return { changes, rollover };
}
