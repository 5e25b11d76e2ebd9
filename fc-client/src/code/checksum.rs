//! The CRC-64 checksum Function Compute uses for code packages.
//!
//! The service's `checksum` fields (`InputCodeLocation.checksum`, `OutputFuncCode.checksum`,
//! `Layer.codeChecksum`) hold the CRC-64/XZ of the package (the ECMA-182 polynomial, reflected,
//! initial value and final XOR all ones) written as a decimal string.

use crc::{CRC_64_XZ, Crc};

const CRC64_XZ: Crc<u64> = Crc::<u64>::new(&CRC_64_XZ);

/// The CRC-64/XZ of `bytes`.
///
/// ```
/// use fc_client::code::crc64_xz;
///
/// assert_eq!(crc64_xz(b"123456789"), 11_051_210_869_376_104_954);
/// ```
pub fn crc64_xz(bytes: &[u8]) -> u64 {
    CRC64_XZ.checksum(bytes)
}

/// The CRC-64/XZ of `bytes` as Function Compute writes it: a decimal string.
///
/// ```
/// use fc_client::code::checksum_string;
///
/// assert_eq!(checksum_string(b"123456789"), "11051210869376104954");
/// ```
pub fn checksum_string(bytes: &[u8]) -> String {
    crc64_xz(bytes).to_string()
}

/// An incremental CRC-64/XZ, for data that arrives in pieces (a download, a file read in chunks).
///
/// ```
/// use fc_client::code::{Crc64Hasher, crc64_xz};
///
/// let mut hasher = Crc64Hasher::new();
/// hasher.update(b"1234");
/// hasher.update(b"56789");
/// assert_eq!(hasher.finish(), crc64_xz(b"123456789"));
/// ```
pub struct Crc64Hasher {
    digest: crc::Digest<'static, u64>,
}

impl Crc64Hasher {
    /// A hasher that has seen no bytes yet.
    pub fn new() -> Self {
        Crc64Hasher {
            digest: CRC64_XZ.digest(),
        }
    }

    /// Feeds more bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.digest.update(bytes);
    }

    /// The checksum of everything fed so far.
    pub fn finish(self) -> u64 {
        self.digest.finalize()
    }
}

impl Default for Crc64Hasher {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Crc64Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Crc64Hasher").finish_non_exhaustive()
    }
}

/// Parses a checksum as the service writes it (a decimal `u64`); `None` when it is not one.
pub(crate) fn parse_checksum(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_value_matches_the_catalogue() {
        assert_eq!(crc64_xz(b"123456789"), 11_051_210_869_376_104_954);
        assert_eq!(checksum_string(b"123456789"), "11051210869376104954");
    }

    #[test]
    fn empty_input_has_checksum_zero() {
        assert_eq!(crc64_xz(b""), 0);
    }

    #[test]
    fn hasher_in_pieces_equals_one_shot() {
        let data: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        let mut hasher = Crc64Hasher::default();
        for chunk in data.chunks(777) {
            hasher.update(chunk);
        }
        assert_eq!(hasher.finish(), crc64_xz(&data));
    }

    #[test]
    fn parse_checksum_accepts_decimal_only() {
        assert_eq!(
            parse_checksum("11051210869376104954"),
            Some(11_051_210_869_376_104_954)
        );
        assert_eq!(parse_checksum(" 42 "), Some(42));
        assert_eq!(parse_checksum("-1"), None);
        assert_eq!(parse_checksum("+1"), None);
        assert_eq!(parse_checksum("0x10"), None);
        assert_eq!(parse_checksum(""), None);
        assert_eq!(parse_checksum("99999999999999999999999"), None);
    }
}
