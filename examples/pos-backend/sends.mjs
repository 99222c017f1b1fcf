// What a payment's run and a refund's run share: a sleep that news cuts
// short, and a send performed in the background whose fate is reported to
// the driver with the send's id, whatever the driver is doing by then (a
// late one is journaled as stale).

/** A sleep until a time, ended early by wake(). */
export class Alarm {
  #wake = null;

  /** Resolves 'timer' at `untilMs`, or 'event' as soon as wake() is called. */
  sleepUntil(untilMs) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish('timer'), Math.max(0, untilMs - Date.now()));
      const finish = (why) => {
        clearTimeout(timer);
        this.#wake = null;
        resolve(why);
      };
      this.#wake = () => finish('event');
    });
  }

  wake() {
    this.#wake?.();
  }
}

/**
 * POSTs a driver's send (`action` of type "send") with its own timeout and
 * resolves to the call that reports what became of it to `driver`.
 */
export async function post(driver, action) {
  try {
    const res = await fetch(action.url, {
      method: 'POST',
      headers: action.headers,
      body: action.body,
      signal: AbortSignal.timeout(action.timeoutMs),
    });
    // Raw text, never res.json(): transId may pass 2^53.
    const text = await res.text();
    return () => driver.handleResponse(action.id, res.status, text);
  } catch (e) {
    if (e?.name === 'TimeoutError') return () => driver.handleTimeout(action.id);
    return () => driver.handleNetworkError(action.id);
  }
}
