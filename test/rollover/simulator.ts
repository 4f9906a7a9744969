/**
 * A simulated world for the rollover engine: the shell's loop (step, perform
 * the actions, feed back observations), a parent with several servers that
 * apply registrar requests after their own delays, and a record of every
 * publication (zone versions, DS RRsets per parent server) for the cache
 * model. Time moves only through `runUntil`, from wake-up to wake-up, as
 * `signet run` would schedule it.
 */
import type { UnixSeconds } from '../../src/core/time.ts';
import type { Action, Observation, StepName } from '../../src/rollover/actions.ts';
import { checkTimeline } from '../../src/rollover/cache-model.ts';
import type { CacheModelOptions, KeyRef, Publication, Violation } from '../../src/rollover/cache-model.ts';
import { step } from '../../src/rollover/engine.ts';
import type { StepResult } from '../../src/rollover/engine.ts';
import { zoneKeySet } from '../../src/rollover/key-state.ts';
import type { Policy } from '../../src/rollover/policy.ts';
import { createZoneState } from '../../src/rollover/state.ts';
import type { KeyRecord, ParentServerAnswer, RolloverKind, ZoneState } from '../../src/rollover/state.ts';

export interface ParentServerSpec {
  name: string;
  /** Seconds after a registrar request until this server answers the new DS set. */
  delay: number;
  /** Intervals [from, to) during which the server does not answer. */
  down?: Array<[UnixSeconds, UnixSeconds]>;
}

export interface WorldOptions {
  policy: Policy;
  start: UnixSeconds;
  zone?: string;
  /** Largest TTL of the zone's data (reported to the engine, published to the model). */
  maxZoneTtl?: number;
  parentServers?: ParentServerSpec[];
  /** TTL the parent serves its DS RRset with (default: the policy's parent-ds-ttl). */
  parentDsTtl?: number;
  /** When false, the parent never acts on requests (a registrar the engine cannot reach). */
  parentActs?: boolean;
}

export interface StepLog {
  at: UnixSeconds;
  rollover: RolloverKind | null;
  step: StepName;
}

interface PendingChange {
  at: UnixSeconds;
  server: number;
  add: string[];
  remove: string[];
}

export class World {
  policy: Policy;
  now: UnixSeconds;
  state: ZoneState;
  maxZoneTtl: number;
  readonly publications: Publication[] = [];
  readonly steps: StepLog[] = [];
  readonly actions: Array<{ at: UnixSeconds; action: Action }> = [];
  readonly results: StepResult[] = [];
  readonly servers: ParentServerSpec[];
  readonly parentDsTtl: number;
  parentActs: boolean;
  private readonly serverSets: Array<Set<string>>;
  private pending: PendingChange[] = [];
  private nextTag = 10000;
  private lastZone = '';
  wakeAt: UnixSeconds | null;

  constructor(options: WorldOptions) {
    this.policy = options.policy;
    this.now = options.start;
    this.state = createZoneState(options.zone ?? 'example.com.');
    this.maxZoneTtl = options.maxZoneTtl ?? 86400;
    this.servers = options.parentServers ?? [{ name: 'ns1.parent.', delay: 600 }, { name: 'ns2.parent.', delay: 2400 }];
    this.parentDsTtl = options.parentDsTtl ?? options.policy.parentDsTtl;
    this.parentActs = options.parentActs ?? true;
    this.serverSets = this.servers.map(() => new Set<string>());
    this.wakeAt = options.start;
    // Before signet, the zone was served unsigned and the parent had no DS: whatever is cached is insecure.
    const long = options.start - 400 * 86400;
    this.publications.push({ kind: 'zone', at: long, dnskeys: [], dnskeySigners: [], zoneSigners: [], dnskeyTtl: this.policy.dnskeyTtl, maxZoneTtl: this.maxZoneTtl });
    for (const s of this.servers) this.publications.push({ kind: 'ds', at: long, server: s.name, ds: [], ttl: this.parentDsTtl });
  }

  private ref(k: KeyRecord): KeyRef {
    return { id: k.id, algorithm: k.algorithm };
  }

  /** Applies the parent's pending changes due by `t`, recording each DS publication. */
  private applyParent(t: UnixSeconds): void {
    this.pending.sort((a, b) => a.at - b.at);
    while (this.pending.length > 0 && this.pending[0]!.at <= t) {
      const c = this.pending.shift()!;
      const set = this.serverSets[c.server]!;
      for (const id of c.add) set.add(id);
      for (const id of c.remove) set.delete(id);
      const ds = this.state.keys.filter((k) => set.has(k.id)).map((k) => this.ref(k));
      this.publications.push({ kind: 'ds', at: c.at, server: this.servers[c.server]!.name, ds, ttl: this.parentDsTtl });
    }
  }

