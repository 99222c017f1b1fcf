// JSON text built by hand where JSON.stringify cannot: MoMo's transId is a
// Long above 2^53, written as exact digits.
import http from 'node:http';
import https from 'node:https';

/** A value written into the JSON text as is (digits of a big number). */
export class RawJson {
  /** @param {string} text */
  constructor(text) {
    if (!/^-?(0|[1-9][0-9]*)$/.test(text)) throw new Error(`not an integer literal: ${text}`);
    this.text = text;
  }
}

/**
 * A JSON object text from `[key, value]` pairs, in that order; RawJson values
 * are written verbatim, undefined values are left out.
 * @param {Array<[string, unknown]>} pairs
 */
export function objectText(pairs) {
  const parts = [];
  for (const [k, v] of pairs) {
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${v instanceof RawJson ? v.text : JSON.stringify(v)}`);
  }
  return `{${parts.join(',')}}`;
}

export const JSON_TYPE = 'application/json; charset=UTF-8';

/**
 * POSTs `body` to `url`; resolves `{ status }` or `{ status: null, error }`.
 * @param {string} url
 * @param {string} body
 * @param {{ timeoutMs: number, signal?: AbortSignal }} opts
 */
export function postJson(url, body, { timeoutMs, signal }) {
  return new Promise((resolve) => {
    let u;
    try { u = new URL(url); } catch (e) { resolve({ status: null, error: String(e.message) }); return; }
    const lib = u.protocol === 'https:' ? https : http;
    const data = Buffer.from(body, 'utf8');
    const req = lib.request(u, {
      method: 'POST',
      headers: { 'Content-Type': JSON_TYPE, 'Content-Length': data.length },
      timeout: timeoutMs,
      signal,
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
      res.on('error', (e) => resolve({ status: res.statusCode, error: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ status: null, error: e.message }));
    req.end(data);
  });
}
