//! Lowercase hex without allocating: what the signers write digests and nonces with.

/// The two lowercase hex digits of every byte.
const HEX_PAIRS: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut pairs = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        pairs[i] = [DIGITS[i >> 4], DIGITS[i & 0x0f]];
        i += 1;
    }
    pairs
};

/// Writes the lowercase hex of `bytes` into `out` (twice as long).
pub(crate) fn hex_into(bytes: &[u8], out: &mut [u8]) {
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&HEX_PAIRS[usize::from(*b)]);
    }
}

/// The lowercase hex of a 32-byte digest, written into `out`.
pub(crate) fn hex_str<'o>(digest: &[u8], out: &'o mut [u8; 64]) -> &'o str {
    hex_into(digest, out);
    std::str::from_utf8(out).unwrap_or_default()
}

/// The lowercase hex of `bytes`, as a new string.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = vec![0u8; bytes.len() * 2];
    hex_into(bytes, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_becomes_two_lowercase_digits() {
        assert_eq!(encode(&[0x00, 0x0f, 0xa0, 0xff, 0x5c]), "000fa0ff5c");
        assert_eq!(encode(&[]), "");
        let mut out = [0u8; 64];
        assert_eq!(hex_str(&[0xab; 32], &mut out), "ab".repeat(32));
    }
}
