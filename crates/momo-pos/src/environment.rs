//! Where requests go: MoMo's test or production gateway, or a base URL of
//! your own (a local sandbox, a proxy).

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::rules::check_http_url;

/// MoMo's sandbox gateway, for integration tests and the public test
/// credentials of MoMo's samples.
pub const TEST_BASE_URL: &str = "https://test-payment.momo.vn";
/// MoMo's production gateway: real payments, with the credentials of the
/// merchant's production account.
pub const PRODUCTION_BASE_URL: &str = "https://payment.momo.vn";

/// The gateway a [`crate::Client`] addresses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Environment {
    /// MoMo's sandbox, [`TEST_BASE_URL`] (`https://test-payment.momo.vn`);
    /// the default.
    #[default]
    Test,
    /// Real payments, [`PRODUCTION_BASE_URL`] (`https://payment.momo.vn`).
    Production,
    /// Any other base URL (a local sandbox, a proxy), made by
    /// [`Environment::custom`], which drops a trailing slash.
    Custom(CustomBaseUrl),
}

/// A checked base URL: `http://` or `https://`, a host, no query or fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomBaseUrl(String);

impl Environment {
    /// A custom base URL such as `http://127.0.0.1:8080`.
    pub fn custom(base_url: &str) -> Result<Self> {
        check_http_url("baseUrl", base_url)?;
        if base_url.contains(['?', '#']) {
            return Err(Error::invalid(
                "baseUrl",
                "must not have a query or fragment",
            ));
        }
        Ok(Self::Custom(CustomBaseUrl(
            base_url.trim_end_matches('/').to_owned(),
        )))
    }

    /// The base URL requests are sent to.
    pub fn base_url(&self) -> &str {
        match self {
            Self::Test => TEST_BASE_URL,
            Self::Production => PRODUCTION_BASE_URL,
            Self::Custom(CustomBaseUrl(url)) => url,
        }
    }
}

impl FromStr for Environment {
    type Err = Error;
    /// `test`, `production`, or a base URL.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "test" => Ok(Self::Test),
            "production" => Ok(Self::Production),
            url => Self::custom(url),
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.base_url())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_urls() {
        assert_eq!(
            "test".parse::<Environment>().unwrap().base_url(),
            TEST_BASE_URL
        );
        assert_eq!(
            "production".parse::<Environment>().unwrap().base_url(),
            PRODUCTION_BASE_URL
        );
        assert_eq!(
            "http://127.0.0.1:8080/"
                .parse::<Environment>()
                .unwrap()
                .base_url(),
            "http://127.0.0.1:8080"
        );
        for bad in ["prod", "ftp://x", "http://", "http://a b", "https://x/?q=1"] {
            assert!(bad.parse::<Environment>().is_err(), "{bad}");
        }
    }
}
