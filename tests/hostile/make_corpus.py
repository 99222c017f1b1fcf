#!/usr/bin/env python3
"""Worst-case IPN bodies for the JSON reader, up to 64 KiB each.

An IPN URL is public: anyone can POST to it, and the body is read before its
signature can fail. Each body here stresses one part of the reader (keys,
key comparisons, nesting, escapes, surrogate pairs, numbers, arrays,
whitespace, a duplicate found last, signed fields as long as allowed). All
but `normal` carry a well-formed but wrong signature, so a verifier does all
the work it can before refusing them. `corpus.json` lists each body with
the error kind a verifier must give (or "ok" for `normal`, whose signature
this script computes with Python's hmac, independently of momo-pos).

The Rust property test, the criterion bench, the C tests (ASan, valgrind),
the wasm tests, the Node bench and the load test read these files.

    python3 tests/hostile/make_corpus.py          # (re)write the files
    python3 tests/hostile/make_corpus.py --check  # exit 1 if one is stale

Deterministic: a fixed seed, no timestamps.
"""

import hashlib
import hmac
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LIMIT = 64 * 1024
MAX_KEYS = 128
MAX_VALUES = 512
MAX_STRING_BYTES = 4096
MAX_KEY_BYTES = 64
MAX_DEPTH = 16
MAX_ESCAPES = 2048

# MoMo's public sandbox credentials (the ones every momo-pos test uses).
ACCESS_KEY = "F8BBA842ECF85"
SECRET_KEY = "K951B6PE1waDMi640xX08PD3vg6EkVlz"
IPN_ORDER = ["amount", "extraData", "message", "orderId", "orderInfo",
             "orderType", "partnerCode", "payType", "requestId", "responseTime",
             "resultCode", "transId"]
WRONG_SIGNATURE = "0" * 64
# Every kind of escape, as JSON text.
ESCAPES = ['\\n', '\\t', '\\"', '\\\\', '\\/', '\\b', '\\u00e9', '\\u0041',
           '\\ud83d\\ude00']


def ipn_fields(**overrides):
    fields = {
        "partnerCode": "MOMO",
        "orderId": "HOSTILE-1",
        "requestId": "HOSTILE-1-r",
        "amount": 50000,
        "orderInfo": "Ca phe sua da",
        "orderType": "momo_wallet",
        "transId": 4088878653,
        "resultCode": 0,
        "message": "Thành công.",
        "payType": "qr",
        "responseTime": 1721720663942,
        "extraData": "",
    }
    fields.update(overrides)
    return fields


def member(key, value_text):
    return json.dumps(key) + ":" + value_text


def body(members, fields, signature=WRONG_SIGNATURE):
    """Filler members first, then the IPN's own fields and the signature."""
    parts = list(members)
    parts += [member(k, json.dumps(v, ensure_ascii=False)) for k, v in fields.items()]
    parts.append(member("signature", json.dumps(signature)))
    return "{" + ",".join(parts) + "}"


def fill(make, fields, budget=LIMIT):
    """As many filler members from make(i) as fit under budget bytes."""
    members = []
    while True:
        candidate = members + [make(len(members))]
        if len(body(candidate, fields).encode()) > budget:
            return body(members, fields)
        members = candidate


def sign(fields):
    raw = "accessKey=" + ACCESS_KEY + "".join(
        "&%s=%s" % (k, fields[k]) for k in IPN_ORDER)
    return hmac.new(SECRET_KEY.encode(), raw.encode(), hashlib.sha256).hexdigest()


def short_key(i):
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    s = ""
    i += 1
    while i:
        i -= 1
        s = alphabet[i % 26] + s
        i //= 26
    return s


def escape_run(rng, size):
    """A string's JSON text of about size bytes, all escapes, in an order a
    branch predictor cannot learn."""
    out, n = [], 0
    while n < size - 12:
        p = rng.choice(ESCAPES)
        out.append(p)
        n += len(p)
    return '"' + "".join(out) + '"'


