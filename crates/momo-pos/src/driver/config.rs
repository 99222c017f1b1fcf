//! The driver's timing and retry policy.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::request::{ConfirmAction, MIN_TIMEOUT};

/// How long the driver waits, how often it polls and what it does when the
/// merchant does not decide. All times are milliseconds of the host's clock.
///
/// The defaults suit a staffed till: a shopper confirming in the MoMo app
/// takes seconds to a minute, so the payment phase allows three minutes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
#[non_exhaustive]
pub struct DriverConfig {
    /// HTTP timeout for every call; MoMo asks for at least 30 s. Default
    /// 30,000; 30,000 to 86,400,000 (one day) accepted.
    pub request_timeout_ms: u64,
    /// Delays before each status query, counted from the previous answer or
    /// timeout; the last one repeats. Default 2, 2, 3, 5, 5 and 10 s; 1 to 64
    /// delays of 100 ms to 10 minutes each.
    pub poll_delays_ms: Vec<u64>,
    /// From the start: no new request is started after this, and a payment
    /// still unknown then ends as [`Outcome::Unknown`](super::Outcome::Unknown).
    /// Default 3 minutes; like every window, from `request_timeout_ms` to
    /// one day.
    pub payment_window_ms: u64,
    /// From an authorization (9000): how long the merchant has to decide
    /// before [`DriverConfig::on_undecided`] applies. Default 2 minutes.
    pub decision_window_ms: u64,
    /// Applied when the decision window closes. `cancel` (the default)
    /// releases the shopper's money rather than take it unasked.
    pub on_undecided: ConfirmAction,
    /// From the decision: how long the confirm call may take to settle.
    /// Default 2 minutes.
    pub confirm_window_ms: u64,
    /// How many times the identical pos request may be sent again when a
    /// status query says MoMo has no such order (it never arrived). Default
    /// 2; 0 to 10.
    pub max_pos_resends: u32,
    /// How many times the identical confirm request may be sent in all.
    /// Default 3; 1 to 10.
    pub max_confirm_sends: u32,
}

impl Default for DriverConfig {
    fn default() -> Self {
        Self {
            request_timeout_ms: 30_000,
            poll_delays_ms: vec![2_000, 2_000, 3_000, 5_000, 5_000, 10_000],
            payment_window_ms: 180_000,
            decision_window_ms: 120_000,
            on_undecided: ConfirmAction::Cancel,
            confirm_window_ms: 120_000,
            max_pos_resends: 2,
            max_confirm_sends: 3,
        }
    }
}

/// Polling faster than this would only load MoMo; slower than this leaves
/// the shopper waiting at the till.
const POLL_DELAY_RANGE_MS: std::ops::RangeInclusive<u64> = 100..=600_000;
/// One day: a bound that keeps deadline arithmetic far from overflow.
const MAX_WINDOW_MS: u64 = 86_400_000;

/// The timing rules every driver's policy shares: the request timeout, the
/// poll delays and the windows (each named by its JSON field).
pub(crate) fn check_timing(
    request_timeout_ms: u64,
    poll_delays_ms: &[u64],
    windows: &[(&str, u64)],
) -> Result<()> {
    let min_timeout = u64::try_from(MIN_TIMEOUT.as_millis()).unwrap_or(u64::MAX);
    if !(min_timeout..=MAX_WINDOW_MS).contains(&request_timeout_ms) {
        return Err(Error::invalid(
            "requestTimeoutMs",
            format!("must be {min_timeout}..={MAX_WINDOW_MS} (MoMo asks for at least 30 s)"),
        ));
    }
    if poll_delays_ms.is_empty() || poll_delays_ms.len() > 64 {
        return Err(Error::invalid("pollDelaysMs", "needs 1 to 64 delays"));
    }
    if let Some(bad) = poll_delays_ms
        .iter()
        .find(|d| !POLL_DELAY_RANGE_MS.contains(d))
    {
        return Err(Error::invalid(
            "pollDelaysMs",
            format!(
                "{bad} ms is outside {}..={} ms",
                POLL_DELAY_RANGE_MS.start(),
                POLL_DELAY_RANGE_MS.end()
            ),
        ));
    }
    for &(field, window) in windows {
        if !(request_timeout_ms..=MAX_WINDOW_MS).contains(&window) {
            return Err(Error::invalid(
                field,
                format!(
                    "must be between requestTimeoutMs ({request_timeout_ms}) and {MAX_WINDOW_MS}"
                ),
            ));
        }
    }
    Ok(())
}

