#!/usr/bin/env python3
"""A local stand-in for MoMo's gateway, for the POS terminal example's test.

    python3 tests/c/stub_momo.py SCENARIO PORT_FILE

Listens on 127.0.0.1 (a free port, written to PORT_FILE) and answers
/v2/gateway/api/{pos,query,confirm} with canned unsigned answers for the
scenario, echoing the request's partnerCode, orderId and requestId. Like
MoMo, it checks each request's signature (Python's hmac over the fields in
PROTOCOL.md's order) and answers resultCode 20 when it is wrong. Stops by
itself after 30 s.
"""
import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

ACCESS_KEY = "F8BBA842ECF85"
SECRET_KEY = "K951B6PE1waDMi640xX08PD3vg6EkVlz"
SIGNED = {
    "pos": ["amount", "extraData", "orderId", "orderInfo", "partnerCode", "paymentCode", "requestId"],
    "query": ["orderId", "partnerCode", "requestId"],
    "confirm": ["amount", "description", "orderId", "partnerCode", "requestId", "requestType"],
}
# Result codes answered per endpoint, in order (the last one repeats).
SCENARIOS = {
    "paid": {"pos": [0]},
    "authorized": {"pos": [9000], "confirm": [0]},
    "pending": {"pos": [1000], "query": [7000, 0]},
    "declined": {"pos": [1001]},
    "refresh": {"pos": [4005]},
    "garbage": {"pos": ["html"], "query": [0]},
    "crash": {"pos": [1000], "query": [0]},
}


def signature_ok(kind, body):
    raw = "&".join(["accessKey=" + ACCESS_KEY] +
                   ["%s=%s" % (k, body.get(k, "")) for k in SIGNED[kind]])
    expected = hmac.new(SECRET_KEY.encode(), raw.encode("utf-8"), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, body.get("signature", ""))


def main(scenario, port_file):
    plan = SCENARIOS[scenario]
    calls = {}
    amounts = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            kind = self.path.rsplit("/", 1)[-1]
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            body = json.loads(raw)
            n = calls.get(kind, 0)
            calls[kind] = n + 1
            codes = plan.get(kind, [99])
            code = codes[min(n, len(codes) - 1)]
            # The body's digest lets the test see that a resend is the same bytes.
            sys.stderr.write("stub: %s #%d %s -> %s\n" % (
                kind, n + 1, hashlib.sha256(raw).hexdigest()[:16], code))
            sys.stderr.flush()
            if "amount" in body:
                amounts[body["orderId"]] = body["amount"]
            if code == "html":
                self.reply(500, b"<html>Internal error</html>", "text/html")
                return
            if not signature_ok(kind, body):
                code = 20
            answer = {
                "partnerCode": body["partnerCode"],
                "orderId": body["orderId"],
                "requestId": body["requestId"],
                "amount": amounts.get(body["orderId"], 0),
                "transId": 4088878653,
                "resultCode": code,
                "message": "stub answer %s" % code,
                "responseTime": int(time.time() * 1000),
            }
            if kind == "confirm":
                answer["requestType"] = body["requestType"]
            self.reply(200, json.dumps(answer).encode(), "application/json; charset=UTF-8")

        def reply(self, status, data, content_type):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = HTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file, "w") as f:
        f.write(str(server.server_address[1]))
    threading.Timer(30, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
