//! The named scenarios of `momo-pos simulate`, also played by the driver's
//! tests. Each is a script file of `scenarios/`, in the format an
//! integrator writes for `simulate --script`.

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
    ($($name:literal),* $(,)?) => {
        /// Every scenario, in the order `momo-pos simulate --list` shows them.
        pub const SCENARIOS: &[Scenario] = &[$(Scenario {
            name: $name,
            json: include_str!(concat!("scenarios/", $name, ".json")),
        }),*];
    };
}

scenarios!(
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

/// The scenario called `name`.
pub fn find(name: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.name == name)
}
