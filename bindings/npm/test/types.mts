// Compile-time checks of the published types (tsc --noEmit, run by
// scripts/build-npm.sh). The @ts-expect-error lines fail the build if a type
// is loose enough to accept them (an `any` would).
import init, {
  MomoClient,
  MomoPublicKey,
  MomoError,
  isMomoError,
  explainResultCode,
  resultCodeCatalogue,
  normalizePaymentCode,
  encodeExtraData,
  decodeExtraData,
  type Notification,
  type SignedRequest,
  type MomoErrorCode,
  type ResultCodeInfo,
  type MomoResponse,
  type QueryAnswer,
  PaymentDriver,
  describeDriverSnapshot,
  type DriverAction,
  type Outcome,
  type UnknownReason,
  type LogEntry,
  RefundDriver,
  type RefundAction,
  type RefundOutcome,
  type RefundLogEntry,
  type RefundTrans,
  type RefundAnswer,
  type PaidPayment,
} from "momo-pos";
import * as browser from "momo-pos/browser";

await init();
await browser.init();

const client = new MomoClient({
  partnerCode: "MOMO",
  accessKey: "F8BBA842ECF85",
  secretKey: "K951B6PE1waDMi640xX08PD3vg6EkVlz",
  environment: "production",
  lang: "en",
  amountLimits: { min: 1000, max: 10_000_000 },
});
const key: MomoPublicKey = new MomoPublicKey("MIIB...");
const encrypted: string = key.encryptPaymentCode("]Q1MM561918531775222861\r\n");
const bits: number = key.bits;

const request: SignedRequest = client.posRequest({
  orderId: "ORDER-1",
  requestId: "ORDER-1-r1",
  amount: 59_000,
  encryptedPaymentCode: encrypted,
  orderGroupId: 12345678901234567890n,
  items: [{ id: "CF01", name: "Cà phê", price: 29_500, quantity: 2, totalPrice: 59_000 }],
  autoCapture: false,
});
const body: string = request.body;
const contentType: string = request.headers["Content-Type"];

// @ts-expect-error amount is a number, not a string
client.posRequest({ orderId: "O", requestId: "R", amount: "59000", encryptedPaymentCode: encrypted });
// orderGroupId: a number while exact, a digit string or a bigint beyond 2^53.
client.posRequest({ orderId: "O", requestId: "R", amount: 1, encryptedPaymentCode: encrypted, orderGroupId: 5 });
client.posRequest({ orderId: "O", requestId: "R", amount: 1, encryptedPaymentCode: encrypted, orderGroupId: "18446744073709551615" });
// @ts-expect-error orderGroupId is not a boolean
client.posRequest({ orderId: "O", requestId: "R", amount: 1, encryptedPaymentCode: encrypted, orderGroupId: true });
// @ts-expect-error requestType is "capture" | "cancel"
client.confirmRequest({ orderId: "O", requestId: "R", amount: 1, requestType: "refund" });

const raw: Uint8Array = new Uint8Array();
const notification: Notification = client.verifyIpn(raw);
const transId: string = notification.transId;
// @ts-expect-error transId may pass 2^53: it is a string
const lossy: number = notification.transId;
// @ts-expect-error the raw body, not a parsed object
client.verifyIpn({ partnerCode: "MOMO" });

const answer: MomoResponse<QueryAnswer> = client.parseQueryResponse("{}");
const authenticity: "verified" | "unsigned" = answer.authenticity;
const info: ResultCodeInfo = explainResultCode(9000);
const next: "captureOrCancel" | "refreshPaymentCode" | "done" | "query" | "fixRequest" | "contactMomo" = info.nextStep;
// @ts-expect-error one casing for every string union: camelCase
const snake: ResultCodeInfo["nextStep"] = "capture_or_cancel";
const all: ResultCodeInfo[] = resultCodeCatalogue();
const code: string = normalizePaymentCode(" MM561918531775222861 ");
const extra: string = encodeExtraData({ till: 3, cashier: "Lan" });
const decoded = decodeExtraData(extra);

