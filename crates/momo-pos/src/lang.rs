//! The language of MoMo's messages.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// Language of the `message` MoMo returns, and of this library's explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Lang {
    /// Vietnamese (`vi`), MoMo's default.
    #[default]
    Vi,
    /// English (`en`).
    En,
}

impl Lang {
    /// `"vi"` or `"en"`, as sent in the `lang` field.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Vi => "vi",
            Self::En => "en",
        }
    }
}

crate::str_names::serde_via_str!(Lang, parse);

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Lang {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "vi" => Ok(Self::Vi),
            "en" => Ok(Self::En),
            _ => Err(Error::invalid("lang", "must be \"vi\" or \"en\"")),
        }
    }
}
