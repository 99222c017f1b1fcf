// The shipped TypeScript declarations against what the package really
// returns and takes (GitHub issue 16: types that cannot drift).
//
// The declarations are hand-written in the wasm crate, so nothing ties them
// to the Rust types but this test. It reads dist/node/{full,browser}/
// momo_pos.d.ts with TypeScript's own checker (declarations.mjs), then:
// - outputs: every call and getter of both entries that returns a value is
//   called on real inputs, and each value's keys must be exactly the declared
//   members, recursively (objects come out of serde with every field present,
//   null for None, so an optional member is a mistake too); every variant of
//   every discriminated union it returns must be seen at least once;
// - inputs: every object a call takes is compared with the Rust struct serde
//   reads it into, field by field (both directions), and the package must
//   accept an object with every declared field and refuse one that lacks a
//   declared-required one.
// The checker itself is run on altered declarations and Rust source, which
// it must report: a comparison that cannot fail proves nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import init, * as momo from 'momo-pos';
import * as browser from 'momo-pos/browser';
import { credentials, ipnBody, publicKey2048, repo } from './oracle.mjs';
import { T0, TRANS_ID, play } from './fake-momo/fake-momo.js';
import { SHIPPED, memberKey, readDeclarations, readShipped } from './declarations.mjs';
import { stripComments } from './comments.mjs';

/** Rust text without its comments (line, doc and block comments); string literals kept. */
const stripRustComments = (text) => stripComments(text, '"');

await init();

/** A member that hands back a value: anything but void and our own class instances (start, restore, constructors). */
const returnsData = (m) => m.returns.k !== 'void' && m.returns.k !== 'class' && m.kind !== 'constructor';

/** The unit-literal members of an object model (`kind: "send"`): what tells union variants apart. */
const discriminants = (m) => [...m.props].filter(([, p]) => !p.optional && p.type.k === 'lit').map(([name, p]) => [name, p.type.value]);

const describe = (m) => m.name ?? (discriminants(m).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ') || m.label);

const show = (value) => {
  const text = typeof value === 'bigint' ? `${value}n` : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/**
 * How `value` differs from `type`: a list of messages, empty when it fits.
 * Object keys must be exactly the declared members: an extra key and a
 * missing required one are both differences. `seen` collects
 * the union variants matched (the models, by identity). With
 * `everyOptional`, optional members must be present too (an input sample
 * that uses every declared field). With `output`, an optional member is
 * itself a difference: what the package returns has every member, null
 * when there is none, and a `?` would have users test for undefined.
 */
function differences(value, type, path, seen = new Set(), { everyOptional = false, output = false } = {}) {
  const options = { everyOptional, output };
  const here = (what) => [`${path}: ${what}`];
  switch (type.k) {
    case 'any':
      return [];
    case 'string': case 'number': case 'bigint':
      return typeof value === type.k ? [] : here(`${show(value)} where ${type.k} is declared`);
    case 'null':
      return value === null ? [] : here(`${show(value)} where null is declared`);
    case 'undefined': case 'void':
      return value === undefined ? [] : here(`${show(value)} where undefined is declared`);
    case 'lit':
      return value === type.value ? [] : here(`${show(value)} where ${JSON.stringify(type.value)} is declared`);
    case 'class': case 'builtin':
      return value !== null && typeof value === 'object' ? [] : here(`${show(value)} where a ${type.name} is declared`);
    case 'array':
      if (!Array.isArray(value)) return here(`${show(value)} where an array is declared`);
      return value.flatMap((item, i) => differences(item, type.elem, `${path}[${i}]`, seen, options));
    case 'union': {
      for (const alt of type.types) {
        const inner = new Set();
        if (differences(value, alt, path, inner, options).length === 0) {
          for (const s of inner) seen.add(s);
          seen.add(alt);
          return [];
        }
      }
      // The variant its discriminants name (or the one object type of a
      // nullable one) says best what is wrong.
      const objects = type.types.filter((alt) => alt.k === 'object');
      const named = objects.find((alt) => discriminants(alt).length > 0 && discriminants(alt).every(([k, v]) => value?.[k] === v)) ??
        (objects.length === 1 && typeof value === 'object' && value !== null ? objects[0] : undefined);
      if (named) return differences(value, named, path, new Set(), options);
      const alternatives = type.types.map((t) => (t.k === 'object' ? `{ ${describe(t)} }` : t.k === 'lit' ? JSON.stringify(t.value) : t.name ?? t.k));
      return here(`${show(value)} where ${type.name ?? alternatives.join(' | ')} is declared`);
    }
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return here(`${show(value)} where an object (${describe(type)}) is declared`);
      }
      const found = [];
      for (const key of Object.keys(value)) {
        if (type.props.has(key)) continue;
        if (type.index) found.push(...differences(value[key], type.index, `${path}.${key}`, seen, options));
        else found.push(`${path}.${key}: present at runtime, not declared in ${describe(type)}`);
      }
      for (const [name, member] of type.props) {
        if (output && member.optional) found.push(`${path}.${name}: declared optional in ${describe(type)}; returned values have every member (null for none)`);
        if (!(name in value)) {
          if (!member.optional) found.push(`${path}.${name}: declared in ${describe(type)}, missing at runtime`);
          else if (everyOptional) found.push(`${path}.${name}: declared (optional) in ${describe(type)}, not given`);
          continue;
        }
        found.push(...differences(value[name], member.type, `${path}.${name}`, seen, options));
      }
      return found;
    }
    default:
      throw new Error(`model kind ${type.k}`);
  }
}

/** The discriminated unions (two or more object variants) reachable from `type`. */
function unionsIn(type, found = new Set(), visited = new Set()) {
  if (visited.has(type)) return found;
  visited.add(type);
  if (type.k === 'union') {
    if (type.types.filter((t) => t.k === 'object').length >= 2) found.add(type);
    for (const t of type.types) unionsIn(t, found, visited);
  } else if (type.k === 'array') {
    unionsIn(type.elem, found, visited);
  } else if (type.k === 'object') {
    for (const { type: t } of type.props.values()) unionsIn(t, found, visited);
    if (type.index) unionsIn(type.index, found, visited);
  }
  return found;
}

