//! The driver's transition table: what a result code (or a lost answer)
//! does, keyed by where the payment stands, where the code came from and
//! what class of code it is. It is the one place these rules live; the
//! module documentation shows it as a table and the tests enumerate it.

use crate::request::{ConfirmAction, Endpoint};
use crate::result_code::{explain, NextStep};

/// What MoMo said status queries answer for an order it never received (it
/// does not document one; 42 is "invalid or missing orderId"). Only then is
/// the identical pos request sent again.
pub(crate) const QUERY_NOT_FOUND: i64 = 42;

/// Where the payment stands when the code arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Phase {
    /// The pos request is out, or being polled.
    Paying,
    /// 9000 seen, waiting for the merchant: nothing in flight.
    Authorized,
    /// A capture (or a query about it) is out.
    Capturing,
    /// A cancel (or a query about it) is out.
    Cancelling,
    /// Ended `unknown`: only a verified IPN still counts.
    Unknown,
}

/// Where the code came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Source {
    /// The answer to the request in flight.
    Answer(Endpoint),
    /// A verified IPN for this payment.
    Ipn,
}

/// What a code says about the payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Class {
    /// 0.
    Success,
    /// 9000: money held, waiting for capture or cancel.
    Authorized,
    /// A final code other than 0: the transaction ended without money taken.
    Failed,
    /// Not final, and MoMo refused the request itself (format, signature,
    /// credentials, payment code).
    Refused,
    /// A status query found no such order (42).
    NoSuchOrder,
    /// Not final: being processed, waiting for the shopper, or a code not
    /// in the catalogue.
    Pending,
    /// No usable answer: timeout, network error, unreadable body.
    Lost,
}

impl Class {
    /// The class of `code` as `source` gave it.
    pub(crate) fn of(source: Source, code: i64) -> Self {
        let info = explain(code);
        match code {
            0 => Self::Success,
            9000 => Self::Authorized,
            QUERY_NOT_FOUND if source == Source::Answer(Endpoint::Query) => Self::NoSuchOrder,
            _ if info.is_final => Self::Failed,
            _ => match info.next_step {
                NextStep::FixRequest | NextStep::RefreshPaymentCode | NextStep::ContactMomo => {
                    Self::Refused
                }
                _ => Self::Pending,
            },
        }
    }

    /// Every class, for tests that walk the table.
    #[cfg(test)]
    pub(crate) const ALL: [Self; 7] = [
        Self::Success,
        Self::Authorized,
        Self::Failed,
        Self::Refused,
        Self::NoSuchOrder,
        Self::Pending,
        Self::Lost,
    ];
}

/// What the driver does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Step {
    /// End `paid`.
    Paid,
    /// End `paid`, journaling that MoMo took the money of a payment the
    /// merchant chose to cancel.
    PaidDespiteCancel,
    /// End `declined` (no money was ever held) or `cancelled` (it was).
    Failed,
    /// End `cancelled` with the code: the cancel went through.
    Cancelled,
    /// Wait for the merchant's capture or cancel.
    Authorize,
    /// Status query after the next poll delay.
    Poll,
    /// The identical pos request again (within `max_pos_resends`, and only
    /// while MoMo never answered it), else poll.
    ResendPos,
    /// The identical confirm request again (within `max_confirm_sends`),
    /// else end `unknown`: the money is still held.
    ResendConfirm,
    /// Nothing changes.
    Nothing,
}

