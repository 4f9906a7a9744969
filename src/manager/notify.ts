/**
 * Notifications (SPEC "Zone settings": `notify`): for every event the issue
 * lists (rollover started, step advanced, operator action needed, DS seen or
 * gone, rollover finished, signature horizon below the refresh threshold,
 * errors), a JSON document goes to the zone's target:
 *   - `http://…` or `https://…`: POSTed with Content-Type application/json;
 *     any 2xx status is success;
 *   - anything else: a command run through /bin/sh with the document on
 *     standard input; exit 0 is success.
 * A failed notification is reported to the caller, never retried: the event
 * itself is in the audit log (`signet events`).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { formatIso } from '../core/time.ts';
import type { UnixSeconds } from '../core/time.ts';
import { describeShellFailure, runShell } from '../core/shell.ts';

/** The event kinds that are sent to the notify target. */
export const NOTIFY_EVENT_KINDS: readonly string[] = [
  'rollover-started', 'step-advanced', 'operator-action-needed', 'ds-seen', 'ds-gone', 'rollover-finished',
  'signature-horizon', 'error',
];

export interface NotifyDocument {
  zone: string;
  event: string;
  /** ISO 8601 time of the event (the pass's `now`). */
  time: string;
  message: string;
  details: Record<string, unknown>;
}

export function notifyDocument(zone: string, event: string, time: UnixSeconds, message: string, details: Record<string, unknown>): NotifyDocument {
  return { zone, event, time: formatIso(time), message, details };
}

export interface NotifyOutcome {
  ok: boolean;
  detail: string;
}

const TIMEOUT_MS = 10_000;

function postJson(url: URL, body: string, timeoutMs: number): Promise<NotifyOutcome> {
  return new Promise((resolve) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'signet' },
      timeout: timeoutMs,
    }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      res.on('end', () => resolve({ ok: status >= 200 && status < 300, detail: `HTTP ${status}` }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ ok: false, detail: e.message }));
    req.end(body);
  });
}

/** Sends one document to `target` (a URL or a command). */
export async function sendNotification(target: string, doc: NotifyDocument, options: { timeoutMs?: number } = {}): Promise<NotifyOutcome> {
  const body = JSON.stringify(doc);
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  if (/^https?:\/\//i.test(target)) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return { ok: false, detail: `bad notify URL ${target}` };
    }
    return postJson(url, body, timeoutMs);
  }
  const r = await runShell(target, { stdin: `${body}\n`, env: { SIGNET_ZONE: doc.zone, SIGNET_EVENT: doc.event }, timeoutMs });
  return { ok: r.ok, detail: r.ok ? 'command accepted it' : describeShellFailure(r) };
}
