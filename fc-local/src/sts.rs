//! Temporary credentials fc-local issues to the functions it runs.
//!
//! Function Compute gives a function the STS credentials of its role (an access key id, secret
//! and security token) in its context. fc-local mints one such set per server: functions receive
//! it, and requests signed with it are accepted as long as they carry (and sign) the matching
//! `x-acs-security-token`. The set is random per start and valid only for that server.

use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

/// A temporary key pair with its security token.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedCredentials {
    /// The temporary access key id (`STS.` followed by random hex).
    pub access_key_id: String,
    /// The matching secret.
    pub access_key_secret: String,
    /// The security token requests must carry with this key.
    pub security_token: String,
}

impl IssuedCredentials {
    /// A fresh random set.
    pub fn issue() -> Self {
        IssuedCredentials {
            access_key_id: format!("STS.{}", random_hex(2)),
            access_key_secret: random_hex(4),
            security_token: format!("fclocal-{}", random_hex(6)),
        }
    }
}

impl fmt::Debug for IssuedCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"<redacted>")
            .field("security_token", &"<redacted>")
            .finish()
    }
}

/// `words` × 16 hex digits from the process's hash randomness and the clock. Not for real
/// secrets: these keys only open one local emulator.
fn random_hex(words: usize) -> String {
    (0..words)
        .map(|word| {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_usize(word);
            hasher.write_u128(
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
            );
            format!("{:016x}", hasher.finish())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::IssuedCredentials;

    #[test]
    fn sets_differ_and_debug_hides_the_secrets() {
        let a = IssuedCredentials::issue();
        let b = IssuedCredentials::issue();
        assert_ne!(a, b);
        assert!(a.access_key_id.starts_with("STS."));
        let shown = format!("{a:?}");
        assert!(!shown.contains(&a.access_key_secret));
        assert!(!shown.contains(&a.security_token));
    }
}