try {
  browser.normalizePaymentCode("x");
} catch (e) {
  if (isMomoError(e)) {
    const c: MomoErrorCode = e.code;
    const f: string | null = e.field;
    const known: MomoErrorCode = "invalidPaymentCode";
    // @ts-expect-error code is a closed union of the core's ErrorKind names, camelCase
    const wrong: MomoErrorCode = "invalid_payment_code";
    void [c, f, known, wrong];
  }
  if (e instanceof MomoError) void e.code;
}

// @ts-expect-error the browser entry cannot sign
void browser.MomoClient;

const driver = PaymentDriver.start(
  client,
  { orderId: "ORDER-2", requestId: "ORDER-2-r1", amount: 59_000, encryptedPaymentCode: encrypted },
  Date.now(),
  { paymentWindowMs: 60_000, onUndecided: "capture" },
);
// The clock is optional everywhere (Date.now()), and so is the config.
const fresh: PaymentDriver = PaymentDriver.start(client, { orderId: "O", requestId: "R", amount: 1, encryptedPaymentCode: encrypted });
const action: DriverAction = driver.nextAction();
switch (action.type) {
  case "send": {
    const sendBody: string = action.body;
    const endpoint: "pos" | "query" | "confirm" = action.endpoint;
    const id: number = action.id;
    driver.handleResponse(id, 200, raw, Date.now());
    driver.handleResponse(id, 200, "{}");
    driver.handleTimeout(id);
    driver.handleNetworkError(id, Date.now());
    // @ts-expect-error the client is bound at start: no method takes it again
    driver.handleTimeout(client, id);
    void [sendBody, endpoint];
    break;
  }
  case "wait":
    // @ts-expect-error a wait has no body
    void action.body;
    driver.tick(action.untilMs);
    driver.tick();
    break;
  case "decide": {
    const fallback: "capture" | "cancel" = action.default;
    driver.decide(fallback, Date.now());
    driver.decide("capture");
    break;
  }
  case "done": {
    const outcome: Outcome = action.outcome;
    if (outcome.outcome === "unknown") {
      const reason: UnknownReason = outcome.reason;
      if (reason.kind === "stillAuthorized") {
        const refusal: number | null = reason.confirmResultCode;
        void refusal;
      } else if (reason.kind === "confirmRefused") {
        const refusal: number = reason.resultCode;
        void refusal;
      } else {
        const kind: "deadlinePassed" = reason.kind;
        void kind;
      }
    } else if (outcome.outcome === "declined") {
      const declinedCode: number = outcome.resultCode;
      // @ts-expect-error nothing was paid: a declined outcome has no transId
      void outcome.transId;
      void declinedCode;
    }
    break;
  }
  default: {
    const never: never = action;
    void never;
  }
}
const fromIpn: Notification = driver.handleIpn("{}", Date.now());
const fromIpnNow: Notification = driver.handleIpn(raw);
const entries: LogEntry[] = driver.log;
const firstText: string | undefined = entries[0]?.text;
for (const entry of entries) {
  if (entry.kind === "stale" || entry.kind === "send") {
    const sendId: number = entry.id;
    void sendId;
  }
}
const driverTransId: string | null = driver.transId;
const restored: PaymentDriver = PaymentDriver.restore(client, driver.snapshot(), Date.now());
const restoredNow: PaymentDriver = PaymentDriver.restore(client, driver.snapshot());
// @ts-expect-error restore binds the client too
PaymentDriver.restore(driver.snapshot(), Date.now());
// @ts-expect-error config names are known
PaymentDriver.start(client, { orderId: "O", requestId: "R", amount: 1, encryptedPaymentCode: encrypted }, 0, { paymentWindow: 1 });
// @ts-expect-error times are numbers of milliseconds
driver.tick(new Date());
// @ts-expect-error decide takes "capture" | "cancel"
driver.decide("refund", 0);
// @ts-expect-error a send is reported with its id, a number
driver.handleTimeout("1");
// The page renders what its backend sends: the browser entry has the type.
const status: browser.DriverStatus = driver.status;
const fromSnapshot: browser.DriverStatus = describeDriverSnapshot(driver.snapshot());
void fromSnapshot;
if (status.nextAction.type === "send") {
  const shownId: number = status.nextAction.id;
  void shownId;
  // @ts-expect-error a screen's summary of a send carries no bytes
  void status.nextAction.body;
}
// @ts-expect-error the browser entry cannot drive a payment
void browser.PaymentDriver;

