#!/usr/bin/env python3
"""Independent test oracle for the momo-pos Rust SDK.

This script is deliberately written WITHOUT looking at (or sharing code with)
the Rust implementation. It computes MoMo "Quick Pay - POS Scanner" request
signatures and builds IPN (notification) bodies using only the Python 3.11
standard library (json, hmac, hashlib, unicodedata, base64, plus sys/os/re for
plumbing), and writes them to tests/vectors/signatures.json (HMAC, requests,
IPN bodies) and tests/vectors/responses.json (answers to the pos, query and
confirm calls, unsigned and signed). The Rust tests load those files and
compare their own output against them.

Run from anywhere (paths are relative to this file):

    python3 tests/oracle/make_vectors.py          # (re)write tests/vectors/*.json
    python3 tests/oracle/make_vectors.py --check  # exit 1 if a file on disk is stale

The output is fully deterministic (no randomness, no timestamps): re-running
reproduces the file byte for byte. Do not hand-edit signatures.json.

Protocol (from the MoMo spec):
  signature = lowercase hex HMAC-SHA256(secretKey, UTF-8 of "k1=v1&k2=v2&...")
  with keys in a fixed order, values exactly as sent (no URL-encoding, "" for
  empty). accessKey comes from config. For JSON numbers the signed value is the
  digits exactly as written in the JSON text; for JSON strings it is the
  decoded string value (so "\\u00e0" signs as the character U+00E0).

Before writing, the script self-checks every vector:
  * RFC 4231 HMAC-SHA-256 test cases 1-4 against the values printed in the RFC;
  * every IPN body is run through an independent reference verifier
    (`reference_verify` below) and its verdict must equal the case's "expect";
  * every answer body is run through `reference_verify_response` likewise.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_PATH = os.path.normpath(os.path.join(HERE, "..", "vectors", "signatures.json"))
RESP_OUT_PATH = os.path.normpath(os.path.join(HERE, "..", "vectors", "responses.json"))

# Public MoMo sandbox credentials (published by MoMo; fine in tests).
PARTNER_CODE = "MOMO"
ACCESS_KEY = "F8BBA842ECF85"
SECRET_KEY = "K951B6PE1waDMi640xX08PD3vg6EkVlz"

POS_ORDER = ["accessKey", "amount", "extraData", "orderId", "orderInfo",
             "partnerCode", "paymentCode", "requestId"]
QUERY_ORDER = ["accessKey", "orderId", "partnerCode", "requestId"]
CONFIRM_ORDER = ["accessKey", "amount", "description", "orderId", "partnerCode",
                 "requestId", "requestType"]
REFUND_ORDER = ["accessKey", "amount", "description", "orderId", "partnerCode",
                "requestId", "transId"]
IPN_ORDER = ["accessKey", "amount", "extraData", "message", "orderId", "orderInfo",
             "orderType", "partnerCode", "payType", "requestId", "responseTime",
             "resultCode", "transId"]
IPN_NUMERIC = {"amount", "responseTime", "resultCode", "transId"}
IPN_STRING = set(IPN_ORDER) - IPN_NUMERIC - {"accessKey"}


# ---------------------------------------------------------------------------
# Primitives
# ---------------------------------------------------------------------------

def hmac_hex(key: bytes, msg: bytes) -> str:
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def raw_signature(order, values) -> str:
    """values: dict name -> str (already the exact signed text)."""
    parts = []
    for k in order:
        v = values[k]
        assert isinstance(v, str), (k, v)
        parts.append(f"{k}={v}")
    return "&".join(parts)


def sign(raw: str) -> str:
    return hmac_hex(SECRET_KEY.encode("utf-8"), raw.encode("utf-8"))


def counter_mode_bytes(label: str, n: int) -> bytes:
    """Deterministic pseudo-random bytes: SHA-256(label || be32(i)) for i = 0, 1, ..."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(label.encode("utf-8") + i.to_bytes(4, "big")).digest()
        i += 1
    return out[:n]


def fake_payment_code(label: str) -> str:
    """A plausible (opaque) RSA-2048 ciphertext in base64: 256 bytes -> 344 chars."""
    s = base64.b64encode(counter_mode_bytes(label, 256)).decode("ascii")
    assert len(s) == 344
    return s


# ---------------------------------------------------------------------------
# HMAC vectors (RFC 4231 + MoMo-secret text cases)
# ---------------------------------------------------------------------------

