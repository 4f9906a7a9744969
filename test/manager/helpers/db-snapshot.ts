/** The rows a manager pass may change, as one comparable string. */
import { openStateDb } from '../../../src/keystore/state-db.ts';

export function dbSnapshot(dbPath: string, zone: string): string {
  const db = openStateDb(dbPath);
  try {
    return JSON.stringify({
      zone: db.getZone(zone),
      state: db.getZoneState(zone),
      facts: db.listKeyFacts({ zone }),
      events: db.listEvents({}).map((e) => [e.id, e.kind]),
      keys: db.listKeys(zone).map((k) => [k.id, k.keyTag, k.publishedAt, k.activeAt, k.retiredAt, k.removedAt]),
      parent: db.listParentObservations(zone).length,
    });
  } finally {
    db.close();
  }
}

/** Facts of the zone as "TAG fact" strings. */
export function factList(dbPath: string, zone: string): string[] {
  const db = openStateDb(dbPath);
  try {
    const tags = new Map(db.listKeys(zone).map((k) => [k.id, k.keyTag]));
    return db.listKeyFacts({ zone }).map((f) => `${tags.get(f.keyId)} ${f.fact}`);
  } finally {
    db.close();
  }
}
