//! Where a payment ends, and where it stands on the way.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ipn::TransId;
use crate::result_code::{explain, ResultCodeInfo};

/// How a payment ended. `Declined` and `Cancelled` mean no money moved;
/// `Unknown` means it may have: reconcile before charging the shopper again.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(
    tag = "outcome",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[non_exhaustive]
pub enum Outcome {
    /// Result 0: the money was taken (directly, or by a capture).
    Paid {
        /// MoMo's transaction id, when an answer or IPN stated it.
        trans_id: Option<TransId>,
    },
    /// A final failure before any authorization: the shopper was not charged.
    /// [`Outcome::result`] explains it and says what to do next.
    Declined {
        /// The code that ended it: a final failure (1006, denied by the
        /// user) or MoMo's refusal of the pos request itself (44, invalid
        /// paymentCode).
        result_code: i64,
    },
    /// The payment was authorized (9000) but not captured: the hold was
    /// cancelled, or ended for good without a capture.
    Cancelled {
        /// MoMo's result code (0 for a successful cancel).
        result_code: i64,
        /// MoMo's transaction id, when known.
        trans_id: Option<TransId>,
    },
    /// No final answer: the money may or may not have moved. Check the
    /// order on MoMo's portal (or with a status query) before taking the
    /// payment again. Never shown to the cashier as a failure.
    Unknown {
        /// Why no final answer came.
        reason: UnknownReason,
    },
}

impl Outcome {
    /// Stable name: `paid`, `declined`, `cancelled` or `unknown`.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::Paid { .. } => "paid",
            Self::Declined { .. } => "declined",
            Self::Cancelled { .. } => "cancelled",
            Self::Unknown { .. } => "unknown",
        }
    }

    /// MoMo's explanation of the deciding result code (0 for `paid`; none
    /// for `unknown`).
    pub fn result(&self) -> Option<ResultCodeInfo> {
        match self {
            Self::Paid { .. } => Some(explain(0)),
            Self::Declined { result_code } | Self::Cancelled { result_code, .. } => {
                Some(explain(*result_code))
            }
            Self::Unknown { .. } => None,
        }
    }

    /// True when nothing can change it any more (all but `unknown`).
    pub const fn is_final(&self) -> bool {
        !matches!(self, Self::Unknown { .. })
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Paid { trans_id: Some(t) } => write!(f, "paid (transId {t})"),
            Self::Paid { trans_id: None } => f.write_str("paid"),
            Self::Declined { result_code } => write!(
                f,
                "declined ({result_code}: {})",
                explain(*result_code).message_en
            ),
            Self::Cancelled { result_code, .. } => write!(
                f,
                "cancelled ({result_code}: {})",
                explain(*result_code).message_en
            ),
            Self::Unknown { reason } => write!(f, "unknown: {reason}; reconcile"),
        }
    }
}

/// Why a payment ended without a final answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[non_exhaustive]
pub enum UnknownReason {
    /// The stage's window ([`DriverConfig::payment_window_ms`] or, after a
    /// decision, [`DriverConfig::confirm_window_ms`]) closed before MoMo gave
    /// a final answer.
    ///
    /// [`DriverConfig::payment_window_ms`]: super::DriverConfig::payment_window_ms
    /// [`DriverConfig::confirm_window_ms`]: super::DriverConfig::confirm_window_ms
    DeadlinePassed,
    /// MoMo refused the capture/cancel call itself; the authorization may
    /// still be held. Only drivers of 0.1 (snapshot format 1) end so: today
    /// a refused confirm is checked with a status query, and a hold that
    /// outlasts every confirm ends as [`UnknownReason::StillAuthorized`].
    ConfirmRefused {
        /// MoMo's result code for the confirm call.
        result_code: i64,
    },
    /// Status queries still say 9000 after the identical confirm went out
    /// [`DriverConfig::max_confirm_sends`](super::DriverConfig::max_confirm_sends)
    /// times: the shopper's money is held. Capture or cancel it on MoMo's
    /// portal.
    StillAuthorized {
        /// MoMo's answer to the last confirm call that was answered with
        /// something other than 0, if any was.
        confirm_result_code: Option<i64>,
    },
}

impl fmt::Display for UnknownReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DeadlinePassed => f.write_str("no final answer before the deadline"),
            Self::ConfirmRefused { result_code } => write!(
                f,
                "MoMo refused the confirm call ({result_code}: {})",
                explain(*result_code).message_en
            ),
            Self::StillAuthorized {
                confirm_result_code: None,
            } => f.write_str("the money is still held after every confirm call"),
            Self::StillAuthorized {
                confirm_result_code: Some(code),
            } => write!(
                f,
                "the money is still held after every confirm call (last refusal {code}: {})",
                explain(*code).message_en
            ),
        }
    }
}

/// Where the payment stands, for a status line on the till.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// The pos request is out, or being retried, or polled.
    Paying,
    /// Authorized (9000): waiting for capture or cancel.
    Authorized,
    /// Capture or cancel is out.
    Confirming,
    /// Finished with an [`Outcome`]; only a verified IPN can still change an
    /// `unknown` one.
    Done,
}

impl Stage {
    /// Stable name: `paying`, `authorized`, `confirming`, `done`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Paying => "paying",
            Self::Authorized => "authorized",
            Self::Confirming => "confirming",
            Self::Done => "done",
        }
    }
}

crate::str_names::serde_via_str!(Stage);

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