# Expected HMAC-SHA-256 outputs copied from RFC 4231 section 4.2-4.5, and
# cross-checked with `openssl dgst -sha256 -mac HMAC -macopt hexkey:...`.
RFC4231 = [
    ("rfc4231_case1",
     "0b" * 20,
     b"Hi There".hex(),
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    ("rfc4231_case2",
     b"Jefe".hex(),
     b"what do ya want for nothing?".hex(),
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    ("rfc4231_case3",
     "aa" * 20,
     "dd" * 50,
     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
    ("rfc4231_case4",
     "0102030405060708090a0b0c0d0e0f10111213141516171819",
     "cd" * 50,
     "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
]


def build_hmac():
    out = []
    for name, key_hex, data_hex, expected in RFC4231:
        got = hmac_hex(bytes.fromhex(key_hex), bytes.fromhex(data_hex))
        assert got == expected, (name, got, expected)
        out.append({"name": name, "keyHex": key_hex, "dataHex": data_hex, "hex": got})
    for name, msg in [
        ("momo_secret_ascii", "accessKey=F8BBA842ECF85&orderId=MM1540456472575"
                              "&partnerCode=MOMO&requestId=MM1540456472575"),
        ("momo_secret_empty_message", ""),
        ("momo_secret_utf8", "Thanh toán đơn hàng Cà phê sữa đá"),
    ]:
        out.append({"name": name, "key": SECRET_KEY, "message": msg,
                    "hex": hmac_hex(SECRET_KEY.encode("utf-8"), msg.encode("utf-8"))})
    return out


# ---------------------------------------------------------------------------
# Request vectors (pos / query / confirm)
# ---------------------------------------------------------------------------

VI_NFC = unicodedata.normalize("NFC", "Thanh toán đơn hàng Cà phê sữa đá")
VI_NFD = unicodedata.normalize("NFD", VI_NFC)
assert VI_NFC != VI_NFD and VI_NFC.encode() != VI_NFD.encode()
EXTRA_DATA_B64 = base64.b64encode(json.dumps({"username": "momo"}).encode("utf-8")).decode("ascii")
assert EXTRA_DATA_B64 == "eyJ1c2VybmFtZSI6ICJtb21vIn0=", EXTRA_DATA_B64


def request_vector(name, order, fields):
    values = {"accessKey": ACCESS_KEY}
    for k, v in fields.items():
        values[k] = str(v) if isinstance(v, int) else v
    raw = raw_signature(order, values)
    assert set(fields) == set(order) - {"accessKey"}, name
    return {"name": name, "fields": fields, "rawSignature": raw, "signature": sign(raw)}


def pos_fields(amount, extra, order_id, order_info, payment_label, request_id):
    return {"amount": amount, "extraData": extra, "orderId": order_id,
            "orderInfo": order_info, "partnerCode": PARTNER_CODE,
            "paymentCode": fake_payment_code(payment_label), "requestId": request_id}


def build_pos():
    cases = [
        ("ascii_basic", pos_fields(50000, "", "MM1540456472575", "Thanh toan don hang",
                                   "paymentCode-1", "MM1540456472575")),
        ("vietnamese_nfc_orderInfo", pos_fields(50000, "", "MM1540456472576", VI_NFC,
                                                "paymentCode-2", "MM1540456472576-req")),
        ("orderInfo_with_ampersand_injection",
         pos_fields(50000, "", "MM1540456472577", "x&partnerCode=EVIL&y",
                    "paymentCode-3", "MM1540456472577")),
        ("extraData_base64_username", pos_fields(50000, EXTRA_DATA_B64, "MM1540456472578",
                                                 "Thanh toan don hang", "paymentCode-4",
                                                 "MM1540456472578")),
        ("orderId_punctuation_amount_1000", pos_fields(1000, "", "a-b_c.d", "Cafe",
                                                       "paymentCode-5", "a-b_c.d")),
        ("orderId_dated_amount_5000000", pos_fields(5000000, "", "ORDER.2026-11-23_001",
                                                    "Laptop", "paymentCode-6",
                                                    "REQ.2026-11-23_001")),
    ]
    out = [request_vector(n, POS_ORDER, f) for n, f in cases]
    # The paymentCodes must exercise '+', '/' and '=' (no URL-encoding allowed).
    joined = "".join(v["fields"]["paymentCode"] for v in out)
    assert "+" in joined and "/" in joined and "=" in joined
    return out


def build_query():
    cases = [
        ("basic", {"orderId": "MM1540456472575", "partnerCode": PARTNER_CODE,
                   "requestId": "MM1540456472575"}),
        ("orderId_dated", {"orderId": "ORDER.2026-11-23_001", "partnerCode": PARTNER_CODE,
                           "requestId": "REQ.2026-11-23_002"}),
        ("orderId_punctuation", {"orderId": "a-b_c.d", "partnerCode": PARTNER_CODE,
                                 "requestId": "q-a-b_c.d"}),
    ]
    return [request_vector(n, QUERY_ORDER, f) for n, f in cases]


def build_confirm():
    cases = [
        ("capture", {"amount": 50000, "description": "Xac nhan giao dich",
                     "orderId": "MM1540456472575", "partnerCode": PARTNER_CODE,
                     "requestId": "MM1540456472575-c", "requestType": "capture"}),
        ("cancel_empty_description", {"amount": 50000, "description": "",
                                      "orderId": "MM1540456472575", "partnerCode": PARTNER_CODE,
                                      "requestId": "MM1540456472575-x",
                                      "requestType": "cancel"}),
        ("capture_vietnamese_description", {"amount": 5000000,
                                            "description": "Xác nhận giao dịch",
                                            "orderId": "ORDER.2026-11-23_001",
                                            "partnerCode": PARTNER_CODE,
                                            "requestId": "REQ.2026-11-23_003",
                                            "requestType": "capture"}),
    ]
    return [request_vector(n, CONFIRM_ORDER, f) for n, f in cases]


def build_refund():
    def refund(amount, description, order_id, request_id, trans_id):
        return {"amount": amount, "description": description, "orderId": order_id,
                "partnerCode": PARTNER_CODE, "requestId": request_id, "transId": trans_id}
    cases = [
        ("full_vietnamese_description",
         refund(50000, "Hoàn tiền đơn hàng Cà phê sữa đá", "MM1540456472575-R1",
                "MM1540456472575-R1", 4088878653)),
        ("partial_empty_description",
         refund(20000, "", "MM1540456472575-R2", "MM1540456472575-R2", 4088878653)),
        # Above 2^53: a double would sign 9007199254740992.
        ("trans_id_above_2_pow_53",
         refund(1000, "Khach tra hang", "ORDER.2026-11-23_001-R1", "REQ.2026-11-23_004",
                9007199254740993)),
        ("amount_max_50000000",
         refund(50000000, "Return", "ORDER.2026-11-23_002-R1", "REQ.2026-11-23_005",
                9223372036854775807)),
    ]
    out = [request_vector(n, REFUND_ORDER, f) for n, f in cases]
    assert "transId=9007199254740993" in out[2]["rawSignature"]
    return out


# ---------------------------------------------------------------------------
# IPN bodies
# ---------------------------------------------------------------------------
#
# A body is described by an ordered list of (key, json_token_text) pairs, so
# the exact number text (and string escaping) is fully under our control.
# The signature is computed from a separate dict of signed values.

def jstr(s: str, ascii_escapes=False) -> str:
    """JSON string token. Raw UTF-8 by default; \\uXXXX escapes if ascii_escapes."""
    return json.dumps(s, ensure_ascii=ascii_escapes)


BASE_IPN = {  # signed values (all text); numbers are given as their JSON digits
    "partnerCode": PARTNER_CODE,
    "orderId": "MM1540456472575",
    "requestId": "MM1540456472575",
    "amount": "50000",
    "orderInfo": "Thanh toan don hang",
    "orderType": "momo_wallet",
    "transId": "4088878653",
    "resultCode": "0",
    "message": "Successful.",
    "payType": "pos",
    "responseTime": "1763886412345",
    "extraData": "",
}
BODY_ORDER = ["partnerCode", "orderId", "requestId", "amount", "orderInfo", "orderType",
              "transId", "resultCode", "message", "payType", "responseTime", "extraData"]


def ipn_signature(values) -> str:
    v = dict(values)
    v["accessKey"] = ACCESS_KEY
    return sign(raw_signature(IPN_ORDER, v))


def default_tokens(values, ascii_escapes=False):
    toks = []
    for k in BODY_ORDER:
        if k in IPN_NUMERIC:
            toks.append((k, values[k]))
        else:
            toks.append((k, jstr(values[k], ascii_escapes)))
    return toks


def render(tokens, pretty=False) -> str:
    if pretty:
        inner = ",\n".join(f'    "{k}" :  {t}' for k, t in tokens)
        return "{\n" + inner + "\n}\n"
    return "{" + ",".join(f'"{k}":{t}' for k, t in tokens) + "}"


def set_tok(tokens, key, tok):
    return [(k, tok if k == key else t) for k, t in tokens]


def drop_tok(tokens, key):
    return [(k, t) for k, t in tokens if k != key]


def with_sig(tokens, sig, partner_user_id=None):
    toks = list(tokens)
    if partner_user_id is not None:
        toks.append(("partnerUserId", jstr(partner_user_id)))
    toks.append(("signature", jstr(sig)))
    return toks


def simple_body(overrides=None, pretty=False, ascii_escapes=False, partner_user_id=None):
    values = dict(BASE_IPN)
    values.update(overrides or {})
    toks = default_tokens(values, ascii_escapes)
    return render(with_sig(toks, ipn_signature(values), partner_user_id), pretty), values


def build_ipn():
    cases = []

    def add(name, body, expect, why):
        cases.append({"name": name, "body": body, "expect": expect, "why": why})

    # ---- valid -----------------------------------------------------------
    base_body, _ = simple_body()
    base_sig = ipn_signature(BASE_IPN)
    add("valid_basic", base_body, "valid",
        "Ordinary paid IPN (resultCode 0, amount 50000) signed honestly.")

    add("valid_transId_above_2_53",
        simple_body({"transId": "9007199254740993"})[0], "valid",
        "transId 9007199254740993 > 2^53 must be signed with its exact digits "
        "(a float round trip would give ...992).")

    vi = {"orderInfo": VI_NFC, "message": "Giao dịch thành công."}
    vi_raw_body, _ = simple_body(vi)
    vi_esc_body, _ = simple_body(vi, ascii_escapes=True)
    assert vi_raw_body != vi_esc_body and "\\u" in vi_esc_body
    assert vi_raw_body.rsplit('"signature"', 1)[1] == vi_esc_body.rsplit('"signature"', 1)[1]
    add("valid_vietnamese_raw_utf8", vi_raw_body, "valid",
        "Vietnamese orderInfo and message in NFC, written as raw UTF-8.")
    add("valid_vietnamese_json_u_escapes", vi_esc_body, "valid",
        "Same strings as valid_vietnamese_raw_utf8 written as \\uXXXX escapes; "
        "signed over the decoded characters, so the signature is identical.")

    # Escapes other than \u: \" \\ \/ and a surrogate pair for a non-BMP char.
    tricky = 'Order "VIP" A/B \\ tab\there \U0001F600'
    toks = default_tokens({**BASE_IPN, "orderInfo": tricky})
    esc = ('"Order \\"VIP\\" A\\/B \\\\ tab\\there \\ud83d\\ude00"')
    assert json.loads(esc) == tricky
    toks = set_tok(toks, "orderInfo", esc)
    add("valid_json_escapes_and_surrogate_pair",
        render(with_sig(toks, ipn_signature({**BASE_IPN, "orderInfo": tricky}))), "valid",
        "orderInfo uses \\\" \\\\ \\/ \\t and a \\ud83d\\ude00 surrogate pair; "
        "signed over the decoded text.")

    add("valid_orderInfo_ampersand_injection",
        simple_body({"orderInfo": "x&partnerCode=EVIL&y"})[0], "valid",
        "orderInfo contains '&partnerCode=EVIL' but is signed honestly; "
        "the real partnerCode field is MOMO.")

    add("valid_resultCode_9000_authorized",
        simple_body({"resultCode": "9000", "message": "Transaction is authorized successfully."})[0],
        "valid", "resultCode 9000 (authorized): verification is about authenticity, not success.")

    add("valid_resultCode_1006_user_declined",
        simple_body({"resultCode": "1006",
                     "message": "Giao dịch thất bại do người dùng đã từ chối "
                                "xác nhận thanh toán."})[0],
        "valid", "A failed payment (1006) with an authentic signature still verifies.")

    add("valid_extraData_and_partnerUserId",
        simple_body({"extraData": EXTRA_DATA_B64}, partner_user_id="momo")[0], "valid",
        "Non-empty extraData is signed; partnerUserId is present but not a signed field.")

    add("valid_pretty_printed",
        simple_body({"orderId": "ORDER.2026-11-23_001", "requestId": "REQ.2026-11-23_001"},
                    pretty=True)[0],
        "valid", "Whitespace and newlines between tokens (pretty-printed) do not matter.")

    # ---- signature_mismatch ------------------------------------------------
    vi_nfd_toks = default_tokens({**BASE_IPN, **vi, "orderInfo": VI_NFD})
    add("mismatch_orderInfo_nfd_signed_nfc",
        render(with_sig(vi_nfd_toks, ipn_signature({**BASE_IPN, **vi}))),
        "signature_mismatch",
        "orderInfo is sent in NFD but the signature covers the NFC text; "
        "the verifier must not Unicode-normalize.")

    flipped = base_sig[:10] + ("0" if base_sig[10] != "0" else "1") + base_sig[11:]
    add("mismatch_one_hex_digit_changed",
        render(with_sig(default_tokens(BASE_IPN), flipped)), "signature_mismatch",
        "One hex digit of an otherwise valid signature was changed.")

    add("mismatch_amount_tampered",
        render(with_sig(set_tok(default_tokens(BASE_IPN), "amount", "50001"), base_sig)),
        "signature_mismatch", "amount changed from 50000 to 50001 after signing.")

    # ---- malformed_signature --------------------------------------------------
    for name, sig, why in [
        ("malformed_sig_empty", "", "signature is the empty string."),
        ("malformed_sig_63_chars", base_sig[:63], "signature truncated to 63 hex chars."),
        ("malformed_sig_32_chars", base_sig[:32], "signature truncated to 32 hex chars."),
        ("malformed_sig_uppercase", base_sig.upper(),
         "Correct value but uppercase hex; MoMo signatures are lowercase hex."),
        ("malformed_sig_non_hex_g", base_sig[:20] + "g" + base_sig[21:],
         "64 chars but contains the non-hex character 'g'."),
        ("malformed_sig_66_chars", base_sig + "00", "signature is 66 chars long."),
    ]:
        assert sig != base_sig
        add(name, render(with_sig(default_tokens(BASE_IPN), sig)), "malformed_signature", why)

    # ---- invalid_field: numbers that are not JSON integers --------------------
    # Each is signed over exactly the text as written, so only the type rule can reject.
    def signed_as(signed_overrides, tok_overrides):
        values = {**BASE_IPN, **signed_overrides}
        toks = default_tokens(values)
        for k, t in tok_overrides.items():
            toks = set_tok(toks, k, t)
        return render(with_sig(toks, ipn_signature(values)))

    add("invalid_amount_exponent", signed_as({"amount": "1e3"}, {"amount": "1e3"}),
        "invalid_field", "amount written as 1e3 is not a JSON integer (signed as amount=1e3).")
    add("invalid_amount_string", signed_as({"amount": "1000"}, {"amount": '"1000"'}),
        "invalid_field", "amount is the JSON string \"1000\", not a number (signed as amount=1000).")
    add("invalid_amount_decimal", signed_as({"amount": "1000.0"}, {"amount": "1000.0"}),
        "invalid_field", "amount written as 1000.0 is not a JSON integer (signed as amount=1000.0).")
    add("invalid_amount_negative", signed_as({"amount": "-1"}, {"amount": "-1"}),
        "invalid_field", "amount -1 is negative (signed as amount=-1).")
    add("invalid_transId_string", signed_as({}, {"transId": '"4088878653"'}),
        "invalid_field", "transId is a JSON string instead of a number.")
    add("invalid_resultCode_string", signed_as({}, {"resultCode": '"0"'}),
        "invalid_field", "resultCode is a JSON string instead of a number.")
    add("invalid_extraData_null", signed_as({"extraData": ""}, {"extraData": "null"}),
        "invalid_field", "extraData is null, not a string (signed as extraData= empty).")

    # ---- duplicate_key --------------------------------------------------------
    def dup_amount(first, second, signed):
        toks = default_tokens({**BASE_IPN, "amount": signed})
        i = [k for k, _ in toks].index("amount")
        toks = toks[:i] + [("amount", first), ("amount", second)] + toks[i + 1:]
        return render(with_sig(toks, ipn_signature({**BASE_IPN, "amount": signed})))

    add("duplicate_amount_signed_last", dup_amount("1000", "50000", "50000"), "duplicate_key",
        "amount appears twice (1000 then 50000), signed over the last one, "
        "so a last-wins parser would accept it.")
    add("duplicate_amount_signed_first", dup_amount("1000", "50000", "1000"), "duplicate_key",
        "amount appears twice (1000 then 50000), signed over the first one, "
        "so a first-wins parser would accept it.")

    # ---- missing_field --------------------------------------------------------
    # Missing signed fields are signed as if they were "" so that only the
    # presence rule can reject them.
    add("missing_transId",
        render(with_sig(drop_tok(default_tokens(BASE_IPN), "transId"),
                        ipn_signature({**BASE_IPN, "transId": ""}))),
        "missing_field", "No transId key (signed as transId= empty).")
    add("missing_signature", render(default_tokens(BASE_IPN)), "missing_field",
        "No signature key at all.")
    add("missing_extraData",
        render(with_sig(drop_tok(default_tokens(BASE_IPN), "extraData"),
                        ipn_signature({**BASE_IPN, "extraData": ""}))),
        "missing_field", "No extraData key (signed as extraData= empty); every signed field "
                         "must be present.")

    # ---- invalid_json ---------------------------------------------------------
    add("invalid_json_truncated", base_body[: len(base_body) // 2], "invalid_json",
        "Body cut in the middle.")
    add("invalid_json_array", "[" + base_body + "]", "invalid_json",
        "Top-level JSON array instead of an object.")
    add("invalid_json_trailing_garbage", base_body + " x", "invalid_json",
        "A valid object followed by trailing garbage.")
    add("invalid_json_empty", "", "invalid_json", "Empty body.")

    return cases


# ---------------------------------------------------------------------------
# Reference verifier (used only to self-check the vectors)
# ---------------------------------------------------------------------------

class JInt(str):
    """A JSON integer, kept as its exact digits."""


class JFloat(str):
    """A JSON number with a fraction or exponent, kept as its exact text."""


class Reject(Exception):
    def __init__(self, kind):
        super().__init__(kind)
        self.kind = kind


def _no_dupes(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise Reject("duplicate_key")
    return dict(pairs)


def _bad_constant(name):
    raise Reject("invalid_json")  # NaN / Infinity are not JSON


SIG_RE = re.compile(r"[0-9a-f]{64}")


def parse_object(body: str) -> dict:
    """Strict parse: one JSON object, no duplicate keys, numbers kept as text."""
    try:
        obj = json.loads(body, object_pairs_hook=_no_dupes, parse_int=JInt,
                         parse_float=JFloat, parse_constant=_bad_constant)
    except json.JSONDecodeError:
        raise Reject("invalid_json")
    if not isinstance(obj, dict):
        raise Reject("invalid_json")
    return obj


def reference_verify(body: str) -> str:
    try:
        obj = parse_object(body)
        for k in IPN_ORDER[1:] + ["signature"]:
            if k not in obj:
                raise Reject("missing_field")
        values = {"accessKey": ACCESS_KEY}
        for k in IPN_ORDER[1:]:
            v = obj[k]
            if k in IPN_NUMERIC:
                if type(v) is not JInt:
                    raise Reject("invalid_field")
                if k == "amount" and v.startswith("-"):
                    raise Reject("invalid_field")
            elif type(v) is not str:
                raise Reject("invalid_field")
            values[k] = str(v)
        sig = obj["signature"]
        if type(sig) is not str or not SIG_RE.fullmatch(sig):
            raise Reject("malformed_signature")
        if not hmac.compare_digest(sign(raw_signature(IPN_ORDER, values)), sig):
            raise Reject("signature_mismatch")
        return "valid"
    except Reject as r:
        return r.kind


def check_ipn(cases):
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    for c in cases:
        got = reference_verify(c["body"])
        assert got == c["expect"], (c["name"], got, c["expect"])
        if c["expect"] == "valid":
            # Independent re-check the brief asks for: parse keeping exact digits.
            obj = json.loads(c["body"], parse_int=str, parse_float=str)
            vals = {k: obj[k] for k in IPN_ORDER[1:]}
            vals["accessKey"] = ACCESS_KEY
            assert sign(raw_signature(IPN_ORDER, vals)) == obj["signature"], c["name"]
    # Specific invariants.
    by = {c["name"]: c for c in cases}
    big = json.loads(by["valid_transId_above_2_53"]["body"], parse_int=str)
    assert big["transId"] == "9007199254740993"
    assert str(int(float("9007199254740993"))) == "9007199254740992"
    raw = json.loads(by["valid_vietnamese_raw_utf8"]["body"])
    esc = json.loads(by["valid_vietnamese_json_u_escapes"]["body"])
    assert raw == esc and raw["signature"] == esc["signature"]
    assert by["valid_vietnamese_json_u_escapes"]["body"].isascii()
    assert not by["valid_vietnamese_raw_utf8"]["body"].isascii()
    nfd = json.loads(by["mismatch_orderInfo_nfd_signed_nfc"]["body"])
    assert unicodedata.normalize("NFC", nfd["orderInfo"]) == VI_NFC != nfd["orderInfo"]


def check_lenient_signatures(cases):
    """For type/duplicate/missing cases, the signature must be what a lenient
    implementation (which skipped that rule) would compute, so that only the
    claimed rule rejects the body."""
    lenient = {
        "invalid_amount_exponent": {"amount": "1e3"},
        "invalid_amount_string": {"amount": "1000"},
        "invalid_amount_decimal": {"amount": "1000.0"},
        "invalid_amount_negative": {"amount": "-1"},
        "invalid_transId_string": {},
        "invalid_resultCode_string": {},
        "invalid_extraData_null": {"extraData": ""},
        "duplicate_amount_signed_last": {"amount": "50000"},
        "duplicate_amount_signed_first": {"amount": "1000"},
        "missing_transId": {"transId": ""},
        "missing_extraData": {"extraData": ""},
    }
    by = {c["name"]: c for c in cases}
    for name, over in lenient.items():
        sig = json.loads(by[name]["body"])["signature"]
        assert sig == ipn_signature({**BASE_IPN, **over}), name
        assert name in by
    # And the raw number text really is what's in the body.
    assert '"amount":1e3,' in by["invalid_amount_exponent"]["body"]
    assert '"amount":1000.0,' in by["invalid_amount_decimal"]["body"]
    assert '"amount":-1,' in by["invalid_amount_negative"]["body"]
    assert '"amount":"1000",' in by["invalid_amount_string"]["body"]
    assert '"amount":1000,"amount":50000,' in by["duplicate_amount_signed_last"]["body"]



# ---------------------------------------------------------------------------
# Responses (answers to pos / query / confirm) -> tests/vectors/responses.json
# ---------------------------------------------------------------------------
#
# MoMo documents these answers WITHOUT a signature; live query answers have
# been seen with "signature": null. When a signature is present it is checked
# over the answer's documented fields, a-z after accessKey (the IPN rule):

RESP_ORDER = {
    "pos": ["accessKey", "amount", "message", "orderId", "partnerCode", "requestId",
            "responseTime", "resultCode", "transId"],
    "query": ["accessKey", "amount", "extraData", "message", "orderId", "partnerCode",
              "payType", "requestId", "responseTime", "resultCode", "transId"],
    "confirm": ["accessKey", "amount", "message", "orderId", "partnerCode", "requestId",
                "requestType", "responseTime", "resultCode", "transId"],
    # Documented unsigned; a signature, if ever sent, is assumed to cover what
    # the answer carries, like a pos answer's.
    "refund": ["accessKey", "amount", "message", "orderId", "partnerCode", "requestId",
               "responseTime", "resultCode", "transId"],
}
RESP_NUMERIC = {"amount", "responseTime", "resultCode", "transId"}

BASE_RESP = {
    "pos": {"partnerCode": PARTNER_CODE, "orderId": "MM1540456472575",
            "requestId": "MM1540456472575", "amount": "50000", "transId": "4088878653",
            "resultCode": "0", "message": "Successful.", "responseTime": "1763886412345"},
    "query": {"partnerCode": PARTNER_CODE, "orderId": "MM1540456472575",
              "requestId": "MM1540456472575-q1", "extraData": "", "amount": "50000",
              "transId": "4088878653", "payType": "pos", "resultCode": "0",
              "message": "Successful.", "responseTime": "1763886413000"},
    "confirm": {"partnerCode": PARTNER_CODE, "orderId": "MM1540456472575",
                "requestId": "MM1540456472575-c", "amount": "50000",
                "transId": "4088878653", "resultCode": "0", "message": "Successful.",
                "requestType": "capture", "responseTime": "1763886414000"},
    # The refund's own orderId and transId (above 2^53).
    "refund": {"partnerCode": PARTNER_CODE, "orderId": "MM1540456472575-R1",
               "requestId": "MM1540456472575-R1", "amount": "20000",
               "transId": "9007199254740995", "resultCode": "0",
               "message": "Th\u00e0nh c\u00f4ng.", "responseTime": "1763886415000"},
}
RESP_BODY_ORDER = {
    "pos": ["partnerCode", "orderId", "requestId", "amount", "transId", "resultCode",
            "message", "responseTime"],
    "query": ["partnerCode", "orderId", "requestId", "extraData", "amount", "transId",
              "payType", "resultCode", "message", "responseTime"],
    "confirm": ["partnerCode", "orderId", "requestId", "amount", "transId", "resultCode",
                "message", "requestType", "responseTime"],
    "refund": ["partnerCode", "orderId", "requestId", "amount", "transId", "resultCode",
               "message", "responseTime"],
}

PROMOTION_INFO = ('[{"amount":5000,"amountSponsor":5000,"voucherId":"VC-2026-001",'
                  '"voucherType":"fixed","voucherName":"Gi\\u1ea3m 5k","merchantRate":"0"}]')
REFUND_TRANS = ('[{"orderId":"MM1540456472575-r1","amount":10000,"resultCode":0,'
                '"transId":9007199254740993,"createdTime":1763886500000},'
                '{"orderId":"MM1540456472575-r2","amount":5000,"resultCode":1080,'
                '"transId":4088878999,"createdTime":1763886600000}]')


def resp_signature(kind, values) -> str:
    v = dict(values)
    v["accessKey"] = ACCESS_KEY
    return sign(raw_signature(RESP_ORDER[kind], v))


def resp_tokens(kind, values):
    toks = []
    for k in RESP_BODY_ORDER[kind]:
        toks.append((k, values[k] if k in RESP_NUMERIC else jstr(values[k])))
    return toks


def build_responses(kinds=("pos", "query", "confirm")):
    cases = []

    def add(kind, name, body, expect, why, **extra):
        case = {"kind": kind, "name": name, "body": body, "expect": expect, "why": why}
        case.update(extra)
        cases.append(case)

    for kind in kinds:
        base = BASE_RESP[kind]
        toks = resp_tokens(kind, base)
        sig = resp_signature(kind, base)
        add(kind, f"{kind}_unsigned_absent", render(toks), "unsigned",
            "No signature key: MoMo documents this answer unsigned; never 'verified'.")
        add(kind, f"{kind}_unsigned_null", render(toks + [("signature", "null")]), "unsigned",
            '"signature": null, as seen live: unsigned, never verified.')
        add(kind, f"{kind}_signed_valid", render(toks + [("signature", jstr(sig))]), "verified",
            "Signed over the documented field set, a-z after accessKey.")
        add(kind, f"{kind}_signed_valid_pretty", render(toks + [("signature", jstr(sig))],
                                                        pretty=True), "verified",
            "Same as signed_valid, pretty-printed.")
        tampered = set_tok(toks, "amount", "50001")
        add(kind, f"{kind}_signed_amount_tampered",
            render(tampered + [("signature", jstr(sig))]), "signature_mismatch",
            "amount changed from 50000 to 50001 after signing.")
        add(kind, f"{kind}_signed_message_tampered",
            render(set_tok(toks, "message", jstr("Successful!")) + [("signature", jstr(sig))]),
            "signature_mismatch", "message changed after signing (message is signed).")
        add(kind, f"{kind}_signed_other_secret",
            render(toks + [("signature", jstr(hmac_hex(b"another-secret-key",
                   raw_signature(RESP_ORDER[kind], {**base, "accessKey": ACCESS_KEY})
                   .encode("utf-8"))))]),
            "signature_mismatch", "Right field set, signed with another secretKey.")
        add(kind, f"{kind}_sig_uppercase", render(toks + [("signature", jstr(sig.upper()))]),
            "malformed_signature", "Correct value in uppercase hex.")
        add(kind, f"{kind}_sig_63_chars", render(toks + [("signature", jstr(sig[:63]))]),
            "malformed_signature", "Signature truncated to 63 characters.")
        add(kind, f"{kind}_sig_empty", render(toks + [("signature", jstr(""))]),
            "malformed_signature", "Signature is the empty string.")
        add(kind, f"{kind}_sig_number", render(toks + [("signature", "12345")]),
            "invalid_field", "Signature is a JSON number, not a string or null.")
        add(kind, f"{kind}_signed_missing_transId",
            render(drop_tok(toks, "transId")
                   + [("signature", jstr(resp_signature(kind, {**base, "transId": ""})))]),
            "missing_field", "A signed answer without transId (signed as transId= empty): "
                             "a signed field must be present, never signed as empty.")
        add(kind, f"{kind}_error_only_resultCode_message",
            render([("resultCode", "20"), ("message", jstr("Bad format request."))]),
            "unsigned", "An error answer with only resultCode and message.")
        add(kind, f"{kind}_unsigned_resultCode_string",
            render(set_tok(toks, "resultCode", '"0"')), "invalid_field",
            "resultCode is a JSON string, not an integer.")
        add(kind, f"{kind}_unsigned_missing_resultCode",
            render(drop_tok(toks, "resultCode")), "missing_field",
            "resultCode is the one field every answer has.")
        add(kind, f"{kind}_duplicate_amount",
            render(toks[:3] + [("amount", "1000")] + toks[3:] + [("signature", jstr(sig))]),
            "duplicate_key", "amount appears twice (1000, then the signed 50000).")

        big = {**base, "transId": "9007199254740993", "resultCode": "9000",
               "message": "Giao dịch đã được cấp quyền thành công."}
        add(kind, f"{kind}_signed_transId_above_2_53_vietnamese",
            render(resp_tokens(kind, big) + [("signature", jstr(resp_signature(kind, big)))]),
            "verified", "transId > 2^53 signed with its exact digits; Vietnamese message "
                        "as raw UTF-8; resultCode 9000.")

    # Query answers with the lists MoMo adds (not signed, kept as raw JSON).
    q = BASE_RESP["query"]
    qtoks = resp_tokens("query", q)
    lists = [("paymentOption", jstr("momo")), ("promotionInfo", PROMOTION_INFO),
             ("refundTrans", REFUND_TRANS)]
    add("query", "query_signed_with_lists",
        render(qtoks + lists + [("signature", jstr(resp_signature("query", q)))]), "verified",
        "promotionInfo and refundTrans lists (unsigned fields) next to a valid signature.",
        promotionInfo=PROMOTION_INFO, refundTrans=REFUND_TRANS)
    add("query", "query_unsigned_null_with_lists",
        render(qtoks + lists + [("signature", "null")]), "unsigned",
        'Lists present, "signature": null.',
        promotionInfo=PROMOTION_INFO, refundTrans=REFUND_TRANS)
    qe = {**q, "extraData": EXTRA_DATA_B64, "payType": ""}
    add("query", "query_signed_extraData_empty_payType",
        render(resp_tokens("query", qe) + [("signature", jstr(resp_signature("query", qe)))]),
        "verified", "Non-empty extraData and an empty payType are both signed as sent.")
    add("query", "query_signed_extraData_tampered",
        render(set_tok(resp_tokens("query", qe), "extraData", jstr(""))
               + [("signature", jstr(resp_signature("query", qe)))]),
        "signature_mismatch", "extraData removed (set to empty) after signing.")

    # Confirm: cancel, and requestType flipped after signing.
    c = {**BASE_RESP["confirm"], "requestType": "cancel", "requestId": "MM1540456472575-x"}
    add("confirm", "confirm_signed_cancel",
        render(resp_tokens("confirm", c) + [("signature", jstr(resp_signature("confirm", c)))]),
        "verified", "A cancel answer, signed.")
    add("confirm", "confirm_signed_requestType_flipped",
        render(set_tok(resp_tokens("confirm", c), "requestType", jstr("capture"))
               + [("signature", jstr(resp_signature("confirm", c)))]),
        "signature_mismatch", "requestType changed from cancel to capture after signing.")

    # A pos signature presented on a query answer: the field sets differ.
    p = BASE_RESP["pos"]
    add("query", "query_with_pos_field_set_signature",
        render(qtoks + [("signature", jstr(resp_signature("pos", p)))]),
        "signature_mismatch", "Signed over the pos field set, not the query one.")
    return cases


def reference_verify_response(kind, body: str) -> str:
    """Independent reference verdict for an answer body."""
    try:
        obj = parse_object(body)
        sig = obj.get("signature")
        verdict = "unsigned"
        if sig is not None:
            if type(sig) is not str:
                raise Reject("invalid_field")
            values = {"accessKey": ACCESS_KEY}
            for k in RESP_ORDER[kind][1:]:
                if k not in obj:
                    raise Reject("missing_field")
                v = obj[k]
                if k in RESP_NUMERIC:
                    if type(v) is not JInt:
                        raise Reject("invalid_field")
                    if k != "resultCode" and v.startswith("-"):
                        raise Reject("invalid_field")
                elif type(v) is not str:
                    raise Reject("invalid_field")
                values[k] = str(v)
            if not SIG_RE.fullmatch(sig):
                raise Reject("malformed_signature")
            if not hmac.compare_digest(sign(raw_signature(RESP_ORDER[kind], values)), sig):
                raise Reject("signature_mismatch")
            verdict = "verified"
        if "resultCode" not in obj:
            raise Reject("missing_field")
        if type(obj["resultCode"]) is not JInt:
            raise Reject("invalid_field")
        return verdict
    except Reject as r:
        return r.kind


def check_responses(cases):
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "duplicate response case names"
    for c in cases:
        got = reference_verify_response(c["kind"], c["body"])
        assert got == c["expect"], (c["name"], got, c["expect"])
        if "promotionInfo" in c:
            assert c["promotionInfo"] in c["body"] and c["refundTrans"] in c["body"]
            json.loads(c["promotionInfo"]), json.loads(c["refundTrans"])
    kinds = {c["expect"] for c in cases}
    assert {"unsigned", "verified", "signature_mismatch", "malformed_signature"} <= kinds


# ---------------------------------------------------------------------------

def build():
    ipn = build_ipn()
    check_ipn(ipn)
    check_lenient_signatures(ipn)
    doc = {
        "comment": "Independent test vectors for momo-pos, generated by "
                   "tests/oracle/make_vectors.py (Python stdlib hmac/hashlib); do not edit. "
                   "Non-ASCII characters are \\u-escaped so the file is pure ASCII and "
                   "NFC/NFD differences survive any editor.",
        "credentials": {"partnerCode": PARTNER_CODE, "accessKey": ACCESS_KEY,
                        "secretKey": SECRET_KEY},
        "hmac": build_hmac(),
        "pos": build_pos(),
        "query": build_query(),
        "confirm": build_confirm(),
        "refund": build_refund(),
        "ipn": ipn,
    }
    text = json.dumps(doc, ensure_ascii=True, indent=2) + "\n"
    assert json.loads(text) == doc

    responses = build_responses()
    check_responses(responses)
    refund_responses = [c for c in build_responses(("refund",)) if c["kind"] == "refund"]
    check_responses(refund_responses)
    rdoc = {
        "comment": "Independent test vectors for momo-pos answers (pos/query/confirm), "
                   "generated by tests/oracle/make_vectors.py (Python stdlib hmac/hashlib); "
                   "do not edit. expect is 'verified', 'unsigned' or an error kind.",
        "credentials": {"partnerCode": PARTNER_CODE, "accessKey": ACCESS_KEY,
                        "secretKey": SECRET_KEY},
        "signedFields": {k: v[1:] for k, v in RESP_ORDER.items()},
        "responses": responses,
        # Answers to /v2/gateway/api/refund, apart so that readers of
        # "responses" written before refunds keep working.
        "refundResponses": refund_responses,
    }
    rtext = json.dumps(rdoc, ensure_ascii=True, indent=2) + "\n"
    assert json.loads(rtext) == rdoc
    return {OUT_PATH: text, RESP_OUT_PATH: rtext}


def main(argv):
    outputs = build()
    if "--check" in argv[1:]:
        stale = False
        for path, text in outputs.items():
            try:
                with open(path, "r", encoding="utf-8", newline="") as f:
                    current = f.read()
            except FileNotFoundError:
                current = None
            if current != text:
                print(f"{path} is stale; run python3 tests/oracle/make_vectors.py",
                      file=sys.stderr)
                stale = True
            else:
                print(f"{path} is up to date")
        return 1 if stale else 0
    for path, text in outputs.items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
