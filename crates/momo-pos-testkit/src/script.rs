//! The script format of `momo-pos simulate --script FILE`: what MoMo, the
//! network and the cashier did during one payment, or during one refund of
//! the paid payment (a script with a `refund` object), written by an
//! integrator to replay an incident. A public interface: format 1 is
//! documented in the README and stays readable by every later release.

use serde::Deserialize;

use momo_pos::driver::DriverConfig;
use momo_pos::refund::RefundConfig;
use momo_pos::{ConfirmAction, Endpoint};
use momo_pos::{Error, Result};

/// The only format there is so far.
const FORMAT: u32 = 1;
/// Host clock milliseconds for an answer that names no delay.
pub(super) const LATENCY_MS: u64 = 300;
/// How long the cashier takes by default once asked to capture or cancel.
const CASHIER_MS: u64 = 4_000;
/// More would be a script no incident needs, and a loop a typo could make.
const MAX_REPLIES: u32 = 1_000;

/// One payment's story: answers to the driver's requests per endpoint, in
/// the order the driver sends them; IPN deliveries and crashes at given
/// times; the cashier's decision. Times are milliseconds from the start.
///
/// With [`Script::refund`] it is a refund's story instead: the refund
/// driver gives back (part of) the paid payment, MoMo answers
/// `answers.refund` and the payment's status queries `answers.query`
/// (whose `refundTrans` is the evidence); `autoCapture: false`, `config`,
/// `decision`, `answers.pos` and `answers.confirm` belong to payments and
/// are refused there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Script {
    /// The script format (1).
    #[serde(default = "format_1")]
    pub format: u32,
    /// One line on what it shows.
    #[serde(default)]
    pub summary: String,
    /// `autoCapture` of the pos request (false makes MoMo authorize: 9000).
    #[serde(default = "yes")]
    pub auto_capture: bool,
    /// The driver's policy; only what it names changes the defaults.
    #[serde(default)]
    pub config: Option<DriverConfig>,
    /// How MoMo answers each request.
    #[serde(default)]
    pub answers: Answers,
    /// Signed IPNs MoMo delivers.
    #[serde(default)]
    pub ipns: Vec<IpnDelivery>,
    /// The cashier's capture or cancel once the payment is authorized;
    /// none lets the decision window close.
    #[serde(default)]
    pub decision: Option<Decision>,
    /// Power losses: the host restores the snapshot it persisted last, and
    /// every answer still on its way is lost.
    #[serde(default)]
    pub crashes: Vec<Crash>,
    /// Makes this a refund script: the refund played, of the payment paid.
    #[serde(default)]
    pub refund: Option<RefundPlan>,
}

/// The refund a refund script plays: of the simulated payment (orderId
/// `ORDER-1001`, 50,000 VND, paid with transId 4088878653), under the
/// refund's own orderId `ORDER-1001-R1` and requestId `ORDER-1001-R1-r1`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct RefundPlan {
    /// VND to give back (the whole 50,000 unless given).
    #[serde(default = "full_amount")]
    pub amount: u64,
    /// VND of the payment refunded before this refund (0 unless given): the
    /// host's guard refuses a refund beyond what is left.
    #[serde(default)]
    pub refunded: u64,
    /// The refund driver's policy; only what it names changes the defaults.
    #[serde(default)]
    pub config: Option<RefundConfig>,
}

impl Default for RefundPlan {
    fn default() -> Self {
        Self {
            amount: full_amount(),
            refunded: 0,
            config: None,
        }
    }
}

fn full_amount() -> u64 {
    super::AMOUNT
}

fn format_1() -> u32 {
    FORMAT
}

fn yes() -> bool {
    true
}

/// Replies per endpoint. A request whose list has run out gets no answer
/// (the host times it out): MoMo stays silent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Answers {
    /// Replies to the pos request and its identical resends.
    #[serde(default)]
    pub pos: Vec<Reply>,
    /// Replies to the status queries.
    #[serde(default)]
    pub query: Vec<Reply>,
    /// Replies to the confirm request and its identical resends.
    #[serde(default)]
    pub confirm: Vec<Reply>,
    /// Replies to the refund request and its identical resends (refund
    /// scripts only).
    #[serde(default)]
    pub refund: Vec<Reply>,
}