def build():
    rng = random.Random(17)
    ipn = ipn_fields()
    n_fields = len(ipn) + 1
    cases = []

    def case(name, text, expect, stresses):
        data = text.encode()
        assert len(data) <= LIMIT, (name, len(data))
        json.loads(text) if expect != "duplicate_key" else None
        cases.append((name, data, expect, stresses))

    # The attack the issue measured: 8,496 distinct short keys.
    case("many-keys",
         fill(lambda i: member(short_key(i), "0"), ipn),
         "json_limit", "keys per object (refused at MAX_KEYS + 1)")
    # As many keys as allowed, each as long as allowed, sharing a prefix:
    # the most expensive key comparisons the sort can be made to do.
    prefix = "k" * (MAX_KEY_BYTES - 4)
    case("long-keys",
         body([member("%s%04d" % (prefix, MAX_KEYS - n_fields - i), "0")
               for i in range(MAX_KEYS - n_fields)], ipn),
         "signature_mismatch", "key comparisons: MAX_KEYS keys of MAX_KEY_BYTES, one prefix")
    case("too-long-key",
         body([member("k" * 60000, "0")], ipn),
         "json_limit", "a key past MAX_KEY_BYTES")
    # Nested objects of MAX_KEYS keys each, as many as the value cap allows.
    def nested(i):
        keys = ",".join(member("%s%03d" % ("n" * (MAX_KEY_BYTES - 3), MAX_KEYS - j), "1")
                        for j in range(MAX_KEYS))
        return member("o%d" % i, "{" + keys + "}")
    case("nested-keys",
         body([nested(i) for i in range((MAX_VALUES - n_fields) // (MAX_KEYS + 1))], ipn),
         "signature_mismatch", "keys of nested objects, sorted per object")
    # Nesting to MAX_DEPTH, repeated.
    deep = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    case("deep-nesting",
         body([member("d%d" % i, deep) for i in range((MAX_VALUES - n_fields) // MAX_DEPTH)], ipn),
         "signature_mismatch", "nesting at MAX_DEPTH")
    case("too-deep",
         body([member("d", "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))], ipn),
         "json_limit", "nesting at MAX_DEPTH + 1")
    # Escapes in an order a branch predictor cannot learn: MAX_ESCAPES of
    # them (the most allowed), then the whole body full (refused at the cap).
    escapes = [rng.choice(ESCAPES) for _ in range(MAX_ESCAPES)]
    strings, current = [], ""
    for e in escapes:
        if len(current) + len(e) > MAX_STRING_BYTES:
            strings.append(current)
            current = ""
        current += e
    strings.append(current)
    case("escapes",
         body([member("e%d" % i, '"' + t + '"') for i, t in enumerate(strings)], ipn),
         "signature_mismatch", "MAX_ESCAPES escapes in a random order")
    case("too-many-escapes",
         fill(lambda i: member("e%d" % i, escape_run(rng, MAX_STRING_BYTES)), ipn),
         "json_limit", "escapes past MAX_ESCAPES")
    pair = "\\ud83d\\ude00"
    per_string = MAX_STRING_BYTES // len(pair)
    strings = [pair * per_string] * (MAX_ESCAPES // per_string) + [pair * (MAX_ESCAPES % per_string)]
    case("surrogate-pairs",
         body([member("s%d" % i, '"' + t + '"') for i, t in enumerate(strings)], ipn),
         "signature_mismatch", "MAX_ESCAPES \\u surrogate pairs")
    # Long numbers, as many as the value cap allows.
    count = MAX_VALUES - n_fields - 1
    digits = (LIMIT - 1000) // count - 8
    number = "-" + "1234567890" * (digits // 20) + ".5e+" + "9" * (digits // 2)
    case("numbers",
         body([member("n", "[" + ",".join([number] * count) + "]")], ipn),
         "signature_mismatch", "number syntax")
    case("big-array",
         body([member("a", "[" + ",".join(["0"] * 32000) + "]")], ipn),
         "json_limit", "array elements (refused at MAX_VALUES + 1)")
    case("string-array",
         body([member("a", "[" + ",".join(['"%s"' % ("x" * 50)] * (MAX_VALUES - n_fields - 1)) + "]")], ipn),
         "signature_mismatch", "many short strings in one array")
    case("long-string",
         body([member("x", '"' + "y" * 60000 + '"')], ipn),
         "json_limit", "one string past MAX_STRING_BYTES")
    case("whitespace",
         "{" + " \t\r\n" * ((LIMIT - 600) // 4) + body([], ipn)[1:],
         "signature_mismatch", "whitespace between tokens")
    # A duplicate of the first key, found only after everything was read.
    keys = [member("%s%04d" % (prefix, i), "0") for i in range(MAX_KEYS - n_fields - 1)]
    keys.append(member("%s%04d" % (prefix, 0), "0"))
    case("duplicate-at-end", body(keys, ipn),
         "duplicate_key", "a duplicate key found last")
    # Every signed text field as long as allowed: the most HMAC input a body
    # can force before its signature fails.
    text = "z" * MAX_STRING_BYTES
    long_signed = ipn_fields(orderInfo=text, extraData=text, message=text,
                             orderType=text, payType=text)
    case("long-signed-fields", body([], long_signed),
         "signature_mismatch", "HMAC over signed fields at MAX_STRING_BYTES")
    # A genuine IPN, for comparison.
    case("normal", body([], ipn, sign(ipn)), "ok", "a genuine signed IPN")
    return cases


def main():
    check = sys.argv[1:] == ["--check"]
    cases = build()
    files = {name + ".json": data for name, data, _, _ in cases}
    manifest = [{"file": name + ".json", "bytes": len(data), "expect": expect,
                 "stresses": stresses} for name, data, expect, stresses in cases]
    files["corpus.json"] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    stale = []
    for name, data in files.items():
        path = os.path.join(HERE, name)
        if check:
            try:
                with open(path, "rb") as f:
                    if f.read() != data:
                        stale.append(name)
            except FileNotFoundError:
                stale.append(name)
        else:
            with open(path, "wb") as f:
                f.write(data)
    if stale:
        print("stale: %s (run python3 tests/hostile/make_corpus.py)" % ", ".join(stale))
        sys.exit(1)
    if not check:
        for m in manifest:
            print("%-20s %6d bytes  %s" % (m["file"], m["bytes"], m["expect"]))


if __name__ == "__main__":
    main()
