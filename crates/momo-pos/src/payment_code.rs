//! The shopper's payment code, as a cashier's scanner delivers it.
//!
//! Scanners add noise (line endings, tabs, spaces, AIM symbology identifiers
//! such as `]C0`); we strip that noise and nothing else. A code that is still
//! not one of MoMo's three forms is refused here, with the reason, because
//! MoMo would only answer result code 44 without one.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;

use crate::error::{Error, PaymentCodeProblem, Result};

/// Digits in every MoMo payment code.
pub const CODE_DIGITS: usize = 18;

/// Longest scanner output we look at; anything longer is not a payment code
/// and is refused before any work is done on it.
const MAX_SCANNED_LEN: usize = 256;

/// A payment code in one of MoMo's three forms: `MM` + 18 digits, `mm` + 18
/// digits, or 18 digits.
///
/// The only way to get one is [`PaymentCode::parse`] (or `str::parse`), so a
/// value of this type is always valid. Its `Debug` output masks the digits:
/// a payment code is a short-lived bearer credential of the shopper.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PaymentCode(String);

impl PaymentCode {
    /// Normalizes what a scanner delivered and checks it: whitespace anywhere
    /// (CR, LF, TAB, spaces) and one leading AIM identifier (`]C0`, `]Q1`,
    /// `]E0`) are removed; the `MM` or `mm` prefix is kept as scanned.
    ///
    /// ```
    /// # use momo_pos::PaymentCode;
    /// let code = PaymentCode::parse("]Q1MM561918531775222861\r\n")?;
    /// assert_eq!(code.as_str(), "MM561918531775222861");
    /// # Ok::<(), momo_pos::Error>(())
    /// ```
    pub fn parse(scanned: &str) -> Result<Self> {
        let fail = |problem| Error::InvalidPaymentCode { problem };
        if scanned.len() > MAX_SCANNED_LEN {
            return Err(fail(PaymentCodeProblem::TooLong {
                digits: scanned.chars().count(),
            }));
        }
        let compact: String = scanned
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        let code = strip_aim_identifier(&compact);
        if code.is_empty() {
            return Err(fail(PaymentCodeProblem::Empty));
        }
        let (prefix_len, digits) =
            if let Some(rest) = code.strip_prefix("MM").or_else(|| code.strip_prefix("mm")) {
                (2, rest)
            } else if code.starts_with(|c: char| c.is_ascii_digit()) {
                (0, code)
            } else {
                let prefix: String = code
                    .chars()
                    .take_while(|c| !c.is_ascii_digit())
                    .take(8)
                    .collect();
                return Err(fail(PaymentCodeProblem::UnknownPrefix { prefix }));
            };
        if let Some((index, found)) = digits
            .chars()
            .enumerate()
            .find(|(_, c)| !c.is_ascii_digit())
        {
            return Err(fail(PaymentCodeProblem::NonDigit {
                position: prefix_len + index + 1,
                found,
            }));
        }
        // Only ASCII digits remain, so bytes and characters agree.
        match digits.len() {
            CODE_DIGITS => Ok(Self(code.to_owned())),
            n if n < CODE_DIGITS => Err(fail(PaymentCodeProblem::TooShort { digits: n })),
            n => Err(fail(PaymentCodeProblem::TooLong { digits: n })),
        }
    }

    /// The normalized code, as it is encrypted for MoMo.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code with every character but the last four (the `MM` prefix
    /// included) replaced by `*`, for receipts and logs.
    pub fn masked(&self) -> String {
        let keep = 4;
        let hidden = self.0.len().saturating_sub(keep);
        self.0
            .char_indices()
            .map(|(i, c)| if i < hidden { '*' } else { c })
            .collect()
    }
}

