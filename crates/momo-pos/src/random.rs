//! Where the encryption's padding bytes come from.
//!
//! PKCS#1 v1.5 pads every payment code with fresh random bytes, so the same
//! code never gives the same ciphertext twice. [`MomoPublicKey::encrypt`]
//! takes them from the operating system; [`RandomSource`] lets a test or a
//! platform without an OS source supply its own. The trait is this crate's,
//! not `rand_core`'s, so the `rsa` release candidate we build on stays an
//! internal detail that never constrains a user's dependency tree.
//!
//! [`MomoPublicKey::encrypt`]: crate::MomoPublicKey::encrypt

use std::fmt;

/// A cryptographically secure source of random bytes.
///
/// Implement it only over a CSPRNG: predictable padding lets an observer
/// who guesses the code confirm the guess from the ciphertext.
pub trait RandomSource {
    /// Fills all of `dest` with unpredictable bytes, or fails; after a
    /// failure nothing is encrypted ([`crate::Error::Randomness`]).
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), RandomnessUnavailable>;
}

impl<R: RandomSource + ?Sized> RandomSource for &mut R {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), RandomnessUnavailable> {
        (**self).fill(dest)
    }
}

/// The operating system's generator (`getrandom`): what
/// [`MomoPublicKey::encrypt`](crate::MomoPublicKey::encrypt) uses.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct SystemRandom;

impl RandomSource for SystemRandom {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), RandomnessUnavailable> {
        getrandom::fill(dest).map_err(|_| RandomnessUnavailable)
    }
}

/// A [`RandomSource`] could not supply bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RandomnessUnavailable;

impl fmt::Display for RandomnessUnavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no random bytes available")
    }
}

impl std::error::Error for RandomnessUnavailable {}

/// A [`RandomSource`] as the `rand_core` generator `rsa` takes.
pub(crate) struct AsRng<'a, R: ?Sized>(pub(crate) &'a mut R);

impl<R: RandomSource + ?Sized> rand_core::TryRng for AsRng<'_, R> {
    type Error = RandomnessUnavailable;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut bytes = [0; 4];
        self.0.fill(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut bytes = [0; 8];
        self.0.fill(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Self::Error> {
        self.0.fill(dest)
    }
}

impl<R: RandomSource + ?Sized> rand_core::TryCryptoRng for AsRng<'_, R> {}