  private registrar(add: string[], remove: string[]): void {
    if (!this.parentActs) return;
    this.servers.forEach((s, i) => this.pending.push({ at: this.now + s.delay, server: i, add, remove }));
  }

  /** What the parent servers answer now, as the shell's parent check would report it. */
  parentAnswers(): ParentServerAnswer[] {
    return this.servers.map((s, i) => {
      const down = (s.down ?? []).some(([a, b]) => this.now >= a && this.now < b);
      if (down) return { server: s.name, address: `192.0.2.${i + 1}`, outcome: 'timeout', detail: null, keyIds: [], unknownDs: 0, ttl: null };
      return { server: s.name, address: `192.0.2.${i + 1}`, outcome: 'answer', detail: null, keyIds: [...this.serverSets[i]!], unknownDs: 0, ttl: this.parentDsTtl };
    });
  }

  private recordZone(): void {
    const set = zoneKeySet(this.state, this.now);
    const version = {
      dnskeys: set.dnskeys.map((k) => this.ref(k)),
      dnskeySigners: set.dnskeySigners.map((k) => this.ref(k)),
      zoneSigners: set.zoneSigners.map((k) => this.ref(k)),
      dnskeyTtl: this.policy.dnskeyTtl,
      maxZoneTtl: this.maxZoneTtl,
    };
    const text = JSON.stringify(version);
    if (text === this.lastZone) return;
    this.lastZone = text;
    this.publications.push({ kind: 'zone', at: this.now, ...version });
  }

  /** One tick of the shell: step, perform, feed back, until the engine asks for nothing more. */
  tick(extra: Observation[] = []): StepResult {
    this.applyParent(this.now);
    let observations: Observation[] = [{ kind: 'zone-ttls', maxZoneTtl: this.maxZoneTtl }, ...extra];
    let result: StepResult | null = null;
    for (let round = 0; round < 8; round++) {
      result = step(this.state, this.policy, this.now, observations);
      this.state = result.state;
      observations = [];
      for (const action of result.actions) {
        this.actions.push({ at: this.now, action });
        switch (action.type) {
          case 'generate-key':
            observations.push({ kind: 'key-generated', keyId: action.keyId, keyTag: this.nextTag++ });
            break;
          case 'submit-ds': this.registrar(action.keyIds, []); break;
          case 'withdraw-ds': this.registrar([], action.keyIds); break;
          case 'query-parent-ds':
            this.applyParent(this.now);
            if (round === 0) observations.push({ kind: 'parent-ds', at: this.now, servers: this.parentAnswers() });
            break;
          case 'notify':
            if (action.event === 'step-advanced' && action.step !== null) this.steps.push({ at: this.now, rollover: action.rollover, step: action.step });
            break;
          default:
            break;
        }
      }
      this.recordZone();
      if (observations.length === 0) break;
    }
    this.results.push(result!);
    this.wakeAt = result!.wakeAt;
    return result!;
  }

  /** Ticks at every wake-up until `end`. */
  runUntil(end: UnixSeconds): void {
    for (;;) {
      this.tick();
      const next = this.wakeAt;
      if (next === null || next > end) break;
      // tick() already answered every request the engine can have now; asking again would spin.
      if (next <= this.now) throw new Error(`engine asked to wake at ${next}, not after ${this.now}`);
      this.now = next;
    }
    this.now = Math.max(this.now, end);
    this.applyParent(this.now);
  }

  /** Times at which a named step of a rollover kind was taken. */
  stepTimes(kind: RolloverKind, name: StepName): UnixSeconds[] {
    return this.steps.filter((s) => s.rollover === kind && s.step === name).map((s) => s.at);
  }

  modelOptions(overrides: Partial<CacheModelOptions> = {}): CacheModelOptions {
    return { zonePropagationDelay: this.policy.zonePropagationDelay, parentHiddenLag: this.policy.parentPropagationDelay, strictAlgorithms: true, ...overrides };
  }

  /** Every cache-model violation from the start of the world to now. */
  violations(overrides: Partial<CacheModelOptions> = {}, publications: readonly Publication[] = this.publications): Violation[] {
    const from = Math.min(...publications.map((p) => p.at));
    return checkTimeline(publications, this.modelOptions(overrides), from, this.now + 400 * 86400);
  }
}