/// The table. Every cell that cannot occur (an answer while nothing of
/// that kind is in flight) is `Nothing`: the caller only asks for the
/// request in flight.
pub(crate) fn step(phase: Phase, source: Source, class: Class) -> Step {
    use Class as C;
    use Endpoint::{Confirm, Pos, Query, Refund};
    use Source::{Answer, Ipn};
    match (phase, source, class) {
        // Paying: the first final word about the payment settles it.
        (Phase::Paying, Answer(Pos | Query) | Ipn, C::Success) => Step::Paid,
        (Phase::Paying, Answer(Pos | Query) | Ipn, C::Authorized) => Step::Authorize,
        (Phase::Paying, Answer(Pos | Query) | Ipn, C::Failed) => Step::Failed,
        // MoMo refused the payment request itself: no transaction exists.
        (Phase::Paying, Answer(Pos), C::Refused) => Step::Failed,
        (Phase::Paying, Answer(Query), C::NoSuchOrder) => Step::ResendPos,
        // A refused query says nothing about the payment.
        (Phase::Paying, Answer(Pos | Query), _) => Step::Poll,

        // Authorized: nothing is in flight; an IPN may still end it.
        (Phase::Authorized, Ipn, C::Success) => Step::Paid,
        (Phase::Authorized, Ipn, C::Failed) => Step::Failed,

        // Confirming: only a 0 to the confirm itself settles from its
        // answer; anything else is checked with a status query.
        (Phase::Capturing, Answer(Confirm), C::Success) => Step::Paid,
        (Phase::Cancelling, Answer(Confirm), C::Success) => Step::Cancelled,
        (Phase::Capturing | Phase::Cancelling, Answer(Confirm), _) => Step::Poll,
        (Phase::Capturing, Answer(Query) | Ipn, C::Success) => Step::Paid,
        (Phase::Cancelling, Answer(Query) | Ipn, C::Success) => Step::PaidDespiteCancel,
        (Phase::Capturing | Phase::Cancelling, Answer(Query) | Ipn, C::Failed) => Step::Failed,
        (Phase::Capturing | Phase::Cancelling, Answer(Query), C::Authorized) => Step::ResendConfirm,
        (Phase::Capturing | Phase::Cancelling, Answer(Query), _) => Step::Poll,

        // Unknown: a verified final IPN is the ledger speaking.
        (Phase::Unknown, Ipn, C::Success) => Step::Paid,
        (Phase::Unknown, Ipn, C::Failed) => Step::Failed,

        (_, Ipn, _)
        | (Phase::Authorized | Phase::Unknown, Answer(_), _)
        | (Phase::Paying, Answer(Confirm), _)
        | (Phase::Capturing | Phase::Cancelling, Answer(Pos), _)
        // A payment's driver never sends a refund.
        | (_, Answer(Refund), _) => Step::Nothing,
    }
}

impl Phase {
    /// Every phase, for tests that walk the table.
    #[cfg(test)]
    pub(crate) const ALL: [Self; 5] = [
        Self::Paying,
        Self::Authorized,
        Self::Capturing,
        Self::Cancelling,
        Self::Unknown,
    ];