void [fresh, fromIpn, fromIpnNow, firstText, driverTransId, restored, restoredNow];

// Refunds: the full entry only.
const refundInput = { orderId: "ORDER-2-R1", requestId: "ORDER-2-R1", amount: 20_000, transId: "4088878653", description: "Khách trả hàng" };
const refundRequest: SignedRequest = client.refundRequest(refundInput);
client.refundRequest({ ...refundInput, transId: 9223372036854775807n, lang: "en", subPartnerCode: "SUB" });
client.refundRequest({ ...refundInput, transId: 4088878653 });
// @ts-expect-error transId is digits, a bigint or a number, not a boolean
client.refundRequest({ ...refundInput, transId: true });
// @ts-expect-error a refund names the payment's transId
client.refundRequest({ orderId: "R", requestId: "R", amount: 1000 });
const refundAnswer: MomoResponse<RefundAnswer> = client.parseRefundResponse(raw);
const refundTransId: string | null = refundAnswer.body.transId;
const listed: RefundTrans[] | null = answer.body.refunds;
const listedTransId: string | undefined = listed?.[0]?.transId;
// @ts-expect-error a refund's transId may pass 2^53: it is a string
const lossyRefund: number | undefined = listed?.[0]?.transId;
const rawRefundTrans: string | null = answer.body.refundTrans;
const paid: PaidPayment = { orderId: "ORDER-2", transId: "4088878653", amount: 59_000, refunded: 10_000 };
const refundDriver: RefundDriver = RefundDriver.start(client, refundInput, paid, Date.now(), { refundWindowMs: 60_000 });
const refundNow: RefundDriver = RefundDriver.start(client, refundInput, { orderId: "ORDER-2", transId: 4088878653n, amount: 59_000 });
// @ts-expect-error config names are known
RefundDriver.start(client, refundInput, paid, 0, { paymentWindowMs: 1 });
// @ts-expect-error the payment's amount is required
RefundDriver.start(client, refundInput, { orderId: "ORDER-2", transId: "1" });
const refundAction: RefundAction = refundDriver.nextAction();
switch (refundAction.type) {
  case "send": {
    const endpoint: "refund" | "query" = refundAction.endpoint;
    // @ts-expect-error a refund driver never sends a pos or confirm call
    const pos: "pos" = refundAction.endpoint;
    refundDriver.handleResponse(refundAction.id, 200, raw, Date.now());
    refundDriver.handleResponse(refundAction.id, 200, "{}");
    refundDriver.handleTimeout(refundAction.id);
    refundDriver.handleNetworkError(refundAction.id, Date.now());
    void [endpoint, pos, refundAction.body, refundAction.deadlineMs];
    break;
  }
  case "wait":
    refundDriver.tick(refundAction.untilMs);
    refundDriver.tick();
    break;
  case "done": {
    const o: RefundOutcome = refundAction.outcome;
    if (o.outcome === "refunded") {
      const t: string | null = o.transId;
      void t;
    } else if (o.outcome === "refused") {
      const c: number = o.resultCode;
      void c;
    } else {
      const last: number | null = o.lastResultCode;
      void last;
    }
    break;
  }
  default: {
    const never: never = refundAction;
    void never;
  }
}
// @ts-expect-error the refund driver takes no decision
void refundAction.default;
// @ts-expect-error nor IPNs: a refund is settled by its answer or the payment's refundTrans
refundDriver.handleIpn("{}");
const refundOutcome: RefundOutcome | null = refundDriver.outcome;
const refundLog: RefundLogEntry[] = refundDriver.log;
for (const entry of refundLog) {
  if (entry.kind === "evidence") {
    const what: string = entry.what;
    void what;
  } else if (entry.kind === "refundSettled") {
    const settled: RefundOutcome = entry.outcome;
    void settled;
  }
}
const refundAnomalies: RefundLogEntry[] = refundDriver.anomalies;
const refundResult: ResultCodeInfo | null = refundDriver.lastResult;
const refundIds: [string, string, number, string, string, number] = [
  refundDriver.orderId, refundDriver.requestId, refundDriver.amount,
  refundDriver.paymentOrderId, refundDriver.paymentTransId, refundDriver.deadlineMs,
];
const refundRestored: RefundDriver = RefundDriver.restore(client, refundDriver.snapshot(), Date.now());
const refundRestoredNow: RefundDriver = RefundDriver.restore(client, refundDriver.snapshot());
// @ts-expect-error restore binds the client too
RefundDriver.restore(refundDriver.snapshot(), Date.now());
refundRestored.free();
// @ts-expect-error the browser entry cannot refund
void browser.RefundDriver;
// @ts-expect-error nor does it have the refund types
type NoRefundTypes = browser.RefundOutcome;
void [refundRequest, refundTransId, listedTransId, lossyRefund, rawRefundTrans, refundNow, refundOutcome];
void [refundAnomalies, refundResult, refundIds, refundRestoredNow];
void [bits, body, contentType, transId, lossy, authenticity, next, snake, all, code, decoded];