// ---------------------------------------------------------------------------
// The Rust side: the structs serde reads each input into.

/** `a = "x", b, c(d = "y")` split at its top-level commas, trimmed. */
function splitTopLevel(text, separator = ',') {
  const parts = [];
  let depth = 0;
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (quoted) continue;
    if ('([<{'.includes(c)) depth += 1;
    else if (')]>}'.includes(c)) depth -= 1;
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter(Boolean);
}

/** The attributes (`#[...]`, brackets balanced) at the start of Rust text, and the text after them. */
function leadingAttributes(text) {
  const attrs = [];
  let rest = text.trimStart();
  while (rest.startsWith('#[')) {
    let depth = 0;
    let quoted = false;
    let i = 1;
    for (; i < rest.length; i++) {
      const c = rest[i];
      if (c === '"' && rest[i - 1] !== '\\') quoted = !quoted;
      if (quoted) continue;
      if (c === '[') depth += 1;
      else if (c === ']' && --depth === 0) break;
    }
    attrs.push(rest.slice(2, i).trim());
    rest = rest.slice(i + 1).trimStart();
  }
  return { attrs, rest };
}

/** The arguments of the `serde(...)` attributes among `attrs`. */
const serdeArgs = (attrs) => attrs
  .filter((a) => /^serde\s*\(/.test(a))
  .flatMap((a) => splitTopLevel(a.slice(a.indexOf('(') + 1, a.lastIndexOf(')'))));

/**
 * The JSON names serde accepts for `struct name` in Rust `source`, as
 * derive(Deserialize) reads them: rename_all (camelCase or none), rename,
 * skip. An attribute this reader does not model (flatten, alias, other
 * rename rules) throws rather than be misread.
 */
function rustFields(source, name) {
  const start = source.search(new RegExp(`^[ \\t]*(pub(\\([^)]*\\))?\\s+)?struct ${name}\\s*\\{`, 'm'));
  if (start < 0) throw new Error(`no struct ${name}`);
  // Its attributes: the lines above it, up to a blank line or the end of the item before.
  const above = source.slice(0, start).split('\n');
  const attrLines = [];
  for (let i = above.length - 2; i >= 0; i--) {
    const line = above[i].trim();
    if (line === '' || line === '}' || line.endsWith(';')) break;
    attrLines.unshift(above[i]);
  }
  const container = leadingAttributes(stripRustComments(attrLines.join('\n')));
  assert.equal(container.rest, '', `${name}: unexpected text above the struct`);
  const open = source.indexOf('{', start);
  let depth = 0;
  let close = open;
  for (; close < source.length; close++) {
    if (source[close] === '{') depth += 1;
    else if (source[close] === '}' && --depth === 0) break;
  }
  let rename = (field) => field;
  let denyUnknown = false;
  for (const arg of serdeArgs(container.attrs)) {
    if (arg === 'deny_unknown_fields') denyUnknown = true;
    else if (arg === 'rename_all = "camelCase"') rename = (field) => field.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
    else if (/^rename_all\b/.test(arg)) throw new Error(`${name}: serde(${arg}) is not modeled here`);
  }
  const fields = [];
  for (const item of splitTopLevel(stripRustComments(source.slice(open + 1, close)))) {
    const { attrs, rest } = leadingAttributes(item);
    const m = /^(?:pub(?:\s*\([^)]*\))?\s+)?(?:r#)?([A-Za-z_]\w*)\s*:/.exec(rest);
    if (!m) throw new Error(`${name}: cannot read the field ${JSON.stringify(item)}`);
    let json = rename(m[1]);
    let skipped = false;
    for (const arg of serdeArgs(attrs)) {
      const renamed = /^rename\s*=\s*"([^"]+)"$/.exec(arg);
      if (renamed) json = renamed[1];
      else if (arg === 'skip' || arg === 'skip_deserializing') skipped = true;
      else if (/^(flatten|alias|rename\s*\()/.test(arg)) throw new Error(`${name}.${m[1]}: serde(${arg}) is not modeled here`);
    }
    if (!skipped) fields.push(json);
  }
  return { fields, denyUnknown };
}

/**
 * The field list serde's own message gives for an unknown field ("unknown
 * field `x`, expected one of `a`, `b`" or "expected `a`"), if the message
 * carries it; null when it does not (the core's rewording drops it today).
 */
