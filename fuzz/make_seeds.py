#!/usr/bin/env python3
"""Extracts the fuzz seed corpora from tests/vectors/*.json and tests/keys/.

Writes fuzz/seeds/<target>/<sha1 of the content>, libFuzzer's own naming, so
rerunning is idempotent. The seeds are committed; run this again after the
vectors change (`python3 fuzz/make_seeds.py`; `--check` fails when the
committed seeds are stale).

driver and ffi take structured input (`arbitrary`); their seeds are a few
byte strings that decode to long event sequences, since the vector bodies
would only be reinterpreted as random choices.
"""
import base64
import hashlib
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "vectors"
KEYS = ROOT / "tests" / "keys"
OUT = ROOT / "fuzz" / "seeds"


def seeds():
    sig = json.loads((VECTORS / "signatures.json").read_text())
    resp = json.loads((VECTORS / "responses.json").read_text())
    out = {t: [] for t in ("ipn_verify", "responses", "payment_code", "public_key", "extra_data", "driver", "ffi")}

    # ipn_verify: every IPN vector body, valid or not, as raw bytes; one
    # structured-mode seed (leading 0x01) built from the first valid body.
    for v in sig["ipn"]:
        out["ipn_verify"].append(v["body"].encode())
    out["ipn_verify"].append(b"\x01" + sig["ipn"][0]["body"].encode())

    # responses: the first byte picks the parser (0 pos, 1 query, 2 confirm).
    kinds = {"pos": 0, "query": 1, "confirm": 2}
    for v in resp["responses"]:
        out["responses"].append(bytes([kinds[v["kind"]]]) + v["body"].encode())

    # payment_code: the codes the request vectors encrypt are not in them
    # (only ciphertext), so the documented forms and scanner noise, plus
    # the ciphertexts (which must be refused as codes).
    for text in ["MM561918531775222861", "mm561918531775222861", "561918531775222861",
                 "]Q1MM561918531775222861\r\n", "  mm 5619 1853 1775 2228 61 ",
                 "]C0561918531775222861\t", "MM56191853177522286", "Mm561918531775222861"]:
        out["payment_code"].append(text.encode())
    for kind in ("pos",):
        for v in sig[kind]:
            code = v["fields"].get("paymentCode")
            if code:
                out["payment_code"].append(code.encode())

    # public_key: every public test key as text, and its DER.
    for path in sorted(KEYS.glob("*public*")):
        text = path.read_bytes()
        out["public_key"].append(text)
        if path.suffix == ".b64":
            out["public_key"].append(base64.b64decode(text))

    # extra_data: every extraData in the vectors (IPNs, requests, answers).
    values = set()
    for v in sig["ipn"]:
        try:
            value = json.loads(v["body"]).get("extraData")
        except (ValueError, AttributeError):
            continue
        if isinstance(value, str):
            values.add(value)
    for kind in ("pos", "query", "confirm"):
        for v in sig[kind]:
            value = v["fields"].get("extraData")
            if isinstance(value, str):
                values.add(value)
    values.add("eyJ1c2VybmFtZSI6ICJtb21vIn0=")  # MoMo's documented example
    for obj in ({"till": 3, "cashier": "L\u00e2n"}, {"a": [1, {"b": None}], "c": 1.5, "d": True}):
        values.add(base64.b64encode(json.dumps(obj).encode()).decode())
    for value in sorted(values):
        out["extra_data"].append(value.encode())

    # driver / ffi: structured; deterministic pseudo-random byte strings.
    for target in ("driver", "ffi"):
        for n in range(4):
            out[target].append(hashlib.sha512(f"{target}-{n}".encode()).digest() * 4)
    return out


def main():
    check = "--check" in sys.argv
    stale = False
    for target, items in seeds().items():
        directory = OUT / target
        wanted = {hashlib.sha1(item).hexdigest(): item for item in items}
        existing = {p.name for p in directory.glob("*")} if directory.exists() else set()
        if check:
            if existing != set(wanted):
                print(f"fuzz/seeds/{target} is stale: run python3 fuzz/make_seeds.py")
                stale = True
            continue
        directory.mkdir(parents=True, exist_ok=True)
        for name in existing - set(wanted):
            (directory / name).unlink()
        for name, item in wanted.items():
            (directory / name).write_bytes(item)
        print(f"fuzz/seeds/{target}: {len(wanted)} seeds")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
