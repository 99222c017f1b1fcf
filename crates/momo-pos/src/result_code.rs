//! Result codes of MoMo Quick Pay: meaning, finality and the host's next step.
//!
//! The whole table is data: [`catalogue`] lists every code of PROTOCOL.md's
//! table, sorted by code, and [`explain`] looks one up (binary search, no
//! allocation). A code that is not in the table is not an error: it comes back
//! as "unknown, not final, query the status".
//!
//! Sources of the text:
//! - English: MoMo's "List Result Codes" page
//!   (developers.momo.vn/v3/docs/payment/api/result-handling/resultcode), and
//!   for 44 and 4005 MoMo's Quick Pay - POS Scanner page.
//! - Vietnamese: MoMo's "Danh Sách Result Codes" page
//!   (developers.momo.vn/v3/vi/docs/payment/api/result-handling/resultcode).
//!   Rows tagged `vi: MoMo` were read on a mirror of that page; rows tagged
//!   `vi: MoMo (transcribed)` are MoMo's wording as copied into public
//!   integrations (not read on the live page here); rows tagged
//!   `translated, not MoMo's text` are our own translation.
//!
//! `is_final` is exactly the "final" column of PROTOCOL.md.

use serde::Serialize;

use crate::Lang;

/// What the host should do after seeing a result code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NextStep {
    /// Final: nothing more to call (paid, or declined for good: tell the shopper).
    Done,
    /// 9000: call confirm with `requestType` `capture` or `cancel`.
    CaptureOrCancel,
    /// Not final or outcome unknown: poll the status query (and, if needed,
    /// repeat the original request with the *same* `requestId`).
    Query,
    /// Ask the shopper to refresh / show the payment code again and rescan.
    RefreshPaymentCode,
    /// Our request was wrong (format, signature, amount, orderId...): fix it,
    /// don't retry it as-is.
    FixRequest,
    /// Merchant configuration/account problem or unknown system error: contact MoMo.
    ContactMomo,
}

/// Broad outcome of a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Category {
    /// The payment succeeded (code 0).
    Paid,
    /// The payment is authorized and waits for capture or cancel (code 9000).
    Authorized,
    /// The outcome is not known yet: query to learn it.
    Pending,
    /// The shopper's side said no (funds, limits, account, expired code...).
    Declined,
    /// MoMo refused our request (format, credentials, configuration, refund rules...).
    Rejected,
    /// The code is not in the table.
    Unknown,
}

impl NextStep {
    /// Stable snake_case name (`capture_or_cancel`), shared by every binding.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::CaptureOrCancel => "capture_or_cancel",
            Self::Query => "query",
            Self::RefreshPaymentCode => "refresh_payment_code",
            Self::FixRequest => "fix_request",
            Self::ContactMomo => "contact_momo",
        }
    }
}

crate::str_names::serde_via_str!(NextStep);
crate::str_names::serde_via_str!(Category);

impl Category {
    /// Stable snake_case name (`paid`), shared by every binding.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Paid => "paid",
            Self::Authorized => "authorized",
            Self::Pending => "pending",
            Self::Declined => "declined",
            Self::Rejected => "rejected",
            Self::Unknown => "unknown",
        }
    }
}

/// One row of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ResultCodeInfo {
    /// The numeric `resultCode` as sent by MoMo.
    pub code: i64,
    /// MoMo's English message for the code (`"Unknown result code"` for a
    /// code not in the table): for people, not to match on.
    pub message_en: &'static str,
    /// The Vietnamese message; a few rows are our own translation (see the
    /// module documentation).
    pub message_vi: &'static str,
    /// True when the transaction will not change any more; false for a
    /// code not in the table.
    pub is_final: bool,
    /// Broad outcome of the code; [`Category::Unknown`] for a code not in
    /// the table.
    pub category: Category,
    /// What the host should do next; [`NextStep::Query`] for a code not in
    /// the table.
    pub next_step: NextStep,
}

impl ResultCodeInfo {
    /// The message in the given language.
    pub fn message(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Vi => self.message_vi,
            Lang::En => self.message_en,
        }
    }

    /// False only for the fallback returned for a code that is not in the table.
    pub fn is_known(&self) -> bool {
        self.category != Category::Unknown
    }

    /// True for code 0 only: the payment succeeded.
    pub fn is_success(&self) -> bool {
        self.code == 0 && self.category == Category::Paid
    }
}

const FINAL: bool = true;
const NOT_FINAL: bool = false;

