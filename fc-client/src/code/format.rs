//! The parts of the ZIP format (PKWARE APPNOTE 6.3) the writer and reader share: record
//! signatures and sizes, flag bits, methods, attribute layout, and little-endian field access.

/// Signature of a local file header (`PK\x03\x04`).
pub(crate) const LOCAL_HEADER_SIG: u32 = 0x0403_4b50;
/// Signature of a central directory file header (`PK\x01\x02`).
pub(crate) const CENTRAL_HEADER_SIG: u32 = 0x0201_4b50;
/// Signature of the end of central directory record (`PK\x05\x06`).
pub(crate) const END_OF_CENTRAL_DIR_SIG: u32 = 0x0605_4b50;

/// Fixed part of a local file header, before the name and extra field.
pub(crate) const LOCAL_HEADER_LEN: usize = 30;
/// Fixed part of a central directory header, before the name, extra field and comment.
pub(crate) const CENTRAL_HEADER_LEN: usize = 46;
/// The end of central directory record without its trailing comment.
pub(crate) const END_OF_CENTRAL_DIR_LEN: usize = 22;

/// General purpose flag bit 0: the entry is encrypted.
pub(crate) const FLAG_ENCRYPTED: u16 = 1;
/// General purpose flag bit 11: name (and comment) are UTF-8.
pub(crate) const FLAG_UTF8: u16 = 1 << 11;

/// Compression method 0: stored.
pub(crate) const METHOD_STORED: u16 = 0;
/// Compression method 8: deflate.
pub(crate) const METHOD_DEFLATE: u16 = 8;

/// "Version needed to extract" for stored entries (1.0) and deflated ones (2.0).
pub(crate) const VERSION_STORED: u16 = 10;
pub(crate) const VERSION_DEFLATE: u16 = 20;
/// "Version made by": host system 3 (Unix) in the high byte, APPNOTE 2.0 in the low byte. With
/// host Unix, readers take the high 16 bits of the external attributes as the `st_mode`.
pub(crate) const VERSION_MADE_BY_UNIX: u16 = (3 << 8) | 20;
/// Host system number for Unix in the high byte of "version made by".
pub(crate) const HOST_UNIX: u8 = 3;

/// MS-DOS time 00:00:00 and date 1980-01-01 (year 0 from 1980, month 1, day 1): the earliest
/// instant a ZIP can express, used for every entry so archives do not depend on the clock.
pub(crate) const DOS_TIME: u16 = 0;
pub(crate) const DOS_DATE: u16 = (1 << 5) | 1;

/// MS-DOS directory attribute in the low byte of the external attributes.
pub(crate) const DOS_DIRECTORY: u32 = 0x10;

/// `st_mode` file-type bits.
pub(crate) const S_IFMT: u32 = 0o170_000;
pub(crate) const S_IFREG: u32 = 0o100_000;
pub(crate) const S_IFDIR: u32 = 0o040_000;
pub(crate) const S_IFLNK: u32 = 0o120_000;
/// The permission bits kept from a mode (setuid, setgid and sticky are dropped).
pub(crate) const PERMISSION_BITS: u32 = 0o777;

/// Most entries a ZIP without zip64 can index.
pub(crate) const MAX_ENTRIES: usize = u16::MAX as usize;
/// Largest size or offset a ZIP without zip64 can hold (4 GiB - 1).
pub(crate) const MAX_SIZE: u64 = u32::MAX as u64;

/// Appends little-endian fields to a buffer.
pub(crate) trait PutLe {
    fn put_u16(&mut self, value: u16);
    fn put_u32(&mut self, value: u32);
}

impl PutLe for Vec<u8> {
    fn put_u16(&mut self, value: u16) {
        self.extend_from_slice(&value.to_le_bytes());
    }
    fn put_u32(&mut self, value: u32) {
        self.extend_from_slice(&value.to_le_bytes());
    }
}

/// Bounds-checked little-endian reads from a byte slice: every read returns `None` instead of
/// going past the end.
pub(crate) struct Fields<'a> {
    bytes: &'a [u8],
}

impl<'a> Fields<'a> {
    /// Reads fields from `bytes`.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Fields { bytes }
    }

    /// The `len` bytes at `at`.
    pub(crate) fn slice(&self, at: usize, len: usize) -> Option<&'a [u8]> {
        let end = at.checked_add(len)?;
        self.bytes.get(at..end)
    }

    /// The `u16` at `at`.
    pub(crate) fn u16(&self, at: usize) -> Option<u16> {
        let raw = self.slice(at, 2)?;
        Some(u16::from_le_bytes([raw[0], raw[1]]))
    }

    /// The `u32` at `at`.
    pub(crate) fn u32(&self, at: usize) -> Option<u32> {
        let raw = self.slice(at, 4)?;
        Some(u32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_never_read_past_the_end() {
        let data = [1u8, 2, 3, 4, 5];
        let fields = Fields::new(&data);
        assert_eq!(fields.u16(0), Some(0x0201));
        assert_eq!(fields.u32(1), Some(0x0504_0302));
        assert_eq!(fields.u32(2), None);
        assert_eq!(fields.u16(usize::MAX), None);
        assert_eq!(fields.slice(usize::MAX, 2), None);
        assert_eq!(fields.slice(5, 0), Some(&[][..]));
    }

    #[test]
    fn dos_date_is_1980_01_01() {
        let (year, month, day) = (
            1980 + (DOS_DATE >> 9),
            (DOS_DATE >> 5) & 0xf,
            DOS_DATE & 0x1f,
        );
        assert_eq!((year, month, day), (1980, 1, 1));
        assert_eq!(DOS_TIME, 0);
    }
}
