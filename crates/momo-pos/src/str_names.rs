//! Serde for the fieldless enums whose stable names are part of every
//! binding (`lang`, `requestType`, `nextStep`, `category`): serde goes
//! through `as_str()` and `FromStr`, so each name is written exactly once.

/// `Serialize` via `as_str()`; with `parse`, also `Deserialize` via `FromStr`.
macro_rules! serde_via_str {
    ($ty:ty) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
    ($ty:ty, parse) => {
        $crate::str_names::serde_via_str!($ty);
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use serde_via_str;
