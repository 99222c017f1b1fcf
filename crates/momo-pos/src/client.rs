//! The merchant-side entry point: signs requests and verifies what MoMo sends.

use crate::credentials::Credentials;
use crate::environment::Environment;
use crate::error::Result;
use crate::ipn::{self, Notification};
use crate::lang::Lang;
use crate::request::{Confirm, PosPayment, Refund, SignedRequest, StatusQuery};
use crate::response::{self, ConfirmAnswer, PosAnswer, QueryAnswer, RefundAnswer, Response};
use crate::rules::AmountLimits;

/// Everything that needs the merchant's secret: signing requests and
/// verifying notifications and answers.
///
/// Immutable once built, `Send + Sync`, cheap to share: build one per
/// merchant at start-up. It never does I/O; the host sends the
/// [`SignedRequest`]s and feeds back the bodies it receives.
#[derive(Debug, Clone)]
pub struct Client {
    credentials: Credentials,
    environment: Environment,
    amount_limits: AmountLimits,
    refund_limits: AmountLimits,
    lang: Lang,
}

impl Client {
    /// A client for MoMo's gateway in `environment`, with Quick Pay's
    /// default amount limits and Vietnamese messages.
    pub fn new(credentials: Credentials, environment: Environment) -> Self {
        Self {
            credentials,
            environment,
            amount_limits: AmountLimits::default(),
            refund_limits: AmountLimits::REFUND,
            lang: Lang::default(),
        }
    }

    /// Other amount bounds (a contract with other caps).
    #[must_use]
    pub fn with_amount_limits(mut self, limits: AmountLimits) -> Self {
        self.amount_limits = limits;
        self
    }

    /// Other bounds for a refund's amount (a contract with other caps).
    #[must_use]
    pub fn with_refund_limits(mut self, limits: AmountLimits) -> Self {
        self.refund_limits = limits;
        self
    }

    /// The language requested for MoMo's messages when a request sets none.
    #[must_use]
    pub fn with_lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }

    /// The credentials (the secret is not readable).
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The gateway every [`SignedRequest::url`] of this client points at.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// The inclusive VND bounds that pos and confirm requests' `amount` must
    /// be within: [`AmountLimits::QUICK_PAY`] unless
    /// [`Client::with_amount_limits`] changed them.
    pub fn amount_limits(&self) -> AmountLimits {
        self.amount_limits
    }

    /// The inclusive VND bounds of a refund's `amount`:
    /// [`AmountLimits::REFUND`] unless [`Client::with_refund_limits`]
    /// changed them.
    pub fn refund_limits(&self) -> AmountLimits {
        self.refund_limits
    }

    /// The `lang` sent when a request sets none: Vietnamese unless
    /// [`Client::with_lang`] changed it.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Checks every field rule of `payment` (the error names the first field
    /// that breaks one) and signs it.
    pub fn pos_request(&self, payment: &PosPayment) -> Result<SignedRequest> {
        payment.sign(self)
    }

    /// Checks and signs a status query.
    pub fn query_request(&self, query: &StatusQuery) -> Result<SignedRequest> {
        query.sign(self)
    }

    /// Checks and signs a capture or cancel.
    pub fn confirm_request(&self, confirm: &Confirm) -> Result<SignedRequest> {
        confirm.sign(self)
    }

    /// Checks every field rule of `refund` and signs it. Sign once and keep
    /// the bytes: a resend after a lost answer must be these bytes with the
    /// same requestId ([`crate::refund::RefundDriver`] does this).
    pub fn refund_request(&self, refund: &Refund) -> Result<SignedRequest> {
        refund.sign(self)
    }

    /// Verifies a payment notification from the raw body bytes exactly as
    /// received, and checks that it is for this merchant's partnerCode.
    ///
    /// Then check the order and amount against your records
    /// ([`Notification::check_order`]), drop deliveries already seen
    /// ([`Notification::dedupe_key`]) and answer HTTP 204.
    pub fn verify_ipn(&self, body: &[u8]) -> Result<Notification> {
        ipn::verify(&self.credentials, body)
    }

    /// Parses the raw body of a pos answer. A signature, when present, must
    /// verify; [`Response::authenticity`] says whether there was one.
    pub fn parse_pos_response(&self, body: &[u8]) -> Result<Response<PosAnswer>> {
        response::parse_pos(&self.credentials, body)
    }

    /// Parses the raw body of a status query's answer, checked like
    /// [`Client::parse_pos_response`].
    pub fn parse_query_response(&self, body: &[u8]) -> Result<Response<QueryAnswer>> {
        response::parse_query(&self.credentials, body)
    }

    /// Parses the raw body of a confirm call's answer, checked like
    /// [`Client::parse_pos_response`].
    pub fn parse_confirm_response(&self, body: &[u8]) -> Result<Response<ConfirmAnswer>> {
        response::parse_confirm(&self.credentials, body)
    }

    /// Parses the raw body of a refund's answer, checked like
    /// [`Client::parse_pos_response`]; its `transId` is the refund's own.
    pub fn parse_refund_response(&self, body: &[u8]) -> Result<Response<RefundAnswer>> {
        response::parse_refund(&self.credentials, body)
    }
}