/// The delay before poll number `n` (0-based); the last one repeats.
pub(crate) fn poll_delay(poll_delays_ms: &[u64], n: u32) -> u64 {
    let index = usize::try_from(n).unwrap_or(usize::MAX);
    poll_delays_ms
        .get(index)
        .or(poll_delays_ms.last())
        .copied()
        .unwrap_or(2_000)
}

impl DriverConfig {
    /// Checks the policy; the driver refuses to start with a bad one.
    pub fn validate(&self) -> Result<()> {
        check_timing(
            self.request_timeout_ms,
            &self.poll_delays_ms,
            &[
                ("paymentWindowMs", self.payment_window_ms),
                ("decisionWindowMs", self.decision_window_ms),
                ("confirmWindowMs", self.confirm_window_ms),
            ],
        )?;
        if self.max_confirm_sends == 0 || self.max_confirm_sends > 10 {
            return Err(Error::invalid("maxConfirmSends", "must be 1..=10"));
        }
        if self.max_pos_resends > 10 {
            return Err(Error::invalid("maxPosResends", "must be 0..=10"));
        }
        Ok(())
    }

    /// The delay before poll number `n` (0-based); the last one repeats.
    pub(crate) fn poll_delay(&self, n: u32) -> u64 {
        poll_delay(&self.poll_delays_ms, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_cancels_when_undecided() {
        let config = DriverConfig::default();
        config.validate().unwrap();
        assert_eq!(config.on_undecided, ConfirmAction::Cancel);
        assert_eq!(config.request_timeout_ms, 30_000);
    }

    #[test]
    fn json_may_name_only_what_it_changes() {
        let config: DriverConfig =
            serde_json::from_str(r#"{"paymentWindowMs": 60000, "onUndecided": "capture"}"#)
                .unwrap();
        assert_eq!(config.payment_window_ms, 60_000);
        assert_eq!(config.on_undecided, ConfirmAction::Capture);
        assert_eq!(
            config.poll_delays_ms,
            DriverConfig::default().poll_delays_ms
        );
        assert!(serde_json::from_str::<DriverConfig>(r#"{"paymentWindow": 1}"#).is_err());
    }

    #[test]
    fn last_delay_repeats() {
        let config = DriverConfig::default();
        assert_eq!(config.poll_delay(0), 2_000);
        assert_eq!(config.poll_delay(5), 10_000);
        assert_eq!(config.poll_delay(500), 10_000);
    }

    #[test]
    fn bad_policies_name_the_field() {
        type Spoil = fn(&mut DriverConfig);
        let cases: [(Spoil, &str); 6] = [
            (|c| c.request_timeout_ms = 10_000, "requestTimeoutMs"),
            (|c| c.poll_delays_ms.clear(), "pollDelaysMs"),
            (|c| c.poll_delays_ms = vec![5], "pollDelaysMs"),
            (|c| c.payment_window_ms = 1_000, "paymentWindowMs"),
            (|c| c.confirm_window_ms = u64::MAX, "confirmWindowMs"),
            (|c| c.max_confirm_sends = 0, "maxConfirmSends"),
        ];
        for (spoil, field) in cases {
            let mut config = DriverConfig::default();
            spoil(&mut config);
            assert_eq!(config.validate().unwrap_err().field(), Some(field));
        }
    }
}
