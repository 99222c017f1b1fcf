//! MoMo's RSA public key and the encryption of payment codes.
//!
//! This is the only part of the library a browser needs: it holds no secret.
//! Encryption is RSA PKCS#1 v1.5, not OAEP: OAEP is the classic cause of
//! MoMo's "Giải mã hash thất bại" (hash decryption failed).

use std::fmt;

use base64::Engine as _;
use rsa::pkcs1::DecodeRsaPublicKey as _;
use rsa::traits::{PaddingScheme as _, PublicKeyParts as _};
use rsa::{Pkcs1v15Encrypt, RsaPublicKey};

use crate::error::{Error, KeyProblem, Result};
use crate::payment_code::{EncryptedPaymentCode, PaymentCode};
use crate::random::{AsRng, RandomSource, SystemRandom};

/// Modulus sizes MoMo issues.
const KEY_BITS: std::ops::RangeInclusive<usize> = 2048..=4096;

/// Longest key text looked at: a 4096-bit key in PEM is about 800 bytes.
const MAX_KEY_TEXT: usize = 16 * 1024;

/// MoMo's RSA public key, parsed once and reused for every payment.
///
/// Accepts the three forms merchants meet: the base64 DER
/// SubjectPublicKeyInfo that MoMo's portal shows (`MIIBIjANBgkq…`), PEM
/// `-----BEGIN PUBLIC KEY-----`, and PKCS#1 PEM `-----BEGIN RSA PUBLIC KEY-----`.
#[derive(Clone, PartialEq, Eq)]
pub struct MomoPublicKey {
    key: RsaPublicKey,
}

impl MomoPublicKey {
    /// Parses a key in any of the three accepted forms (detected from the
    /// text). A leading byte-order mark, surrounding whitespace and line
    /// breaks inside the base64 are ignored; a PEM private key is refused
    /// ([`KeyProblem::PrivateKey`]).
    pub fn parse(text: &str) -> Result<Self> {
        let fail = |problem| Error::InvalidPublicKey { problem };
        if text.len() > MAX_KEY_TEXT {
            return Err(fail(KeyProblem::Malformed));
        }
        // Notepad's byte-order mark and YAML indentation are not part of a key.
        let text = text.trim_start_matches('\u{feff}').trim();
        match pem_label(text) {
            Some("PUBLIC KEY") => {
                let der = pem_body(text).ok_or(fail(KeyProblem::Malformed))?;
                Self::from_spki_der(&der)
            }
            Some("RSA PUBLIC KEY") => {
                let der = pem_body(text).ok_or(fail(KeyProblem::Malformed))?;
                let key =
                    RsaPublicKey::from_pkcs1_der(&der).map_err(|_| fail(KeyProblem::Malformed))?;
                Self::checked(key)
            }
            Some(label) if label.contains("PRIVATE KEY") => Err(fail(KeyProblem::PrivateKey)),
            Some(label) => Err(fail(KeyProblem::UnsupportedPem {
                label: label.chars().take(40).collect(),
            })),
            None => {
                let der = decode_base64_lenient(text).ok_or(fail(KeyProblem::NotBase64))?;
                Self::from_der(&der)
            }
        }
    }

