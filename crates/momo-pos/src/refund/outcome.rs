//! Where a refund ends, what the host tells the driver about the payment,
//! and what the driver asks the host to do.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::driver::Outgoing;
use crate::ipn::TransId;
use crate::result_code::{explain, ResultCodeInfo};

/// How a refund ended.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(
    tag = "outcome",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[non_exhaustive]
pub enum RefundOutcome {
    /// MoMo refunded the amount: its answer said 0, or the payment's
    /// `refundTrans` lists this refund with 0.
    Refunded {
        /// MoMo's transId of the refund (not the payment's), when MoMo
        /// stated it.
        trans_id: Option<TransId>,
    },
    /// MoMo refused the refund: nothing was given back.
    /// [`RefundOutcome::result`] says why and what to do (1080: retry
    /// later with a new refund; 1081: already refunded or over what is
    /// left; 1088: this payment cannot be refunded).
    Refused {
        /// MoMo's code.
        result_code: i64,
    },
    /// No answer and no evidence by the deadline: the money may or may not
    /// have gone back. Count it as refunded when checking what is left to
    /// refund, and reconcile (a status query of the payment lists its
    /// refunds) before refunding again.
    Unknown {
        /// The last code MoMo gave about this refund, if any (7000: still
        /// being processed).
        last_result_code: Option<i64>,
    },
}

impl RefundOutcome {
    /// Stable name: `refunded`, `refused` or `unknown`.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::Refunded { .. } => "refunded",
            Self::Refused { .. } => "refused",
            Self::Unknown { .. } => "unknown",
        }
    }

    /// MoMo's explanation of the deciding code (0 for `refunded`; none for
    /// `unknown`).
    pub fn result(&self) -> Option<ResultCodeInfo> {
        match self {
            Self::Refunded { .. } => Some(explain(0)),
            Self::Refused { result_code } => Some(explain(*result_code)),
            Self::Unknown { .. } => None,
        }
    }
}

impl fmt::Display for RefundOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refunded { trans_id: Some(t) } => write!(f, "refunded (transId {t})"),
            Self::Refunded { trans_id: None } => f.write_str("refunded"),
            Self::Refused { result_code } => write!(
                f,
                "refused ({result_code}: {})",
                explain(*result_code).message_en
            ),
            Self::Unknown { .. } => {
                f.write_str("unknown: no answer or evidence in time; reconcile")
            }
        }
    }
}

/// What the host's records say about the payment being refunded: the guard
/// that keeps refunds within what was paid, checked before anything is
/// signed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct PaidPayment {
    /// The payment's orderId: its status query lists the refunds.
    pub order_id: String,
    /// MoMo's transId of the payment (its `paid` outcome or IPN gave it):
    /// from JSON a number or a string of digits, like
    /// [`RefundInput`](crate::input::RefundInput)'s.
    #[serde(deserialize_with = "crate::input::trans_id")]
    pub trans_id: TransId,
    /// VND paid.
    pub amount: u64,
    /// VND already refunded, or possibly refunded (count `unknown`
    /// refunds here until reconciled). Default 0.
    #[serde(default)]
    pub refunded: u64,
}

impl PaidPayment {
    /// A payment of `amount` VND with nothing refunded yet.
    pub fn new(order_id: impl Into<String>, trans_id: TransId, amount: u64) -> Self {
        Self {
            order_id: order_id.into(),
            trans_id,
            amount,
            refunded: 0,
        }
    }

    /// What was refunded (or may have been) before this refund.
    #[must_use]
    pub fn with_refunded(mut self, refunded: u64) -> Self {
        self.refunded = refunded;
        self
    }

    /// VND that may still be refunded.
    pub fn refundable(&self) -> u64 {
        self.amount.saturating_sub(self.refunded)
    }
}

/// What the host should do now. Ask again after every event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefundAction<'a> {
    /// Persist the snapshot, then POST this request (the refund, the same
    /// bytes again, or a status query of the payment) and report what came
    /// of it with its id.
    Send(&'a Outgoing),
    /// Nothing to send before this time (host clock, ms): feed
    /// [`Event::Tick`](crate::driver::Event::Tick) then.
    Wait {
        /// Host-clock milliseconds: the next status query, or the deadline.
        until_ms: u64,
    },
    /// Finished.
    Done(&'a RefundOutcome),
}