impl Answers {
    pub(super) fn of(&self, endpoint: Endpoint) -> &[Reply] {
        match endpoint {
            Endpoint::Pos => &self.pos,
            Endpoint::Query => &self.query,
            Endpoint::Confirm => &self.confirm,
            Endpoint::Refund => &self.refund,
            // A call scripts cannot describe yet gets no reply: it is lost.
            _ => &[],
        }
    }
}

/// What became of one request: `{"resultCode": 0}`, optionally with
/// `"status": 422` and `"afterMs": 45000` (an answer later than the
/// request timeout arrives after the driver gave up on it), or
/// `{"lost": "timeout"}` / `{"lost": "networkError"}`. `"times": N` stands
/// for N requests in a row. A status query's answer may list the payment's
/// refunds: `"refundTrans": [{"resultCode": 0}]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Reply {
    /// MoMo's result code in the answer.
    #[serde(default)]
    pub result_code: Option<i64>,
    /// HTTP status of the answer (200 unless given).
    #[serde(default)]
    pub status: Option<u16>,
    /// When the answer arrives after the send (300 ms unless given).
    #[serde(default)]
    pub after_ms: Option<u64>,
    /// No answer at all.
    #[serde(default)]
    pub lost: Option<Lost>,
    /// How many requests in a row get this reply (1 unless given).
    #[serde(default)]
    pub times: Option<u32>,
    /// `refundTrans` of a status query's answer: the payment's refunds as
    /// MoMo lists them (`[]` lists none; absent, the answer has no
    /// `refundTrans`, which also lists none).
    #[serde(default)]
    pub refund_trans: Option<Vec<RefundListing>>,
}

/// One entry of `refundTrans`: by default the scripted refund itself.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct RefundListing {
    /// The refund's result: 0 refunded, 7000 still being processed, or a
    /// refusal.
    pub result_code: i64,
    /// The refund's orderId (the scripted refund's `ORDER-1001-R1` unless
    /// given: another one lists an earlier refund).
    #[serde(default)]
    pub order_id: Option<String>,
    /// VND (the scripted refund's amount unless given).
    #[serde(default)]
    pub amount: Option<u64>,
    /// MoMo's transId of the refund (4088878700 unless given).
    #[serde(default)]
    pub trans_id: Option<u64>,
}

/// How a request goes unanswered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Lost {
    /// Nothing comes back before the request timeout.
    Timeout,
    /// The call fails below HTTP soon after it starts.
    NetworkError,
}

/// A signed IPN delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct IpnDelivery {
    /// When it arrives.
    pub at_ms: u64,
    /// Its result code.
    pub result_code: i64,
    /// Its amount, when not the payment's (one that must not match).
    #[serde(default)]
    pub amount: Option<u64>,
}

/// The cashier's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Decision {
    /// `capture` or `cancel`.
    pub action: ConfirmAction,
    /// How long after the driver asks (4000 ms unless given); at or past
    /// the decision window, the default applies instead.
    #[serde(default)]
    pub after_ms: Option<u64>,
}

impl Decision {
    pub(super) fn delay_ms(&self) -> u64 {
        self.after_ms.unwrap_or(CASHIER_MS)
    }
}

/// A power loss: at a time, or just before the Nth send goes out (after
/// the host persisted its snapshot).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Crash {
    /// When.
    #[serde(default)]
    pub at_ms: Option<u64>,
    /// Before which send (1 is the first pos, or refund, request).
    #[serde(default)]
    pub before_send: Option<u32>,
}

fn bad(reason: String) -> Error {
    Error::InvalidState {
        reason: format!("simulation script: {reason}"),
    }
}

