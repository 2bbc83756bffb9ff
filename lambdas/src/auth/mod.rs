//! Who is calling. The Lambdas trust nothing but a JWT they verify themselves:
//! Kong in front of them can be misconfigured or bypassed.

mod jwks;
mod principal;

pub use jwks::{JwtVerifier, VerifyError};
pub use principal::{Claims, Principal};