    /// Parses DER: a SubjectPublicKeyInfo (MoMo's form) or a PKCS#1 RSAPublicKey.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        Self::from_spki_der(der).or_else(|spki_err| {
            match RsaPublicKey::from_pkcs1_der(der) {
                Ok(key) => Self::checked(key),
                // The SPKI error is the more useful one (not RSA, too small...).
                Err(_) => Err(spki_err),
            }
        })
    }

    /// Parses a DER SubjectPublicKeyInfo (the portal's base64, decoded);
    /// refuses a non-RSA key and a modulus outside 2048 to 4096 bits.
    pub fn from_spki_der(der: &[u8]) -> Result<Self> {
        use rsa::pkcs8::der::Decode as _;
        let fail = |problem| Error::InvalidPublicKey { problem };
        let spki = rsa::pkcs8::SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|_| fail(KeyProblem::Malformed))?;
        if spki.algorithm.oid != rsa::pkcs1::ALGORITHM_OID {
            return Err(fail(KeyProblem::NotRsa));
        }
        let key = RsaPublicKey::try_from(spki).map_err(|_| fail(KeyProblem::Malformed))?;
        Self::checked(key)
    }

    fn checked(key: RsaPublicKey) -> Result<Self> {
        let bits = key.n().bits() as usize;
        if !KEY_BITS.contains(&bits) {
            return Err(Error::InvalidPublicKey {
                problem: KeyProblem::UnsupportedSize { bits },
            });
        }
        Ok(Self { key })
    }

    /// Modulus length in bits (2048 to 4096).
    pub fn bits(&self) -> usize {
        self.key.n().bits() as usize
    }

    /// Length in bytes of every ciphertext under this key.
    pub fn ciphertext_len(&self) -> usize {
        self.key.size()
    }

    /// Encrypts a payment code (RSA PKCS#1 v1.5) with padding bytes from
    /// the operating system. Each call gives another ciphertext; MoMo
    /// decrypts them all to the same code.
    pub fn encrypt(&self, code: &PaymentCode) -> Result<EncryptedPaymentCode> {
        self.encrypt_with(code, &mut SystemRandom)
    }

    /// [`MomoPublicKey::encrypt`] with padding bytes from `random`: for
    /// tests and for platforms without an OS source.
    pub fn encrypt_with<R: RandomSource + ?Sized>(
        &self,
        code: &PaymentCode,
        random: &mut R,
    ) -> Result<EncryptedPaymentCode> {
        let ciphertext = Pkcs1v15Encrypt
            .encrypt(&mut AsRng(random), &self.key, code.as_str().as_bytes())
            .map_err(|e| match e {
                rsa::Error::Rng => Error::Randomness,
                other => Error::Encryption {
                    reason: other.to_string(),
                },
            })?;
        Ok(EncryptedPaymentCode::from_ciphertext(&ciphertext))
    }

    /// The key as DER SubjectPublicKeyInfo (`MIIB...` once base64-encoded),
    /// the form MoMo's portal shows: to store or compare a key.
    pub fn to_spki_der(&self) -> Vec<u8> {
        use rsa::pkcs8::EncodePublicKey as _;
        // Encoding a key that was decoded cannot fail; an empty Vec would
        // compare unequal to every key rather than panic.
        self.key
            .to_public_key_der()
            .map(|der| der.as_bytes().to_vec())
            .unwrap_or_default()
    }
}

impl fmt::Debug for MomoPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MomoPublicKey(RSA-{})", self.bits())
    }
}

impl std::str::FromStr for MomoPublicKey {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

/// The label of the first PEM block, if the text is PEM.
fn pem_label(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("-----BEGIN ")?;
    let end = rest.find("-----")?;
    rest.get(..end)
}

/// The base64 body of a PEM block, decoded. The body starts after the
/// BEGIN line's closing dashes, so a PEM squashed onto one line (as in an
/// environment variable) works too.
fn pem_body(text: &str) -> Option<Vec<u8>> {
    let after_begin = text.strip_prefix("-----BEGIN ")?;
    let start = after_begin.find("-----")? + "-----".len();
    let body = after_begin.get(start..)?;
    let end = body.find("-----END ")?;
    decode_base64_lenient(body.get(..end)?)
}

/// Standard base64, ignoring the line breaks and spaces of copy-pasted keys.
fn decode_base64_lenient(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_label_is_read() {
        assert_eq!(
            pem_label("-----BEGIN PUBLIC KEY-----\nAAA\n-----END PUBLIC KEY-----"),
            Some("PUBLIC KEY")
        );
        assert_eq!(pem_label("MIIBIjANBgkq"), None);
        assert_eq!(pem_label("-----BEGIN "), None);
    }

    #[test]
    fn garbage_is_a_key_error_not_a_panic() {
        for text in [
            "",
            "hello",
            "-----BEGIN PUBLIC KEY-----",
            "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----",
            "-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----",
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
            "MIIBIjANBgkq",
            "AAAA",
        ] {
            assert_eq!(
                MomoPublicKey::parse(text).map(|_| ()).map_err(|e| e.kind()),
                Err(crate::ErrorKind::InvalidPublicKey),
                "{text:?}"
            );
        }
        assert!(MomoPublicKey::from_der(&[]).is_err());
        assert!(MomoPublicKey::from_der(&[0x30, 0x82, 0xff, 0xff]).is_err());
    }
}