impl Script {
    /// Reads and checks a script.
    pub fn from_json(text: &str) -> Result<Self> {
        let script: Self = serde_json::from_str(text).map_err(|e| Error::InvalidJson {
            reason: format!("simulation script: {e}"),
        })?;
        script.check()?;
        Ok(script)
    }

    fn check(&self) -> Result<()> {
        if self.format != FORMAT {
            return Err(bad(format!(
                "format {} is not supported (this release reads {FORMAT})",
                self.format
            )));
        }
        if let Some(config) = &self.config {
            config.validate()?;
        }
        self.check_kind()?;
        for endpoint in [
            Endpoint::Pos,
            Endpoint::Query,
            Endpoint::Confirm,
            Endpoint::Refund,
        ] {
            let mut total = 0u32;
            for (i, reply) in self.answers.of(endpoint).iter().enumerate() {
                let at = format!("answers.{endpoint}[{i}]");
                match (reply.result_code, reply.lost) {
                    (Some(_), None) => {}
                    (None, Some(_)) if reply.status.is_none() && reply.after_ms.is_none() => {}
                    (None, Some(_)) => {
                        return Err(bad(format!("{at}: a lost answer has no status or afterMs")))
                    }
                    _ => return Err(bad(format!("{at}: give either resultCode or lost"))),
                }
                if reply.status.is_some_and(|s| !(100..=599).contains(&s)) {
                    return Err(bad(format!("{at}: status must be 100..=599")));
                }
                if reply.refund_trans.is_some() {
                    if endpoint != Endpoint::Query {
                        return Err(bad(format!(
                            "{at}: refundTrans is part of a status query's answer"
                        )));
                    }
                    if reply.lost.is_some() {
                        return Err(bad(format!("{at}: a lost answer has no refundTrans")));
                    }
                }
                total = total.saturating_add(reply.times.unwrap_or(1));
                if reply.times == Some(0) || total > MAX_REPLIES {
                    return Err(bad(format!("{at}: times must be 1..={MAX_REPLIES} in all")));
                }
            }
        }
        for (i, crash) in self.crashes.iter().enumerate() {
            if crash.at_ms.is_some() == crash.before_send.is_some() {
                return Err(bad(format!("crashes[{i}]: give either atMs or beforeSend")));
            }
        }
        Ok(())
    }

    /// A refund script names nothing of a payment's story, and a payment
    /// script no refund answers.
    fn check_kind(&self) -> Result<()> {
        let Some(plan) = &self.refund else {
            if !self.answers.refund.is_empty() {
                return Err(bad(
                    "answers.refund: only a refund script (one with \"refund\") sends a refund"
                        .into(),
                ));
            }
            return Ok(());
        };
        if let Some(config) = &plan.config {
            config.validate()?;
        }
        let payment_only = [
            (
                "autoCapture",
                !self.auto_capture,
                "a refund has no authorization",
            ),
            (
                "config",
                self.config.is_some(),
                "the refund's policy is refund.config",
            ),
            (
                "decision",
                self.decision.is_some(),
                "a refund has no cashier's decision",
            ),
            (
                "answers.pos",
                !self.answers.pos.is_empty(),
                "a refund sends no pos request",
            ),
            (
                "answers.confirm",
                !self.answers.confirm.is_empty(),
                "a refund sends no confirm",
            ),
        ];
        match payment_only.iter().find(|(_, given, _)| *given) {
            Some((field, _, why)) => Err(bad(format!(
                "{field} is for payment scripts, not a refund script: {why}"
            ))),
            None => Ok(()),
        }
    }

    /// Whether this script plays a refund ([`Script::refund`]).
    pub fn is_refund(&self) -> bool {
        self.refund.is_some()
    }

    /// The replies of `endpoint`, one per request (`times` expanded).
    pub(super) fn replies(&self, endpoint: Endpoint) -> Vec<Reply> {
        self.answers
            .of(endpoint)
            .iter()
            .flat_map(|r| std::iter::repeat_n(r.clone(), r.times.unwrap_or(1) as usize))
            .collect()
    }
}