/// Removes one leading AIM symbology identifier: `]`, a symbology letter and
/// a modifier character (`]C0` Code 128, `]Q1` QR, `]E0` EAN...).
fn strip_aim_identifier(code: &str) -> &str {
    let bytes = code.as_bytes();
    match bytes {
        [b']', letter, modifier, ..]
            if letter.is_ascii_alphabetic() && modifier.is_ascii_alphanumeric() =>
        {
            code.get(3..).unwrap_or_default()
        }
        _ => code,
    }
}

impl FromStr for PaymentCode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl fmt::Debug for PaymentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PaymentCode").field(&self.masked()).finish()
    }
}

impl AsRef<str> for PaymentCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A payment code after RSA encryption under MoMo's public key: standard
/// base64 with padding, exactly what goes in the `paymentCode` field.
///
/// A web POS encrypts in the browser and sends this text to its backend,
/// which signs the request; [`EncryptedPaymentCode::from_base64`] checks the
/// text on arrival.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EncryptedPaymentCode(String);

/// Ciphertext sizes of the RSA keys MoMo uses (2048 to 4096 bits).
const CIPHERTEXT_BYTES: std::ops::RangeInclusive<usize> = 256..=512;

impl EncryptedPaymentCode {
    /// Accepts ciphertext produced elsewhere (a browser, another SDK).
    ///
    /// It must be standard base64 of 256 to 512 bytes: the ciphertext of an
    /// RSA key of 2048 to 4096 bits. A plain, unencrypted code is refused so
    /// that it cannot reach MoMo by mistake.
    pub fn from_base64(text: &str) -> Result<Self> {
        if PaymentCode::parse(text).is_ok() {
            return Err(Error::invalid(
                "paymentCode",
                "this is a plain payment code: encrypt it with MoMo's public key first",
            ));
        }
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|_| Error::invalid("paymentCode", "not standard base64 with padding"))?;
        if !CIPHERTEXT_BYTES.contains(&decoded.len()) {
            return Err(Error::invalid(
                "paymentCode",
                format!(
                    "{} bytes of ciphertext: an RSA-2048 to RSA-4096 ciphertext has 256 to 512",
                    decoded.len()
                ),
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub(crate) fn from_ciphertext(ciphertext: &[u8]) -> Self {
        Self(base64::engine::general_purpose::STANDARD.encode(ciphertext))
    }

    /// The base64 text sent in the `paymentCode` field.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Consumes the value, returning the base64 text.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for EncryptedPaymentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let head: String = self.0.chars().take(12).collect();
        write!(f, "EncryptedPaymentCode({head}…, {} chars)", self.0.len())
    }
}

impl fmt::Display for EncryptedPaymentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(input: &str) -> PaymentCodeProblem {
        match PaymentCode::parse(input) {
            Err(Error::InvalidPaymentCode { problem }) => problem,
            other => panic!("expected a payment code error for {input:?}, got {other:?}"),
        }
    }

    #[test]
    fn accepts_the_three_forms() {
        for code in [
            "MM561918531775222861",
            "mm561918531775222861",
            "561918531775222861",
        ] {
            assert_eq!(PaymentCode::parse(code).map(|c| c.0), Ok(code.to_owned()));
        }
    }

    #[test]
    fn strips_scanner_noise() {
        let cases = [
            ("MM561918531775222861\r\n", "MM561918531775222861"),
            ("\t561918531775222861\n", "561918531775222861"),
            ("  mm 5619 1853 1775 2228 61 ", "mm561918531775222861"),
            ("]C0MM561918531775222861", "MM561918531775222861"),
            ("]Q1mm561918531775222861\r", "mm561918531775222861"),
            ("]E0561918531775222861", "561918531775222861"),
            (" ]Q1 561918531775222861", "561918531775222861"),
        ];
        for (scanned, expected) in cases {
            let code = PaymentCode::parse(scanned).map(|c| c.0);
            assert_eq!(code.as_deref(), Ok(expected), "input {scanned:?}");
        }
    }

    #[test]
    fn says_why_a_code_is_refused() {
        assert_eq!(problem(""), PaymentCodeProblem::Empty);
        assert_eq!(problem(" \r\n\t"), PaymentCodeProblem::Empty);
        assert_eq!(problem("]Q1"), PaymentCodeProblem::Empty);
        assert_eq!(
            problem("MM56191853177522286"),
            PaymentCodeProblem::TooShort { digits: 17 }
        );
        assert_eq!(
            problem("5619185317752228612"),
            PaymentCodeProblem::TooLong { digits: 19 }
        );
        assert_eq!(
            problem("MM5619185317752228X1"),
            PaymentCodeProblem::NonDigit {
                position: 19,
                found: 'X'
            }
        );
        assert_eq!(
            problem("56191853177522286١"),
            PaymentCodeProblem::NonDigit {
                position: 18,
                found: '١'
            }
        );
        assert_eq!(
            problem("Mm561918531775222861"),
            PaymentCodeProblem::UnknownPrefix {
                prefix: "Mm".into()
            }
        );
        assert_eq!(
            problem("https://momo.vn/pay?x=1"),
            PaymentCodeProblem::UnknownPrefix {
                prefix: "https://".into()
            }
        );
        assert!(matches!(
            problem(&"1".repeat(300)),
            PaymentCodeProblem::TooLong { .. }
        ));
    }

    /// The length cut-off counts the raw scan, whitespace included, and
    /// is inclusive: a valid code padded to 256 bytes passes, 257 does not.
    #[test]
    fn scan_length_limit_is_exact() {
        let code = "MM561918531775222861";
        let padded = |len: usize| format!("{code}{}", " ".repeat(len - code.len()));
        assert!(PaymentCode::parse(&padded(MAX_SCANNED_LEN)).is_ok());
        assert!(matches!(
            problem(&padded(MAX_SCANNED_LEN + 1)),
            PaymentCodeProblem::TooLong { .. }
        ));
    }

    /// Only a real AIM identifier is stripped: `]`, a letter, then a letter
    /// or digit. Anything else stays and makes the code invalid.
    #[test]
    fn only_aim_identifiers_are_stripped() {
        for scanned in [
            "]!1561918531775222861",
            "]Q-561918531775222861",
            "]1Q561918531775222861",
        ] {
            assert!(
                matches!(problem(scanned), PaymentCodeProblem::UnknownPrefix { .. }),
                "{scanned}"
            );
        }
    }

    #[test]
    fn views_of_an_encrypted_code_are_its_text() {
        let text = base64::engine::general_purpose::STANDARD.encode([7u8; 256]);
        let code = EncryptedPaymentCode::from_base64(&text).unwrap();
        assert_eq!(code.to_string(), text);
        assert_eq!(
            format!("{code:?}"),
            format!("EncryptedPaymentCode({}…, 344 chars)", &text[..12])
        );
        assert_eq!(code.into_string(), text);
        let plain = PaymentCode::parse("MM561918531775222861").unwrap();
        assert_eq!(AsRef::<str>::as_ref(&plain), "MM561918531775222861");
    }

    #[test]
    fn debug_masks_the_code() {
        let code = PaymentCode::parse("MM561918531775222861").unwrap();
        let shown = format!("{code:?}");
        assert!(!shown.contains("5619185317752"), "{shown}");
        assert!(shown.ends_with("2861\")"), "{shown}");
    }

    #[test]
    fn encrypted_code_must_be_ciphertext() {
        assert!(EncryptedPaymentCode::from_base64("MM561918531775222861").is_err());
        assert!(EncryptedPaymentCode::from_base64("not base64!").is_err());
        let short = base64::engine::general_purpose::STANDARD.encode([1u8; 128]);
        assert!(EncryptedPaymentCode::from_base64(&short).is_err());
        let ok = base64::engine::general_purpose::STANDARD.encode([1u8; 256]);
        assert_eq!(
            EncryptedPaymentCode::from_base64(&ok).map(|c| c.0),
            Ok(ok.clone())
        );
    }
}
