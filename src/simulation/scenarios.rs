//! The named scenarios of `momo-pos simulate`, also played by the driver's
//! tests. Each is what MoMo (and the cashier) do, beat by beat.

use super::Beat::{self, Answer, Crash, Decide, Ipn, NetworkError, Timeout};
use crate::request::ConfirmAction::{Cancel, Capture};

/// One scripted story.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    /// Name for `momo-pos simulate NAME`.
    pub name: &'static str,
    /// One line on what it shows.
    pub summary: &'static str,
    /// `autoCapture` of the pos request (false makes MoMo authorize: 9000).
    pub auto_capture: bool,
    /// MoMo's and the cashier's side, in order.
    pub script: &'static [Beat],
}

const fn s(
    name: &'static str,
    summary: &'static str,
    auto_capture: bool,
    script: &'static [Beat],
) -> Scenario {
    Scenario {
        name,
        summary,
        auto_capture,
        script,
    }
}

const fn ipn(code: i64) -> Beat {
    Ipn {
        code,
        amount_off_by: 0,
    }
}

/// Every scenario, in the order `momo-pos simulate --list` shows them.
pub const SCENARIOS: &[Scenario] = &[
    s("paid", "MoMo answers 0 at once", true, &[Answer(0)]),
    s(
        "authorized-capture",
        "9000, the cashier captures, confirm answers 0",
        false,
        &[Answer(9000), Decide(Capture), Answer(0)],
    ),
    s(
        "authorized-cancel",
        "9000, the cashier cancels, confirm answers 0",
        false,
        &[Answer(9000), Decide(Cancel), Answer(0)],
    ),
    s(
        "authorized-undecided",
        "9000, nobody decides: the configured default (cancel) applies",
        false,
        &[Answer(9000), Answer(0)],
    ),
    s(
        "pending-then-paid",
        "1000 (waiting for the shopper), 1000 again on query, then 0",
        true,
        &[Answer(1000), Answer(1000), Answer(0)],
    ),
    s(
        "timeout-then-paid",
        "the pos answer is lost; the status query says 0",
        true,
        &[Timeout, Answer(0)],
    ),
    s(
        "timeout-query-timeout-declined",
        "the pos answer is lost, the first query too; the next says 1006",
        true,
        &[Timeout, Timeout, Answer(1006)],
    ),
    s(
        "ipn-before-response",
        "the IPN (0) arrives before the pos answer and settles the payment",
        true,
        &[ipn(0), Answer(0)],
    ),
    s(
        "duplicate-ipn",
        "1000, then the same IPN (0) twice: the repeat changes nothing",
        true,
        &[Answer(1000), ipn(0), ipn(0)],
    ),
    s(
        "ipn-wrong-amount",
        "an IPN for another amount is flagged and ignored; the query says 0",
        true,
        &[
            Answer(1000),
            Ipn {
                code: 0,
                amount_off_by: 1_000,
            },
            Answer(0),
        ],
    ),
    s(
        "deadline-unknown",
        "1000, then MoMo goes silent: at the deadline the outcome is unknown",
        true,
        &[Answer(1000)],
    ),
    s(
        "insufficient-funds",
        "1001: declined, nothing charged",
        true,
        &[Answer(1001)],
    ),
    s(
        "expired-code",
        "4005: the shopper must refresh the payment code",
        true,
        &[Answer(4005)],
    ),
    s(
        "lost-request-resent",
        "a network error; the query says 42 (no such order): the same bytes go again",
        true,
        &[NetworkError, Answer(42), Answer(0)],
    ),
    s(
        "crash-after-send",
        "power loss after the pos went out: the restored driver resends the same bytes",
        true,
        &[Answer(1000), Crash, Answer(0)],
    ),
    s(
        "capture-lost",
        "9000, capture times out, the query still says 9000: the same capture goes again",
        false,
        &[
            Answer(9000),
            Decide(Capture),
            Timeout,
            Answer(9000),
            Answer(0),
        ],
    ),
    s(
        "late-ipn-after-decline",
        "1006 declined, then MoMo's IPN for it: changes nothing",
        true,
        &[Answer(1006), ipn(1006)],
    ),
];

/// The scenario called `name`.
pub fn find(name: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.name == name)
}
