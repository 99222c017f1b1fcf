// JSON text built and read by hand where JSON.stringify and JSON.parse
// cannot: MoMo's transId is a Long above 2^53, written (and, in a refund
// request, read) as exact digits.
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

/** JSON text already built by objectText/arrayText, nested as is. */
class JsonText {
  /** @param {string} text */
  constructor(text) { this.text = text; }
}

const verbatim = (v) => v instanceof RawJson || v instanceof JsonText;

/**
 * A JSON object text from `[key, value]` pairs, in that order; RawJson values
 * are written verbatim, undefined values are left out.
 * @param {Array<[string, unknown]>} pairs
 */
export function objectText(pairs) {
  const parts = [];
  for (const [k, v] of pairs) {
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${verbatim(v) ? v.text : JSON.stringify(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * A JSON array of objects, each given as objectText's pairs (so a nested
 * transId keeps its digits); a value for objectText.
 * @param {Array<Array<[string, unknown]>>} items
 */
export function arrayText(items) {
  return new JsonText(`[${items.map(objectText).join(',')}]`);
}

const WS = new Set([' ', '\t', '\n', '\r']);
const skipWs = (t, i) => { while (i < t.length && WS.has(t[i])) i++; return i; };

/** Index just past the JSON string starting at t[i] (a '"'). */
function stringEnd(t, i) {
  for (let j = i + 1; j < t.length; j++) {
    if (t[j] === '\\') j++;
    else if (t[j] === '"') return j + 1;
  }
  return t.length;
}

/** Index just past the JSON value starting at t[i]. */
function valueEnd(t, i) {
  if (t[i] === '"') return stringEnd(t, i);
  if (t[i] === '{' || t[i] === '[') {
    let depth = 0;
    for (let j = i; j < t.length; j++) {
      const c = t[j];
      if (c === '"') j = stringEnd(t, j) - 1;
      else if (c === '{' || c === '[') depth++;
      else if ((c === '}' || c === ']') && --depth === 0) return j + 1;
    }
    return t.length;
  }
  let j = i;
  while (j < t.length && !WS.has(t[j]) && t[j] !== ',' && t[j] !== '}' && t[j] !== ']') j++;
  return j;
}

/**
 * The top-level members of a JSON object text, key -> the value's text as
 * written (`12345678901234567890`, `"abc"`, `{...}`). For a text JSON.parse
 * accepted: a number keeps its digits here, where JSON.parse would round it
 * to a double. Keys are decoded (escapes) and the last of a repeated key
 * wins, as in JSON.parse.
 * @param {string} text
 * @returns {Map<string, string>}
 */
export function memberTexts(text) {
  const out = new Map();
  let i = skipWs(text, 0);
  if (text[i] !== '{') return out;
  i = skipWs(text, i + 1);
  while (text[i] === '"') {
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd));
    i = skipWs(text, keyEnd);
    if (text[i] !== ':') break;
    i = skipWs(text, i + 1);
    const end = valueEnd(text, i);
    out.set(key, text.slice(i, end));
    i = skipWs(text, end);
    if (text[i] !== ',') break;
    i = skipWs(text, i + 1);
  }
  return out;
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