    pub(crate) fn confirming(action: ConfirmAction) -> Self {
        match action {
            ConfirmAction::Capture => Self::Capturing,
            ConfirmAction::Cancel => Self::Cancelling,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCES: [Source; 4] = [
        Source::Answer(Endpoint::Pos),
        Source::Answer(Endpoint::Query),
        Source::Answer(Endpoint::Confirm),
        Source::Ipn,
    ];

    #[test]
    fn classes_of_the_codes_that_steer() {
        let query = Source::Answer(Endpoint::Query);
        let pos = Source::Answer(Endpoint::Pos);
        assert_eq!(Class::of(pos, 0), Class::Success);
        assert_eq!(Class::of(pos, 9000), Class::Authorized);
        for code in [99, 1001, 1003, 1006, 2019, 4005] {
            assert_eq!(Class::of(pos, code), Class::Failed, "{code}");
        }
        for code in [20, 21, 44, 13] {
            assert_eq!(Class::of(pos, code), Class::Refused, "{code}");
        }
        assert_eq!(Class::of(pos, 42), Class::Refused);
        assert_eq!(Class::of(query, 42), Class::NoSuchOrder);
        for code in [1000, 7000, 7002, 40, 41, 43, 10, 123_456] {
            assert_eq!(Class::of(query, code), Class::Pending, "{code}");
        }
    }

    /// The two rules that bugs of 0.1 broke, over every cell.
    #[test]
    fn a_confirm_answer_other_than_0_never_settles() {
        for phase in [Phase::Capturing, Phase::Cancelling] {
            for class in Class::ALL {
                let step = step(phase, Source::Answer(Endpoint::Confirm), class);
                if class != Class::Success {
                    assert_eq!(step, Step::Poll, "{phase:?} {class:?}");
                }
            }
        }
    }

    /// The table in the module documentation says what `step` does, cell
    /// for cell: a row's "any other" is every class the rows before it left
    /// open for that stage and source, and a cell no row names changes
    /// nothing.
    #[test]
    fn the_documented_table_is_the_code() {
        use std::collections::HashMap;
        let docs = include_str!("mod.rs");
        let mut said: HashMap<(Phase, Source, Class), String> = HashMap::new();
        let rows = docs
            .lines()
            .filter_map(|l| l.strip_prefix("//! | "))
            .filter(|l| !l.starts_with("payment stands") && !l.starts_with("---"));
        for row in rows {
            let cells: Vec<&str> = row.trim_end_matches(" |").split(" | ").collect();
            let [stages, sources, classes, then] = cells[..] else {
                panic!("row {row:?}")
            };
            let stages: Vec<Phase> = stages
                .split(", ")
                .map(|s| match s {
                    "paying" => Phase::Paying,
                    "authorized" => Phase::Authorized,
                    "capturing" => Phase::Capturing,
                    "cancelling" => Phase::Cancelling,
                    "ended `unknown`" => Phase::Unknown,
                    other => panic!("stage {other:?}"),
                })
                .collect();
            let sources: Vec<Source> = sources
                .split(", ")
                .flat_map(|s| match s {
                    "pos answer" => vec![Source::Answer(Endpoint::Pos)],
                    "query answer" => vec![Source::Answer(Endpoint::Query)],
                    "confirm answer" => vec![Source::Answer(Endpoint::Confirm)],
                    "pos or query answer" => vec![
                        Source::Answer(Endpoint::Pos),
                        Source::Answer(Endpoint::Query),
                    ],
                    "IPN" => vec![Source::Ipn],
                    other => panic!("source {other:?}"),
                })
                .collect();
            for &phase in &stages {
                for &source in &sources {
                    let classes: Vec<Class> = match classes {
                        "success" => vec![Class::Success],
                        "authorized" => vec![Class::Authorized],
                        "failed" => vec![Class::Failed],
                        "refused" => vec![Class::Refused],
                        "no such order" => vec![Class::NoSuchOrder],
                        "any other, lost" => Class::ALL
                            .into_iter()
                            .filter(|c| !said.contains_key(&(phase, source, *c)))
                            .collect(),
                        other => panic!("class {other:?}"),
                    };
                    for class in classes {
                        said.insert((phase, source, class), then.to_owned());
                    }
                }
            }
        }
        for phase in Phase::ALL {
            for source in SOURCES {
                for class in Class::ALL {
                    let step = step(phase, source, class);
                    let words = match step {
                        Step::Paid => "`paid`",
                        Step::PaidDespiteCancel => "`paid` (journaled as a conflict",
                        Step::Failed if phase == Phase::Paying => "`declined`",
                        Step::Failed if phase == Phase::Unknown => {
                            "`declined`, or `cancelled` once 9000 was seen"
                        }
                        Step::Failed | Step::Cancelled => "`cancelled`",
                        Step::Authorize => "ask the merchant",
                        Step::Poll => "status query",
                        Step::ResendPos => "the identical pos request again",
                        Step::ResendConfirm => "the identical confirm again",
                        Step::Nothing => {
                            let row = said.get(&(phase, source, class));
                            assert!(row.is_none(), "{phase:?} {source:?} {class:?}: {row:?}");
                            continue;
                        }
                    };
                    let row = said.get(&(phase, source, class));
                    assert!(
                        row.is_some_and(|r| r.starts_with(words))
                            && (step != Step::Paid || !row.is_some_and(|r| r.contains("conflict"))),
                        "{phase:?} {source:?} {class:?} does {step:?}; the docs say {row:?}"
                    );
                }
            }
        }
    }

    /// `paid` comes only from a 0, whatever the stage and the source.
    #[test]
    fn only_a_0_pays() {
        for phase in Phase::ALL {
            for source in SOURCES {
                for class in Class::ALL {
                    let pays = matches!(
                        step(phase, source, class),
                        Step::Paid | Step::PaidDespiteCancel
                    );
                    assert!(
                        !pays || class == Class::Success,
                        "{phase:?} {source:?} {class:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn only_final_words_settle_after_an_authorization() {
        for phase in [
            Phase::Authorized,
            Phase::Capturing,
            Phase::Cancelling,
            Phase::Unknown,
        ] {
            for source in SOURCES {
                for class in Class::ALL {
                    let settles = matches!(
                        step(phase, source, class),
                        Step::Paid | Step::PaidDespiteCancel | Step::Failed | Step::Cancelled
                    );
                    let final_word = matches!(class, Class::Success | Class::Failed);
                    assert!(!settles || final_word, "{phase:?} {source:?} {class:?}");
                }
            }
        }
    }
}