function fieldsInMessage(message) {
  // serde: "expected `a`", "expected `a` or `b`", "expected one of `a`, `b`, `c`".
  const list = /expected (?:one of )?((?:`[^`]+`(?:, | or )?)+)/.exec(message);
  return list ? [...list[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]) : null;
}

// ---------------------------------------------------------------------------
// Real inputs.

const client = new momo.MomoClient(credentials);
const publicKey = new momo.MomoPublicKey(publicKey2048);
const SCANNED = ']Q1MM561918531775222861\r\n';
const ENCRYPTED = publicKey.encryptPaymentCode(SCANNED);

/** Every declared field of every input, with a value the package accepts. */
const ITEM = {
  id: 'CF01', name: 'Cà phê sữa đá', description: 'Ít đá', category: 'drink', imageUrl: 'https://pos.example.vn/cf01.png',
  manufacturer: 'Nhà', price: 29500, currency: 'VND', quantity: 2, unit: 'ly', totalPrice: 59000, taxAmount: 0,
};
const USER = { name: 'Nguyễn An', phoneNumber: '0901234567', email: 'an@example.vn' };
const LIMITS = { min: 1000, max: 5_000_000 };
const FULL = {
  ClientOptions: {
    ...credentials, environment: 'test', lang: 'en', amountLimits: { ...LIMITS }, refundLimits: { min: 1000, max: 50_000_000 },
  },
  PosPaymentInput: {
    orderId: 'ORDER-1001', requestId: 'ORDER-1001-r1', amount: 59000, encryptedPaymentCode: ENCRYPTED,
    orderInfo: 'Cà phê sữa đá x2', extraData: momo.encodeExtraData({ till: 3 }), storeId: 'S-1', storeName: 'Quán 1',
    subPartnerCode: 'SUB-1', orderGroupId: 18446744073709551615n, autoCapture: false, ipnUrl: 'https://pos.example.vn/momo/ipn',
    items: [{ ...ITEM }], userInfo: { ...USER }, requestTime: T0, lang: 'vi',
  },
  StatusQueryInput: { orderId: 'ORDER-1001', requestId: 'ORDER-1001-q1', lang: 'en' },
  ConfirmInput: { orderId: 'ORDER-1001', requestId: 'ORDER-1001-c1', amount: 59000, requestType: 'capture', description: 'ok', lang: 'vi' },
  RefundInput: {
    orderId: 'ORDER-1001-R1', requestId: 'ORDER-1001-R1', amount: 20000, transId: '4088878653', description: 'Khách trả 1 ly',
    lang: 'vi', subPartnerCode: 'SUB-1',
  },
  PaidPayment: { orderId: 'ORDER-1001', transId: '4088878653', amount: 59000, refunded: 0 },
  DriverConfig: {
    requestTimeoutMs: 30000, pollDelaysMs: [2000, 5000], paymentWindowMs: 180000, decisionWindowMs: 120000,
    onUndecided: 'cancel', confirmWindowMs: 120000, maxPosResends: 2, maxConfirmSends: 3,
  },
  RefundConfig: { requestTimeoutMs: 30000, pollDelaysMs: [2000, 5000], refundWindowMs: 300000, maxRefundSends: 3 },
};

/**
 * Every object a call takes, by its label in the declarations (a nested
 * anonymous type by its place: `ClientOptions.amountLimits`): the Rust
 * struct serde reads it into, a sample with every field, the calls that
 * read it, and where its fields sit in error messages (`at`).
 */
const INPUTS = {
  ClientOptions: {
    rust: ['bindings/wasm/src/client.rs', 'ClientOptions'], sample: FULL.ClientOptions, at: '',
    calls: [(o) => new momo.MomoClient(o)],
  },
  'ClientOptions.amountLimits': {
    rust: ['bindings/wasm/src/client.rs', 'Limits'], sample: LIMITS, at: 'amountLimits.',
    calls: [(o) => new momo.MomoClient({ ...credentials, amountLimits: o })],
  },
  'ClientOptions.refundLimits': {
    rust: ['bindings/wasm/src/client.rs', 'Limits'], sample: FULL.ClientOptions.refundLimits, at: 'refundLimits.',
    calls: [(o) => new momo.MomoClient({ ...credentials, refundLimits: o })],
  },
  PosPaymentInput: {
    rust: ['crates/momo-pos/src/input.rs', 'PosPaymentInput'], sample: FULL.PosPaymentInput, at: '',
    calls: [(o) => client.posRequest(o), (o) => momo.PaymentDriver.start(client, o, T0)],
  },
  Item: {
    rust: ['crates/momo-pos/src/request/pos.rs', 'Item'], sample: ITEM, at: 'items[0].',
    calls: [(o) => client.posRequest({ ...FULL.PosPaymentInput, items: [o] })],
  },
  UserInfo: {
    rust: ['crates/momo-pos/src/request/pos.rs', 'UserInfo'], sample: USER, at: 'userInfo.',
    calls: [(o) => client.posRequest({ ...FULL.PosPaymentInput, userInfo: o })],
  },
  StatusQueryInput: {
    rust: ['crates/momo-pos/src/input.rs', 'StatusQueryInput'], sample: FULL.StatusQueryInput, at: '',
    calls: [(o) => client.queryRequest(o)],
  },
  ConfirmInput: {
    rust: ['crates/momo-pos/src/input.rs', 'ConfirmInput'], sample: FULL.ConfirmInput, at: '',
    calls: [(o) => client.confirmRequest(o)],
  },
  RefundInput: {
    rust: ['crates/momo-pos/src/input.rs', 'RefundInput'], sample: FULL.RefundInput, at: '',
    calls: [(o) => client.refundRequest(o), (o) => momo.RefundDriver.start(client, o, FULL.PaidPayment, T0)],
  },
  PaidPayment: {
    rust: ['crates/momo-pos/src/refund/outcome.rs', 'PaidPayment'], sample: FULL.PaidPayment, at: '',
    calls: [(o) => momo.RefundDriver.start(client, FULL.RefundInput, o, T0)],
  },
  'Partial<DriverConfig>': {
    rust: ['crates/momo-pos/src/driver/config.rs', 'DriverConfig'], sample: FULL.DriverConfig, at: '',
    calls: [(o) => momo.PaymentDriver.start(client, FULL.PosPaymentInput, T0, o)],
  },
  'Partial<RefundConfig>': {
    rust: ['crates/momo-pos/src/refund/config.rs', 'RefundConfig'], sample: FULL.RefundConfig, at: '',
    calls: [(o) => momo.RefundDriver.start(client, FULL.RefundInput, FULL.PaidPayment, T0, o)],
  },
};

/**
 * Where the declarations and Rust differ on purpose, with the reason; each
 * must still occur (an exception that no longer applies is an error too).
 */
const INPUT_EXCEPTIONS = {
  'PosPaymentInput.paymentCode':
    'Rust only: the plain scanned code, which the core encrypts when given MoMo\'s public key. The JS client ' +
    'holds no key (the browser entry encrypts), so the package refuses it (invalidField paymentCode): not declared.',
};

/** Every model reachable from what the calls return. */
function outputModels(members) {
  const found = new Set();
  const visit = (type) => {
    if (found.has(type)) return;
    found.add(type);
    if (type.k === 'union') type.types.forEach(visit);
    else if (type.k === 'array') visit(type.elem);
    else if (type.k === 'object') for (const { type: t } of type.props.values()) visit(t);
  };
  for (const m of members) visit(m.returns);
  return found;
}

/**
 * Every object-typed parameter of the calls, nested ones too, by label:
 * { model, where }. A type the package itself returns (a SignedRequest or
 * a parsed answer handed back) is not read by serde: it is checked as an
 * output.
 */
function inputTypes(members) {
  const found = new Map();
  const returned = outputModels(members);
  const visit = (type, label, where) => {
    if (returned.has(type)) return undefined;
    if (type.k === 'union') return type.types.forEach((t) => visit(t, label, where));
    if (type.k === 'array') return visit(type.elem, label, where);
    if (type.k !== 'object' || type.props.size === 0) return undefined; // records (extraData) take any key
    const name = type.name ?? (type.label.startsWith('{') ? label : type.label);
    if (found.has(name)) return undefined;
    found.set(name, { model: type, where });
    for (const [prop, { type: t }] of type.props) visit(t, `${name}.${prop}`, where);
    return undefined;
  };
  for (const m of members) for (const p of m.params) visit(p.type, p.label, `${memberKey(m)}(${p.name})`);
  return found;
}

/** How an input call ends: null if accepted, else the MomoError (anything else is rethrown). */
function attempt(call, value) {
  try {
    const made = call(value);
    made?.free?.();
    return null;
  } catch (e) {
    if (!momo.isMomoError(e)) throw e;
    return e;
  }
}

const without = (object, key) => Object.fromEntries(Object.entries(object).filter(([k]) => k !== key));

const UNKNOWN_FIELD = /is not a field of/;

/** Whether the built package reads `field` of the input (it refuses unknown fields by name). */
function knows(input, field) {
  const e = attempt(input.calls[0], { ...input.sample, [field]: true });
  return !(e && e.field === `${input.at}${field}` && UNKNOWN_FIELD.test(e.message));
}

/** Declared members against Rust's fields: messages, empty when they agree but for the listed exceptions. */
function compareFields(label, declared, rust, exceptions = INPUT_EXCEPTIONS) {
  const found = [];
  for (const f of rust) {
    if (!declared.includes(f) && !exceptions[`${label}.${f}`]) found.push(`${label}.${f}: read by Rust, not declared`);
  }
  for (const f of declared) {
    if (!rust.includes(f) && !exceptions[`${label}.${f}`]) found.push(`${label}.${f}: declared, not a field of the Rust struct`);
  }
  return found;
}

// ---------------------------------------------------------------------------
// Real outputs: every data-returning member on values that reach every variant.

const DECLARED = readShipped();
const VECTORS = JSON.parse(readFileSync(`${repo}tests/vectors/responses.json`, 'utf8'));
const FORMAT_1 = JSON.parse(readFileSync(`${repo}tests/snapshots/format-1.json`, 'utf8')).scenarios;

/** MoMo's unsigned answer to a send action's request, refunds listed for a status query. */
function answerTo(action, resultCode, { amount = JSON.parse(action.body).amount ?? 59000, refunds = [] } = {}) {
  const { partnerCode, orderId, requestId } = JSON.parse(action.body);
  const list = refunds.map((r) => `{"orderId":"${r.orderId}","amount":${r.amount},"resultCode":${r.resultCode},"transId":${TRANS_ID},"createdTime":${T0 + 1}}`);
  const query = action.endpoint === 'query' ? `,"extraData":"","payType":"pos","refundTrans":[${list.join(',')}]` : '';
  return `{"partnerCode":"${partnerCode}","orderId":"${orderId}","requestId":"${requestId}","amount":${amount},` +
    `"transId":${TRANS_ID},"resultCode":${resultCode},"message":"m","responseTime":${T0}${query}}`;
}

/**
 * Calls every data-returning member of `entry` and hands each value to
 * `observe(key, value)` (`Class.member` or the function's name), with the
 * inputs that reach each variant of the unions it returns.
 */
function exercise(entry, observe) {
  const lib = entry === 'full' ? momo : browser;
  const key = new lib.MomoPublicKey(publicKey2048);
  for (const name of ['bits', 'ciphertextLength']) observe(`MomoPublicKey.${name}`, key[name]);
  observe('MomoPublicKey.encryptPaymentCode', key.encryptPaymentCode(SCANNED));
  observe('normalizePaymentCode', lib.normalizePaymentCode(SCANNED));
  observe('maskPaymentCode', lib.maskPaymentCode(SCANNED));
  observe('resultCodeCatalogue', lib.resultCodeCatalogue());
  for (const code of [0, 9000, 1006, 424242]) observe('explainResultCode', lib.explainResultCode(code));
  key.free();
  if (entry !== 'full') return;

  observe('encodeExtraData', momo.encodeExtraData({ till: 3, note: 'x' }));
  observe('decodeExtraData', momo.decodeExtraData(momo.encodeExtraData({ till: 3, nested: { a: [1, null, true] } })));
  observe('decodeExtraData', momo.decodeExtraData(''));
  const full = new momo.MomoClient(FULL.ClientOptions);
  for (const c of [client, full]) {
    observe('MomoClient.partnerCode', c.partnerCode);
    observe('MomoClient.baseUrl', c.baseUrl);
    observe('MomoClient.maxBodyBytes', c.maxBodyBytes);
  }
  full.free();
  const minimal = { orderId: 'ORDER-1', requestId: 'ORDER-1-r1', amount: 59000, encryptedPaymentCode: ENCRYPTED };
  for (const p of [FULL.PosPaymentInput, minimal]) observe('MomoClient.posRequest', client.posRequest(p));
  observe('MomoClient.queryRequest', client.queryRequest(FULL.StatusQueryInput));
  observe('MomoClient.confirmRequest', client.confirmRequest(FULL.ConfirmInput));
  observe('MomoClient.refundRequest', client.refundRequest(FULL.RefundInput));
  // IPNs: paid, failed, with and without partnerUserId (the one unsigned field).
  for (const body of [ipnBody(), ipnBody({ resultCode: '1006' }), ipnBody().replace(/,"signature"/, ',"partnerUserId":"u-1","signature"')]) {
    observe('MomoClient.verifyIpn', client.verifyIpn(body));
  }
  // Every answer the oracle's vectors accept, signed and unsigned, sparse and full.
  const parse = { pos: 'parsePosResponse', query: 'parseQueryResponse', confirm: 'parseConfirmResponse', refund: 'parseRefundResponse' };
  for (const v of [...VECTORS.responses, ...VECTORS.refundResponses]) {
    if (v.expect === 'verified' || v.expect === 'unsigned') observe(`MomoClient.${parse[v.kind]}`, client[parse[v.kind]](v.body));
  }
  // refundTrans that is not a list of refunds: refunds null.
  observe('MomoClient.parseQueryResponse', client.parseQueryResponse('{"orderId":"O","requestId":"q","resultCode":0,"message":"m","refundTrans":[{"orderId":"R"}]}'));

  // Payment drivers through every kind of step; each getter at each send and at the end.
  const sweep = (owner, driver) => {
    for (const m of DECLARED.full.members) {
      if (m.owner !== owner || !returnsData(m)) continue;
      if (m.kind === 'getter') observe(memberKey(m), driver[m.name]);
      else if (m.kind === 'method' && m.params.every((p) => p.optional)) observe(memberKey(m), driver[m.name]());
    }
  };
  const ipn = (beat, d) => ipnBody({
    orderId: d.orderId, requestId: d.requestId, amount: String(d.amount + (beat.amountOffBy ?? 0)), resultCode: String(beat.ipn), transId: TRANS_ID,
  });
  const payment = (i, autoCapture) => ({ orderId: `T-${i}`, requestId: `T-${i}-r1`, amount: 59000, encryptedPaymentCode: ENCRYPTED, autoCapture });
  const SCRIPTS = [
    [true, [{ answer: 0 }]],
    [false, [{ answer: 9000 }, { decide: 'cancel' }, { answer: 0 }]],
    [false, [{ answer: 9000 }, { decide: 'cancel' }, { answer: 99 }, { answer: 1003 }]],
    [false, ['timeout', { ipn: 9000, during: 'query' }, { decide: 'capture' }, { late: 9000 }, { answer: 0 }]],
    [false, [{ answer: 9000 }, { decide: 'capture' }, { answer: 12 }, { answer: 9000 }, { answer: 12 }, { answer: 9000 }, { answer: 12 }, { answer: 9000 }]],
    [true, ['network', { answer: 42 }, { answer: 1006 }]],
    [true, [{ ipn: 0, amountOffBy: 1 }, { answer: 0 }]],
    [false, [{ answer: 9000 }]], // undecided: the default applies
    [true, [], { paymentWindowMs: 60000, pollDelaysMs: [5000] }], // silent: deadline passed
  ];
  for (const [i, [autoCapture, script, config]] of SCRIPTS.entries()) {
    const driver = momo.PaymentDriver.start(client, payment(i, autoCapture), T0, { decisionWindowMs: 30_000, ...config });
    const r = play(driver, client, script, { ipn, onSend: () => sweep('PaymentDriver', driver) });
    sweep('PaymentDriver', r.driver);
    observe('describeDriverSnapshot', momo.describeDriverSnapshot(r.driver.snapshot()));
  }
  // An unusable answer, a restore with a request in flight, repeated and
  // contradicting IPNs, a stale report, a clock that went back, a decision pending.
  const midway = momo.PaymentDriver.start(client, payment('m', true), T0);
  const first = midway.nextAction();
  midway.handleResponse(first.id, 502, '<html>Bad gateway</html>', T0 + 300);
  sweep('PaymentDriver', midway);
  const odd = momo.PaymentDriver.restore(client, midway.snapshot(), T0 + 400);
  const paidIpn = ipnBody({ orderId: odd.orderId, requestId: odd.requestId });
  observe('PaymentDriver.handleIpn', odd.handleIpn(paidIpn, T0 + 500));
  observe('PaymentDriver.handleIpn', odd.handleIpn(paidIpn, T0 + 600));
  odd.handleNetworkError(first.id, T0 + 700);
  observe('PaymentDriver.handleIpn', odd.handleIpn(ipnBody({ orderId: odd.orderId, requestId: odd.requestId, resultCode: '1006' }), T0 + 800));
  sweep('PaymentDriver', odd);
  const decide = momo.PaymentDriver.start(client, payment('d', false), T0);
  decide.handleResponse(decide.nextAction().id, 200, `{"orderId":"${decide.orderId}","requestId":"${decide.requestId}","resultCode":9000,"message":"m"}`, T0 + 1);
  decide.tick(T0);
  sweep('PaymentDriver', decide);
  observe('describeDriverSnapshot', momo.describeDriverSnapshot(decide.snapshot()));
  // 0.1.0's snapshots (format 1), and the outcome only they can hold.
  for (const { snapshots } of FORMAT_1) {
    const { snapshot } = snapshots.at(-1);
    observe('describeDriverSnapshot', momo.describeDriverSnapshot(snapshot));
    sweep('PaymentDriver', momo.PaymentDriver.restore(client, snapshot, JSON.parse(snapshot).nowMs + 1000));
  }
  const refusedConfirm = JSON.parse(FORMAT_1.find((s) => s.scenario === 'authorized-capture').snapshots.at(-1).snapshot);
  const outcome = { outcome: 'unknown', reason: { kind: 'confirmRefused', resultCode: 12 } };
  refusedConfirm.phase = { stage: 'done', outcome };
  refusedConfirm.log.at(-1).outcome = outcome;
  sweep('PaymentDriver', momo.PaymentDriver.restore(client, JSON.stringify(refusedConfirm), T0 + 10_000));

  // Refund drivers: refunded, refused, in progress then evidence, resent, unknown.
  const REFUND = FULL.RefundInput;
  const PAID = { orderId: 'ORDER-1001', transId: '4088878653', amount: 59000 };
  const refundScripts = [
    [[{ answer: 0 }]],
    [[{ answer: 1081 }]],
    [[{ answer: 7000 }, { listed: 7000 }, { listed: 0 }]],
    [['network', { listed: null }, { answer: 0 }]],
    [[{ status: 502 }, { listed: 1088 }]],
    [[{ answer: 99 }, { listed: 0, amount: 10000 }]],
    [[], { refundWindowMs: 60000, pollDelaysMs: [5000] }],
  ];
  for (const [script, config] of refundScripts) {
    const driver = momo.RefundDriver.start(client, REFUND, PAID, T0, config);
    const beats = [...script];
    let now = T0;
    for (let step = 0; driver.nextAction().type !== 'done'; step++) {
      assert.ok(step < 50, `no end: ${JSON.stringify(script)}`);
      sweep('RefundDriver', driver);
      const action = driver.nextAction();
      if (action.type === 'wait') {
        driver.tick((now = action.untilMs));
        continue;
      }
      const beat = beats.shift() ?? 'timeout'; // then MoMo is silent
      now += 300;
      if (beat === 'timeout') driver.handleTimeout(action.id, (now = action.deadlineMs));
      else if (beat === 'network') driver.handleNetworkError(action.id, now);
      else if (beat.status) driver.handleResponse(action.id, beat.status, '<html>Bad gateway</html>', now);
      else if ('answer' in beat) driver.handleResponse(action.id, 200, answerTo(action, beat.answer), now);
      else {
        const refunds = beat.listed === null ? [] : [{ orderId: REFUND.orderId, amount: beat.amount ?? REFUND.amount, resultCode: beat.listed }];
        const answer = answerTo(action, 0, { amount: PAID.amount, refunds });
        observe('MomoClient.parseQueryResponse', client.parseQueryResponse(answer));
        driver.handleResponse(action.id, 200, answer, now);
      }
    }
    sweep('RefundDriver', driver);
  }
  // A restore with a query in flight, its old id reported (stale), a clock that went back.
  const r = momo.RefundDriver.start(client, REFUND, PAID, T0);
  const send = r.nextAction();
  r.handleTimeout(send.id, send.deadlineMs);
  r.tick(T0);
  r.tick(r.nextAction().untilMs);
  const query = r.nextAction();
  const restored = momo.RefundDriver.restore(client, r.snapshot(), send.deadlineMs + 5000);
  restored.handleNetworkError(query.id, send.deadlineMs + 5100);
  sweep('RefundDriver', r);
  sweep('RefundDriver', restored);
  observe('MomoClient.parseRefundResponse', client.parseRefundResponse(answerTo(send, 0)));
}

/**
 * Checks every value `exercise` produces for `entry` against `declared`
 * (`also`: [member key, label, model] to check those values against too):
 * { problems, uncalled: data members never called, unreached: union
 * variants never returned, seen: the variants matched }.
 */
function checkOutputs(declared, entry, { also = [] } = {}) {
  const byKey = new Map(declared[entry].members.filter(returnsData).map((m) => [memberKey(m), m]));
  const problems = [];
  const observed = new Set();
  const seen = new Set();
  exercise(entry, (key, value) => {
    const m = byKey.get(key);
    if (!m) {
      problems.push(`${key}: called by the test, not declared (as returning data) in ${entry}`);
      return;
    }
    observed.add(key);
    problems.push(...differences(value, m.returns, key, seen, { output: true }));
    for (const [member, type] of also.filter(([k]) => k === key).map(([, ...rest]) => rest)) {
      problems.push(...differences(value, type, `${key} as ${member}`, seen, { output: true }));
    }
  });
  const uncalled = [...byKey.keys()].filter((k) => !observed.has(k));
  const unreached = new Set();
  for (const m of byKey.values()) {
    for (const union of unionsIn(m.returns)) {
      for (const alt of union.types) if (alt.k === 'object' && !seen.has(alt)) unreached.add(`${memberKey(m)}: { ${describe(alt)} }`);
    }
  }
  return { problems: [...new Set(problems)], uncalled, unreached: [...unreached], seen };
}

// ---------------------------------------------------------------------------
// Tests.

test('the declarations are read by TypeScript 7\'s checker: interfaces, extends, Omit, Pick, generics', () => {
  const { types, members } = DECLARED.full;
  const props = (model) => [...model.props.keys()].sort();
  // QueryAnswer extends Answer: the inherited members come along.
  assert.deepEqual(props(types.get('QueryAnswer')), [
    'amount', 'extraData', 'message', 'orderId', 'partnerCode', 'payType', 'paymentOption', 'promotionInfo',
    'refundTrans', 'refunds', 'requestId', 'responseTime', 'resultCode', 'transId',
  ]);
  // RefundSendAction extends Omit<SendAction, "endpoint"> and redeclares it.
  const refundSend = types.get('RefundSendAction');
  assert.deepEqual(props(refundSend), props(types.get('SendAction')));
  assert.deepEqual(refundSend.props.get('endpoint').type.types.map((t) => t.value).sort(), ['query', 'refund']);
  // MomoResponse<QueryAnswer> as parseQueryResponse declares it.
  const parseQuery = members.find((m) => memberKey(m) === 'MomoClient.parseQueryResponse');
  assert.equal(parseQuery.returns.props.get('body').type, types.get('QueryAnswer'));
  // Partial<DriverConfig>: every member optional.
  const start = members.find((m) => memberKey(m) === 'PaymentDriver.start');
  const config = start.params[3].type.types.find((t) => t.k === 'object');
  assert.ok([...config.props.values()].every((p) => p.optional));
  assert.equal(config.props.size, types.get('DriverConfig').props.size);
  // The browser entry: its own file, public-key code and the status types, nothing that signs.
  const browserOwners = new Set(DECLARED.browser.members.map((m) => m.owner ?? m.name));
  assert.ok(browserOwners.has('MomoPublicKey') && !browserOwners.has('MomoClient') && !browserOwners.has('RefundDriver'));
  assert.ok(DECLARED.browser.types.has('DriverStatus'));
});

for (const entry of Object.keys(SHIPPED)) {
  test(`outputs (${entry}): every value has exactly the declared members, every variant is reached`, () => {
    // A page renders the DriverStatus its backend sends: it must fit the browser's declaration too.
    const browserStatus = DECLARED.browser.types.get('DriverStatus');
    const also = entry === 'full' ? [['PaymentDriver.status', 'browser DriverStatus', browserStatus], ['describeDriverSnapshot', 'browser DriverStatus', browserStatus]] : [];
    const { problems, uncalled, unreached, seen } = checkOutputs(DECLARED, entry, { also });
    assert.deepEqual(problems, []);
    // Every data-returning member was called: a new one needs inputs here.
    assert.deepEqual(uncalled, [], 'declared, never called by this test');
    // Every variant of every discriminated union returned was seen.
    assert.deepEqual(unreached, [], 'declared variants never returned');
    if (entry === 'full') assert.ok(seen.size >= 60, `only ${seen.size} variants matched`);
  });
}

test('inputs: every object a call takes is the Rust struct serde reads, field for field', () => {
  const found = inputTypes(DECLARED.full.members);
  assert.deepEqual([...found.keys()].sort(), Object.keys(INPUTS).sort(), 'an input type with no entry in INPUTS (or an entry for none)');
  const problems = [];
  const used = new Set();
  for (const [label, input] of Object.entries(INPUTS)) {
    const declared = [...found.get(label).model.props.keys()];
    const source = readFileSync(`${repo}${input.rust[0]}`, 'utf8');
    const rust = rustFields(source, input.rust[1]);
    assert.ok(rust.denyUnknown, `${input.rust[1]} must deny unknown fields, or a misspelt field passes unseen`);
    const typeLabel = label.replace(/^Partial<(.*)>$/, '$1');
    problems.push(...compareFields(typeLabel, declared, rust.fields));
    for (const f of [...rust.fields, ...declared]) if (INPUT_EXCEPTIONS[`${typeLabel}.${f}`]) used.add(`${typeLabel}.${f}`);

    // The built package is the truth the source is read for: it knows every
    // field found in the source, and refuses a name that is none.
    for (const f of rust.fields) assert.ok(knows(input, f), `${label}.${f}: in the Rust source, unknown to the built package`);
    const probe = attempt(input.calls[0], { ...input.sample, zzProbe: 1 });
    assert.equal(probe?.field, `${input.at}zzProbe`, `${label}: an unknown field must be refused by name`);
    assert.match(probe.message, UNKNOWN_FIELD);
    // Once the message lists serde's expected fields, they are the ones read from the source.
    const listed = fieldsInMessage(probe.message);
    if (listed) assert.deepEqual([...listed].sort(), [...rust.fields].sort(), `${label}: the fields serde lists`);
  }
  assert.deepEqual(problems, []);
  assert.deepEqual([...used].sort(), Object.keys(INPUT_EXCEPTIONS).sort(), 'an exception that no longer applies');
  // What the exception says: the package takes no plain code.
  const plain = attempt(INPUTS.PosPaymentInput.calls[0], { ...without(FULL.PosPaymentInput, 'encryptedPaymentCode'), paymentCode: SCANNED });
  assert.deepEqual([plain?.code, plain?.field], ['invalidField', 'paymentCode']);
  // ... and says what a JS caller does instead (the core's "give the key" has no JS spelling).
  assert.match(plain?.message ?? '', /MomoPublicKey\.encryptPaymentCode/);
});

test('inputs: an object with every declared field is accepted; a declared-required one is required', () => {
  const found = inputTypes(DECLARED.full.members);
  for (const [label, input] of Object.entries(INPUTS)) {
    const declared = found.get(label).model;
    // The sample holds every declared member (nested ones too) with a value of its declared type.
    assert.deepEqual(differences(input.sample, declared, label, new Set(), { everyOptional: true }), []);
    for (const call of input.calls) {
      const refused = attempt(call, input.sample);
      assert.equal(refused, null, `${label}: ${refused?.field}: ${refused?.message}`);
    }
    for (const [name, member] of declared.props) {
      const e = attempt(input.calls[0], without(input.sample, name));
      if (member.optional) assert.equal(e, null, `${label}.${name} is declared optional: ${e?.message}`);
      else assert.deepEqual([e?.code, e?.field], ['missingField', `${input.at}${name}`], `${label}.${name} is declared required`);
    }
  }
});

test('the checker reports altered declarations: members removed, added, retyped, made optional; variants and calls', () => {
  const text = readFileSync(SHIPPED.full, 'utf8');
  const edits = [
    [/^\s*isFinal: boolean;\n/m, ''], // ResultCodeInfo: a member removed
    [/^(\s*)rawSignature: string;\n/m, '$&$1nonce: string;\n'], // SignedRequest: a member added
    [/^(\s*)refunds: RefundTrans\[\] \| null;/m, '$1refunds: RefundTrans[];'], // null no longer declared
    [/^(\s*)createdTime: number \| null;/m, '$1createdTime: string | null;'], // RefundTrans: retyped
    [/^(\s*)dedupeKey: string;/m, '$1dedupeKey?: string;'], // Notification: optional, yet always there
    [/\| \{ kind: "stale"; id: number; what: string \}/, '| { kind: "stale"; id: number }'], // LogEvent (the first): a member removed from a variant
    [/^\s*\| \{ outcome: "declined"; resultCode: number \}\n/m, ''], // Outcome: a variant removed
    [/^(\s*)\| \{ outcome: "refused"; resultCode: number \}/m, '$&$1| { outcome: "partlyRefunded"; resultCode: number }'], // RefundOutcome: a variant added
    [/^(\s*)verifyIpn\(body: RawBody\): Notification;/m, '$&$1verifyIpnRequest(request: Request): Notification;'], // MomoClient: a call added
  ];
  const altered = edits.reduce((t, [from, to]) => {
    assert.match(t, from, 'the declarations changed: update this edit');
    return t.replace(from, to);
  }, text);
  const declared = readDeclarations({ full: altered, browser: readFileSync(SHIPPED.browser, 'utf8') });
  const { problems, uncalled, unreached } = checkOutputs(declared, 'full');
  const distinct = [...new Set(problems.map((p) => p.replace(/\[\d+\]/g, '[]')))];
  const has = (pattern) => assert.ok(problems.some((p) => pattern.test(p)), `not reported: ${pattern}\n${distinct.join('\n')}`);
  has(/^explainResultCode\.isFinal: present at runtime, not declared in ResultCodeInfo$/);
  has(/^MomoClient\.posRequest\.nonce: declared in SignedRequest, missing at runtime$/);
  has(/^MomoClient\.parseQueryResponse\.body\.refunds: null where an array is declared$/);
  has(/^MomoClient\.parseQueryResponse\.body\.refunds\[0\]\.createdTime: \d+ where (string \| null|null \| string) is declared$/);
  has(/^PaymentDriver\.log\[\d+\]\.what: present at runtime, not declared in kind: "stale"$/);
  has(/^MomoClient\.verifyIpn\.dedupeKey: declared optional in Notification; returned values have every member/);
  has(/^PaymentDriver\.nextAction\.outcome: \{"outcome":"declined","resultCode":\d+\} where Outcome is declared$/);
  has(/^PaymentDriver\.lastResult\.isFinal: present at runtime, not declared in ResultCodeInfo$/);
  // A variant nothing returns, a call nothing exercises.
  for (const owner of ['RefundDriver.nextAction', 'RefundDriver.outcome', 'RefundDriver.log']) {
    assert.ok(unreached.includes(`${owner}: { outcome: "partlyRefunded" }`), unreached.join('\n'));
  }
  assert.deepEqual(uncalled, ['MomoClient.verifyIpnRequest']);
  // Unaltered, the same run is clean (the outputs test), so every report above comes from an edit.
});

test('the checker reports input drift both ways: a declared field Rust lacks, a Rust field undeclared', () => {
  const text = readFileSync(SHIPPED.full, 'utf8');
  const from = '  storeId?: string;\n';
  assert.ok(text.includes(from));
  // A call that takes back what the package returned reads no new input.
  const handedBack = '\nexport function checkRequest(response: MomoResponse<Answer>, request: SignedRequest): void;\n';
  const altered = readDeclarations({ full: text.replace(from, '  tableNo?: string;\n') + handedBack });
  const inputs = inputTypes(altered.full.members);
  assert.deepEqual([...inputs.keys()].sort(), Object.keys(INPUTS).sort());
  const declared = [...inputs.get('PosPaymentInput').model.props.keys()];
  const rust = rustFields(readFileSync(`${repo}crates/momo-pos/src/input.rs`, 'utf8'), 'PosPaymentInput').fields;
  assert.deepEqual(compareFields('PosPaymentInput', declared, rust), [
    'PosPaymentInput.storeId: read by Rust, not declared',
    'PosPaymentInput.tableNo: declared, not a field of the Rust struct',
  ]);
  // And the package itself refuses the declared-only field, naming it.
  const e = attempt(INPUTS.PosPaymentInput.calls[0], { ...FULL.PosPaymentInput, tableNo: 'T-4' });
  assert.equal(e.field, 'tableNo');
  assert.match(e.message, UNKNOWN_FIELD);

  // A field added in Rust only (source altered the way a change would).
  const source = readFileSync(`${repo}crates/momo-pos/src/input.rs`, 'utf8');
  const end = source.indexOf('\n}\n', source.indexOf('pub struct StatusQueryInput {'));
  const added = '\n    /// `tipAmount`.\n    #[serde(default, rename = "tipVnd")]\n    pub tip_amount: Option<u64>,\n    #[serde(skip)]\n    pub cache: u8,';
  const withTip = `${source.slice(0, end)}${added}${source.slice(end)}`;
  const read = rustFields(withTip, 'StatusQueryInput');
  assert.deepEqual(read.fields, ['orderId', 'requestId', 'lang', 'tipVnd'], 'rename applies, skip is not a field');
  assert.deepEqual(compareFields('StatusQueryInput', ['orderId', 'requestId', 'lang'], read.fields), [
    'StatusQueryInput.tipVnd: read by Rust, not declared',
  ]);
  // What the reader does not model, it refuses rather than misread.
  assert.throws(() => rustFields('#[serde(deny_unknown_fields)]\nstruct X {\n    #[serde(flatten)]\n    a: B,\n}\n', 'X'), /flatten/);
  // The serde message this test would read the list from, once the core keeps it.
  assert.deepEqual(fieldsInMessage('unknown field `zzProbe`, expected one of `orderId`, `requestId`, `lang`'), ['orderId', 'requestId', 'lang']);
  assert.deepEqual(fieldsInMessage('unknown field `zzProbe`, expected `min`'), ['min']);
  assert.deepEqual(fieldsInMessage('zzProbe: is not a field of options (expected `min` or `max`)'), ['min', 'max']);
  assert.equal(fieldsInMessage('zzProbe: is not a field of query'), null);
});

test('the Rust reader reads the structs as serde does (camelCase, every field)', () => {
  const read = (file, name) => rustFields(readFileSync(`${repo}${file}`, 'utf8'), name);
  assert.deepEqual(read('crates/momo-pos/src/request/pos.rs', 'Item').fields, [
    'id', 'name', 'description', 'category', 'imageUrl', 'manufacturer', 'price', 'currency', 'quantity', 'unit', 'totalPrice', 'taxAmount',
  ]);
  assert.deepEqual(read('bindings/wasm/src/client.rs', 'Limits'), { fields: ['min', 'max'], denyUnknown: true });
  assert.equal(read('crates/momo-pos/src/input.rs', 'PosPaymentInput').fields.length, 17);
});

test('a wrong-typed sample and an undeclared sample field are caught (controls of the input check)', () => {
  const declared = inputTypes(DECLARED.full.members).get('ConfirmInput').model;
  assert.deepEqual(differences({ ...FULL.ConfirmInput, amount: '59000', tip: 1 }, declared, 'ConfirmInput', new Set(), { everyOptional: true }), [
    'ConfirmInput.tip: present at runtime, not declared in ConfirmInput',
    'ConfirmInput.amount: "59000" where number is declared',
  ]);
  assert.deepEqual(differences(without(FULL.ConfirmInput, 'lang'), declared, 'ConfirmInput', new Set(), { everyOptional: true }), [
    'ConfirmInput.lang: declared (optional) in ConfirmInput, not given',
  ]);
});
