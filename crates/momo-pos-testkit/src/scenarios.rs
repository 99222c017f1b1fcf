//! The named scenarios of `momo-pos simulate`, also played by the drivers'
//! tests. Each is a script file of `scenarios/`, in the format an
//! integrator writes for `simulate --script`: [`SCENARIOS`] are payments,
//! [`REFUND_SCENARIOS`] refunds of the paid payment.

use super::Script;
use momo_pos::Result;

/// One named script.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    /// Name for `momo-pos simulate NAME`.
    pub name: &'static str,
    /// The script, as JSON in the format of [`Script`].
    pub json: &'static str,
}

impl Scenario {
    /// The script, read.
    pub fn script(&self) -> Result<Script> {
        Script::from_json(self.json)
    }

    /// One line on what it shows.
    pub fn summary(&self) -> String {
        self.script().map(|s| s.summary).unwrap_or_default()
    }
}

macro_rules! scenarios {
    ($(#[$doc:meta])* $list:ident: $($name:literal),* $(,)?) => {
        $(#[$doc])*
        pub const $list: &[Scenario] = &[$(Scenario {
            name: $name,
            json: include_str!(concat!("scenarios/", $name, ".json")),
        }),*];
    };
}

scenarios!(
    /// Every payment scenario, in the order `momo-pos simulate --list`
    /// shows them.
    SCENARIOS:
    "paid",
    "authorized-capture",
    "authorized-cancel",
    "authorized-undecided",
    "pending-then-paid",
    "timeout-then-paid",
    "timeout-query-timeout-declined",
    "ipn-before-response",
    "duplicate-ipn",
    "ipn-wrong-amount",
    "deadline-unknown",
    "insufficient-funds",
    "expired-code",
    "lost-request-resent",
    "crash-after-send",
    "capture-lost",
    "late-ipn-after-decline",
    "capture-refused-then-paid",
    "capture-refused-still-held",
    "cancel-refused",
    "ipn-authorizes-during-query",
);

scenarios!(
    /// Every refund scenario (scripts with `"refund"`, played by
    /// [`play_refund`](crate::play_refund)), in the order `momo-pos
    /// simulate --list` shows them, after the payments.
    REFUND_SCENARIOS:
    "refund-full",
    "refund-partial",
    "refund-refused-1081",
    "refund-not-refundable-1088",
    "refund-retry-later-1080",
    "refund-lost-then-listed",
    "refund-pending-7000-then-listed",
    "refund-lost-not-listed-resent",
    "refund-dropped-unknown",
);

/// The payment scenario called `name`.
pub fn find(name: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.name == name)
}

/// The refund scenario called `name`.
pub fn find_refund(name: &str) -> Option<&'static Scenario> {
    REFUND_SCENARIOS.iter().find(|s| s.name == name)
}
