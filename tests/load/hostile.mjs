// Worker thread of load.mjs: autocannon POSTs the hostile corpus to one
// URL, over `connections` keep-alive connections, each cycling through the
// bodies, for `seconds` or `maxRequests`, whichever ends first. A thread of
// its own, so that the genuine IPNs' timings in the main thread are not
// held up by the flood's bookkeeping.
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';

const { url, bodies, seconds, connections, rate, maxRequests } = workerData;

const opts = {
  url,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  requests: bodies.map((body) => ({ body })),
  connections,
  duration: seconds,
  maxOverallRequests: maxRequests,
  ...(rate > 0 ? { overallRate: rate } : {}),
  timeout: 15, // MoMo's own limit for an IPN answer
};
const instance = autocannon(opts);
instance.on('start', () => parentPort.postMessage({ type: 'start' }));
// Off the main thread autocannon hands back its raw counts (for its own
// workers option): aggregate them here as it does on the main thread.
const r = autocannon.aggregateResult([await instance], opts);
parentPort.postMessage({
  type: 'done',
  result: {
    sent: r.requests.sent,
    answered: r.requests.total,
    seconds: r.duration,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, { count }]) => [code, Number(count)])),
    errors: r.errors,
    timeouts: r.timeouts,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
  },
});
