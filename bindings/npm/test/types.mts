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
  type LogEntry,
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
// @ts-expect-error orderGroupId can pass 2^53: a string or a bigint, never a number
client.posRequest({ orderId: "O", requestId: "R", amount: 1, encryptedPaymentCode: encrypted, orderGroupId: 5 });
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
const next: "capture_or_cancel" | string = info.nextStep;
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
    // @ts-expect-error code is a closed union of the core's ErrorKind names
    const wrong: MomoErrorCode = "not_a_code";
    void [c, f, wrong];
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
const action: DriverAction = driver.nextAction();
switch (action.type) {
  case "send": {
    const sendBody: string = action.body;
    const endpoint: "pos" | "query" | "confirm" = action.endpoint;
    void [sendBody, endpoint];
    break;
  }
  case "wait":
    // @ts-expect-error a wait has no body
    void action.body;
    driver.tick(client, action.untilMs);
    break;
  case "decide": {
    const fallback: "capture" | "cancel" = action.default;
    driver.decide(client, Date.now(), fallback);
    break;
  }
  case "done": {
    const outcome: Outcome = action.outcome;
    if (outcome.outcome === "unknown") {
      const kind: "deadlinePassed" | "confirmRefused" = outcome.reason.kind;
      void kind;
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
driver.handleResponse(client, Date.now(), 200, raw);
const fromIpn: Notification = driver.handleIpn(client, Date.now(), "{}");
const entries: LogEntry[] = driver.log;
const firstText: string | undefined = entries[0]?.text;
const driverTransId: string | null = driver.transId;
const restored: PaymentDriver = PaymentDriver.restore(driver.snapshot(), Date.now());
// @ts-expect-error config names are known
PaymentDriver.start(client, { orderId: "O", requestId: "R", amount: 1, encryptedPaymentCode: encrypted }, 0, { paymentWindow: 1 });
// @ts-expect-error times are numbers of milliseconds
driver.tick(client, new Date());
// @ts-expect-error decide takes "capture" | "cancel"
driver.decide(client, 0, "refund");
// The page renders what its backend sends: the browser entry has the type.
const status: browser.DriverStatus = driver.status;
const fromSnapshot: browser.DriverStatus = describeDriverSnapshot(driver.snapshot());
void fromSnapshot;
if (status.nextAction.type === "send") {
  // @ts-expect-error a screen's summary of a send carries no bytes
  void status.nextAction.body;
}
// @ts-expect-error the browser entry cannot drive a payment
void browser.PaymentDriver;

void [fromIpn, firstText, driverTransId, restored];
void [bits, body, contentType, transId, lossy, authenticity, next, all, code, decoded];