const fn row(
    code: i64,
    message_en: &'static str,
    message_vi: &'static str,
    is_final: bool,
    category: Category,
    next_step: NextStep,
) -> ResultCodeInfo {
    ResultCodeInfo {
        code,
        message_en,
        message_vi,
        is_final,
        category,
        next_step,
    }
}

use Category::{Authorized, Declined, Paid, Pending, Rejected};
use NextStep::{CaptureOrCancel, ContactMomo, Done, FixRequest, Query, RefreshPaymentCode};

/// The table, sorted by code (checked by a test).
static CATALOGUE: [ResultCodeInfo; 38] = [
    // vi: MoMo
    row(0, "Successful.", "Thành công.", FINAL, Paid, Done),
    // vi: MoMo (transcribed)
    // why Query/Pending: MoMo was down for maintenance; our request may or may not have been taken: find out before any new attempt.
    row(
        10,
        "System is under maintenance.",
        "Hệ thống đang được bảo trì.",
        NOT_FINAL,
        Pending,
        Query,
    ),
    // vi: MoMo
    // why ContactMomo: the merchant account's settings forbid the call; only MoMo/M4B can change that.
    row(
        11,
        "Access denied.",
        "Truy cập bị từ chối.",
        NOT_FINAL,
        Rejected,
        ContactMomo,
    ),
    // vi: MoMo
    // why FixRequest: we called an API version MoMo no longer supports; upgrade the request.
    row(
        12,
        "Unsupported API version for this request.",
        "Phiên bản API không được hỗ trợ cho yêu cầu này.",
        NOT_FINAL,
        Rejected,
        FixRequest,
    ),
    // vi: MoMo
    // why ContactMomo: credentials (partnerCode/accessKey/secretKey) don't match MoMo's; check them against M4B or ask MoMo.
    row(
        13,
        "Merchant authentication failed.",
        "Xác thực doanh nghiệp thất bại.",
        NOT_FINAL,
        Rejected,
        ContactMomo,
    ),
    // vi: MoMo (transcribed)
    row(
        20,
        "Bad format request.",
        "Yêu cầu sai định dạng.",
        NOT_FINAL,
        Rejected,
        FixRequest,
    ),
    // vi: MoMo (transcribed)
    row(
        21,
        "Request rejected due to invalid transaction amount.",
        "Yêu cầu bị từ chối vì số tiền giao dịch không hợp lệ.",
        NOT_FINAL,
        Rejected,
        FixRequest,
    ),
    // vi: MoMo (transcribed)
    row(
        22,
        "The transaction amount is out of range.",
        "Số tiền giao dịch không hợp lệ.",
        NOT_FINAL,
        Rejected,
        FixRequest,
    ),
    // vi: MoMo (transcribed)
    // why Query/Pending: the first request with this requestId may have been processed (or still be): query, never resend under a new requestId.
    row(
        40,
        "Duplicated requestId.",
        "RequestId bị trùng.",
        NOT_FINAL,
        Pending,
        Query,
    ),
    // vi: MoMo (transcribed)
    // why Query/Pending: an earlier payment with this orderId exists and may be paid: query its status before anything else.
    row(
        41,
        "Duplicated orderId.",
        "OrderId bị trùng.",
        NOT_FINAL,
        Pending,
        Query,
    ),
    // vi: MoMo (transcribed)
    row(
        42,
        "Invalid orderId or orderId is not found.",
        "OrderId không hợp lệ hoặc không được tìm thấy.",
        NOT_FINAL,
        Rejected,
        FixRequest,
    ),
    // vi: MoMo (transcribed)
    // why Query/Pending: a similar transaction is in progress and may complete: wait for its outcome.
    row(
        43,
        "Request rejected due to an analogous transaction is being processed.",
        "Yêu cầu bị từ chối vì xung đột trong quá trình xử lý giao dịch.",
        NOT_FINAL,
        Pending,
        Query,
    ),
    // translated, not MoMo's text
    // why RefreshPaymentCode: the scanned code is malformed or not a MoMo payment code; rescan a fresh one.
    row(
        44,
        "Transaction rejected due to invalid paymentCode.",
        "Giao dịch bị từ chối do mã thanh toán (paymentCode) không hợp lệ.",
        NOT_FINAL,
        Rejected,
        RefreshPaymentCode,
    ),
    // vi: MoMo (transcribed)
    row(
        45,
        "Duplicated ItemId.",
        "Trùng ItemId.",
        NOT_FINAL,
        Rejected,
        FixRequest,
    ),
    // vi: MoMo (transcribed)
    row(
        47,
        "Request rejected due to inapplicable information in the given set of valuable data.",
        "Yêu cầu bị từ chối vì thông tin không hợp lệ trong danh sách dữ liệu khả dụng.",
        NOT_FINAL,
        Rejected,
        FixRequest,
    ),
    // vi: MoMo (transcribed)
    // why ContactMomo: MoMo-side failure to produce a QR code; nothing in our request to fix.
    row(
        98,
        "This QR Code has not been generated successfully. Please try again later.",
        "QR Code tạo không thành công. Vui lòng thử lại sau.",
        FINAL,
        Rejected,
        ContactMomo,
    ),
    // vi: MoMo (transcribed)
    // why ContactMomo: MoMo's own advice for an unknown system error is to contact MoMo.
    row(
        99,
        "Unknown error.",
        "Lỗi không xác định.",
        FINAL,
        Rejected,
        ContactMomo,
    ),
    // vi: MoMo
    row(
        1000,
        "Transaction is initiated, waiting for user confirmation.",
        "Giao dịch đã được khởi tạo, chờ người dùng xác nhận thanh toán.",
        NOT_FINAL,
        Pending,
        Query,
    ),
    // vi: MoMo (transcribed)
    row(
        1001,
        "Transaction failed due to insufficient funds.",
        "Giao dịch thanh toán thất bại do tài khoản người dùng không đủ tiền.",
        FINAL,
        Declined,
        Done,
    ),
    // vi: MoMo (transcribed)
    row(
        1002,
        "Transaction rejected by the issuers of the payment methods.",
        "Giao dịch bị từ chối do nhà phát hành tài khoản thanh toán.",
        FINAL,
        Declined,
        Done,
    ),
    // vi: MoMo (transcribed); MoMo's page reads "Giao dịch bị đã bị hủy." (typo), corrected here
    // why Done: cancelled by the merchant or by MoMo's timeout handler; final, the payment failed.
    row(
        1003,
        "Transaction cancelled after successfully authorized.",
        "Giao dịch đã bị hủy.",
        FINAL,
        Declined,
        Done,
    ),
    // vi: MoMo (transcribed)
    row(
        1004,
        "Transaction failed because the amount exceeds daily/monthly payment limit.",
        "Giao dịch thất bại do số tiền thanh toán vượt quá hạn mức thanh toán của người dùng.",
        FINAL,
        Declined,
        Done,
    ),
    // vi: MoMo (transcribed)
    // why RefreshPaymentCode: for POS the expired "QR code" is the shopper's payment code; a fresh one can pay.
    row(
        1005,
        "Transaction failed because the url or QR code expired.",
        "Giao dịch thất bại do url hoặc QR code đã hết hạn.",
        FINAL,
        Declined,
        RefreshPaymentCode,
    ),
    // vi: MoMo (transcribed)
    row(
        1006,
        "Transaction failed because user has denied to confirm the payment.",
        "Giao dịch thất bại do người dùng đã từ chối xác nhận thanh toán.",
        FINAL,
        Declined,
        Done,
    ),
    // vi: MoMo (transcribed)
    row(
        1007,
        "Transaction rejected due to inactive or nonexistent user's account.",
        "Giao dịch bị từ chối vì tài khoản không tồn tại hoặc đang ở trạng thái ngưng hoạt động.",
        FINAL,
        Declined,
        Done,
    ),
    // vi: MoMo (transcribed)
    // why Done: the merchant (us) cancelled it; final, nothing was charged.
    row(
        1017,
        "Transaction cancelled by merchant.",
        "Giao dịch bị hủy bởi đối tác.",
        FINAL,
        Declined,
        Done,
    ),
    // vi: MoMo (transcribed)
    row(
        1026,
        "Transaction restricted due to promotion rules.",
        "Giao dịch bị hạn chế theo thể lệ chương trình khuyến mãi.",
        FINAL,
        Declined,
        Done,
    ),
    // vi: MoMo (transcribed)
    // why Query: refund API; the refund failed and MoMo says retry later: check the refund state first, never assume it went through.
    row(
        1080,
        "Refund attempt failed during the processing. Please retry within a short period, preferably after an hour.",
        "Giao dịch hoàn tiền thất bại trong quá trình xử lý. Vui lòng thử lại trong khoảng thời gian ngắn, tốt hơn là sau một giờ.",
        FINAL,
        Rejected,
        Query,
    ),
    // vi: MoMo (transcribed)
    // why Query: refund API; the payment may already have been refunded: query to see its refunds before trying again.
    row(
        1081,
        "Refund rejected. The original transaction might have been refunded.",
        "Giao dịch hoàn tiền bị từ chối. Giao dịch thanh toán ban đầu có thể đã được hoàn.",
        FINAL,
        Rejected,
        Query,
    ),
    // vi: MoMo (transcribed)
    // why ContactMomo: refund API; MoMo's advice is to contact MoMo for why this payment can't be refunded.
    row(
        1088,
        "Refund rejected. The original payment transaction is ineligible to be refunded.",
        "Giao dịch hoàn tiền bị từ chối. Giao dịch thanh toán ban đầu không được hỗ trợ hoàn tiền.",
        FINAL,
        Rejected,
        ContactMomo,
    ),
    // vi: MoMo (transcribed)
    // why FixRequest: the orderGroupId we sent is not one MoMo assigned to us.
    row(
        2019,
        "Request rejected due to invalid orderGroupId.",
        "Yêu cầu bị từ chối vì orderGroupId không hợp lệ.",
        FINAL,
        Rejected,
        FixRequest,
    ),
    // vi: MoMo (transcribed)
    row(
        4001,
        "Transaction rejected because the user account is being restricted.",
        "Giao dịch bị từ chối do tài khoản người dùng đang bị hạn chế.",
        FINAL,
        Declined,
        Done,
    ),
    // vi: MoMo (transcribed)
    // why Done: the shopper must verify identity (C06 / NFC biometrics) in the app; tell them, nothing for the host to call.
    row(
        4002,
        "Transaction rejected because the user account has not been verified by C06.",
        "Giao dịch bị từ chối do tài khoản người dùng chưa được xác thực với C06.",
        FINAL,
        Declined,
        Done,
    ),
    // translated, not MoMo's text; MoMo's English reads "Transantion" (typo), corrected here
    row(
        4005,
        "Transaction rejected due to consumer's QR Code has expired or invalid.",
        "Giao dịch bị từ chối do mã QR của người dùng đã hết hạn hoặc không hợp lệ.",
        FINAL,
        Declined,
        RefreshPaymentCode,
    ),
    // vi: MoMo (transcribed)
    row(
        4100,
        "Transaction failed because user has failed to login.",
        "Giao dịch thất bại do người dùng không đăng nhập thành công.",
        FINAL,
        Declined,
        Done,
    ),
    // vi: MoMo
    row(
        7000,
        "Transaction is being processed.",
        "Giao dịch đang được xử lý.",
        NOT_FINAL,
        Pending,
        Query,
    ),
    // vi: MoMo
    row(
        7002,
        "Transaction is being processed by the provider of the payment instrument selected.",
        "Giao dịch đang được xử lý bởi nhà cung cấp loại hình thanh toán.",
        NOT_FINAL,
        Pending,
        Query,
    ),
    // vi: MoMo
    row(
        9000,
        "Transaction is authorized successfully.",
        "Giao dịch đã được xác nhận thành công.",
        NOT_FINAL,
        Authorized,
        CaptureOrCancel,
    ),
];

