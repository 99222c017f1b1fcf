//! The refund driver's timing and retry policy.

use serde::{Deserialize, Serialize};

use crate::driver::config::{check_timing, poll_delay};
use crate::error::{Error, Result};

/// How long a refund may take to settle and how often its fate is asked
/// for. All times are milliseconds of the host's clock.
///
/// MoMo answers most refunds at once; the window is for the rare one whose
/// answer is lost or still in progress (7000), after which the outcome is
/// `unknown` and the host reconciles.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
#[non_exhaustive]
pub struct RefundConfig {
    /// HTTP timeout for every call; MoMo asks for at least 30 s. Default
    /// 30,000; 30,000 to 86,400,000 accepted.
    pub request_timeout_ms: u64,
    /// Delays before each status query of the payment, counted from the
    /// previous answer or timeout; the last one repeats. Default 2, 3, 5
    /// and 10 s; 1 to 64 delays of 100 ms to 10 minutes.
    pub poll_delays_ms: Vec<u64>,
    /// From the start: no request is started after this, and a refund
    /// whose fate is still not known ends `unknown`. Default 5 minutes;
    /// from `request_timeout_ms` to one day.
    pub refund_window_ms: u64,
    /// How many times the identical refund may be sent in all (a resend
    /// follows a status query that lists no such refund). Default 3; 1 to
    /// 10.
    pub max_refund_sends: u32,
}

impl Default for RefundConfig {
    fn default() -> Self {
        Self {
            request_timeout_ms: 30_000,
            poll_delays_ms: vec![2_000, 3_000, 5_000, 10_000],
            refund_window_ms: 300_000,
            max_refund_sends: 3,
        }
    }
}

impl RefundConfig {
    /// Checks the policy; the driver refuses to start with a bad one.
    pub fn validate(&self) -> Result<()> {
        check_timing(
            self.request_timeout_ms,
            &self.poll_delays_ms,
            &[("refundWindowMs", self.refund_window_ms)],
        )?;
        if self.max_refund_sends == 0 || self.max_refund_sends > 10 {
            return Err(Error::invalid("maxRefundSends", "must be 1..=10"));
        }
        Ok(())
    }

    pub(crate) fn poll_delay(&self, n: u32) -> u64 {
        poll_delay(&self.poll_delays_ms, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_bad_ones_name_the_field() {
        RefundConfig::default().validate().unwrap();
        let c = RefundConfig {
            max_refund_sends: 0,
            ..RefundConfig::default()
        };
        assert_eq!(c.validate().unwrap_err().field(), Some("maxRefundSends"));
        let c = RefundConfig {
            refund_window_ms: 1_000,
            ..RefundConfig::default()
        };
        assert_eq!(c.validate().unwrap_err().field(), Some("refundWindowMs"));
        let c: RefundConfig = serde_json::from_str(r#"{"maxRefundSends": 2}"#).unwrap();
        assert_eq!(c.max_refund_sends, 2);
        assert_eq!(c.refund_window_ms, 300_000);
    }
}