// client.verifyIpnRequest: any request shape that carries the raw body,
// and a reply that must be narrowed before its notification is read.
import type { IpnReply, IpnRequest, IpnFetchRequest, IpnNodeRequest } from "momo-pos";
declare const fetchRequest: IpnFetchRequest;
declare const nodeRequest: IpnNodeRequest;
const ipnReply: IpnReply = await client.verifyIpnRequest(fetchRequest);
if (ipnReply.ok) {
  const accepted: [204, Notification] = [ipnReply.status, ipnReply.notification];
  void accepted;
} else {
  const refused: [400, string, MomoError, MomoErrorCode] = [ipnReply.status, ipnReply.reason, ipnReply.error, ipnReply.error.code];
  void refused;
}
// @ts-expect-error only an accepted reply has a notification
void ipnReply.notification;
await client.verifyIpnRequest(nodeRequest);
await client.verifyIpnRequest({ body: new Uint8Array() });
await client.verifyIpnRequest({ body: "{}" });
await client.verifyIpnRequest({ raw: nodeRequest, body: undefined });
const wrapped: IpnRequest = { raw: fetchRequest };
await client.verifyIpnRequest(wrapped);
// @ts-expect-error the request, not the body: verifyIpn takes that
await client.verifyIpnRequest("{}");
// @ts-expect-error a parsed body cannot be verified
await client.verifyIpnRequest({ body: { partnerCode: "MOMO" } });
// @ts-expect-error it answers a promise, not the reply itself
const unawaited: IpnReply = client.verifyIpnRequest(fetchRequest);
void unawaited;

// checkRequest takes any parsed answer and the request it answers.
import { checkRequest } from "momo-pos";
const queried: MomoResponse<QueryAnswer> = client.parseQueryResponse("{}");
checkRequest(queried, request);
const checked: void = checkRequest(client.parsePosResponse("{}"), request);
// @ts-expect-error: the raw body is not a parsed answer
checkRequest("{}", request);