/// English message of the fallback for a code that is not in the table.
const UNKNOWN_EN: &str = "Unknown result code";
/// Vietnamese message of the fallback.
// translated, not MoMo's text
const UNKNOWN_VI: &str = "Mã kết quả không xác định";

const fn unknown(code: i64) -> ResultCodeInfo {
    ResultCodeInfo {
        code,
        message_en: UNKNOWN_EN,
        message_vi: UNKNOWN_VI,
        // An unknown code says nothing about the payment: it may still go either way.
        is_final: false,
        category: Category::Unknown,
        next_step: NextStep::Query,
    }
}

/// Looks a code up; an unknown code is not an error: it is "unknown, not final, query".
pub fn explain(code: i64) -> ResultCodeInfo {
    match CATALOGUE.binary_search_by_key(&code, |info| info.code) {
        Ok(i) => CATALOGUE.get(i).copied().unwrap_or(unknown(code)),
        Err(_) => unknown(code),
    }
}

/// The whole table, sorted by code: every code [`explain`] knows, for a
/// host that builds its own screen texts or checks its coverage.
pub fn catalogue() -> &'static [ResultCodeInfo] {
    &CATALOGUE
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (code, final), copied from PROTOCOL.md's "Result codes" table.
    const PROTOCOL_TABLE: [(i64, bool); 38] = [
        (0, true),
        (9000, false),
        (1000, false),
        (7000, false),
        (7002, false),
        (10, false),
        (11, false),
        (12, false),
        (13, false),
        (20, false),
        (21, false),
        (22, false),
        (40, false),
        (41, false),
        (42, false),
        (43, false),
        (44, false),
        (45, false),
        (47, false),
        (98, true),
        (99, true),
        (1001, true),
        (1002, true),
        (1003, true),
        (1004, true),
        (1005, true),
        (1006, true),
        (1007, true),
        (1017, true),
        (1026, true),
        (1080, true),
        (1081, true),
        (1088, true),
        (2019, true),
        (4001, true),
        (4002, true),
        (4005, true),
        (4100, true),
    ];

    #[test]
    fn table_is_sorted_without_duplicates() {
        let codes: Vec<i64> = catalogue().iter().map(|r| r.code).collect();
        assert!(
            codes.windows(2).all(|w| matches!(w, [a, b] if a < b)),
            "{codes:?}"
        );
    }

    #[test]
    fn every_protocol_code_is_present_with_its_finality() {
        for (code, is_final) in PROTOCOL_TABLE {
            let info = explain(code);
            assert!(info.is_known(), "code {code} missing");
            assert_eq!(info.code, code);
            assert_eq!(info.is_final, is_final, "finality of {code}");
        }
        // ...and nothing else is in the table.
        assert_eq!(catalogue().len(), PROTOCOL_TABLE.len());
        for info in catalogue() {
            assert!(
                PROTOCOL_TABLE.iter().any(|(c, _)| *c == info.code),
                "{} is not in PROTOCOL.md",
                info.code
            );
        }
    }

    #[test]
    fn unknown_codes_are_not_final_and_mean_query() {
        for code in [12345, -1, 1, 8000, i64::MIN, i64::MAX] {
            let info = explain(code);
            assert_eq!(info.code, code);
            assert!(!info.is_known());
            assert!(!info.is_final);
            assert!(!info.is_success());
            assert_eq!(info.category, Category::Unknown);
            assert_eq!(info.next_step, NextStep::Query);
            assert_eq!(info.message_en, "Unknown result code");
            assert_eq!(info.message(Lang::En), "Unknown result code");
            assert!(!info.message(Lang::Vi).is_empty());
            assert_ne!(info.message(Lang::Vi), info.message(Lang::En));
        }
    }

    #[test]
    fn no_message_is_empty() {
        for info in catalogue() {
            assert!(!info.message_en.trim().is_empty(), "{}", info.code);
            assert!(!info.message_vi.trim().is_empty(), "{}", info.code);
            assert_eq!(info.message(Lang::En), info.message_en);
            assert_eq!(info.message(Lang::Vi), info.message_vi);
        }
    }

    #[test]
    fn zero_is_the_only_success() {
        assert!(explain(0).is_success());
        assert_eq!(explain(0).category, Category::Paid);
        assert_eq!(explain(0).next_step, NextStep::Done);
        for info in catalogue().iter().filter(|i| i.code != 0) {
            assert!(!info.is_success(), "{}", info.code);
            assert_ne!(info.category, Category::Paid, "{}", info.code);
        }
    }

    #[test]
    fn maybe_paid_codes_never_map_to_done_or_fix_request() {
        for code in [40, 41, 43, 10, 1000, 7000, 7002] {
            let step = explain(code).next_step;
            assert_ne!(step, NextStep::Done, "{code}");
            assert_ne!(step, NextStep::FixRequest, "{code}");
        }
    }

    #[test]
    fn not_final_codes_never_say_done() {
        for info in catalogue().iter().filter(|i| !i.is_final) {
            assert_ne!(info.next_step, NextStep::Done, "{}", info.code);
        }
    }

    #[test]
    fn chosen_next_steps() {
        assert_eq!(explain(9000).next_step, NextStep::CaptureOrCancel);
        assert_eq!(explain(9000).category, Category::Authorized);
        for code in [20, 21, 22, 42, 45, 47, 12, 2019] {
            assert_eq!(explain(code).next_step, NextStep::FixRequest, "{code}");
        }
        for code in [11, 13, 98, 99] {
            assert_eq!(explain(code).next_step, NextStep::ContactMomo, "{code}");
        }
        for code in [4005, 44, 1005] {
            assert_eq!(
                explain(code).next_step,
                NextStep::RefreshPaymentCode,
                "{code}"
            );
        }
        for code in [40, 41, 43, 10, 1000, 7000, 7002] {
            assert_eq!(explain(code).next_step, NextStep::Query, "{code}");
        }
        for code in [
            1001, 1002, 1003, 1004, 1006, 1007, 1017, 1026, 4001, 4002, 4100,
        ] {
            assert_eq!(explain(code).next_step, NextStep::Done, "{code}");
            assert_eq!(explain(code).category, Category::Declined, "{code}");
        }
    }
}
