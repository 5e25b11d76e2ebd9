//! The request URLs of the generated operations (see codegen's `request_url`): written into one
//! string, each path parameter percent-encoded as ACS3 signs a path, so the signer takes the
//! path as it is.

use std::fmt::{self, Write as _};

/// Room for the usual URL (the account endpoint, the API version and a path of two or three
/// names) in the string it is written into, so that it is allocated once.
const URL_CAPACITY: usize = 256;

/// The URL `parts` writes, in one string.
pub(crate) fn url(parts: fmt::Arguments<'_>) -> String {
    let mut url = String::with_capacity(URL_CAPACITY);
    // Writing into a `String` cannot fail; a `Display` of ours that did would leave the URL
    // short, which the request's own URL parsing then refuses.
    let _ = url.write_fmt(parts);
    url
}

/// A path parameter as one URL path segment: every byte but the unreserved ones (`A-Z a-z 0-9
/// - _ . ~`) as `%XX`, uppercase, a `/` too, which is ACS3's canonical form.
pub(crate) struct Segment<'a, T: ?Sized>(pub(crate) &'a T);

impl<T: fmt::Display + ?Sized> fmt::Display for Segment<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// Percent-encodes what is written through it.
        struct Escaping<'f, 'g>(&'f mut fmt::Formatter<'g>);
        impl fmt::Write for Escaping<'_, '_> {
            fn write_str(&mut self, text: &str) -> fmt::Result {
                crate::signing::encode_bytes_into(text.as_bytes(), self.0)
            }
        }
        write!(Escaping(f), "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_escaped_as_acs3_signs_them() {
        let url = url(format_args!(
            "{}/2023-03-30/functions/{}/versions/{}",
            "https://1.cn-hangzhou.fc.aliyuncs.com",
            Segment("acs:fc:cn-hangzhou:1:functions/a b~c.d_e-f"),
            Segment(&7),
        ));
        assert_eq!(
            url,
            "https://1.cn-hangzhou.fc.aliyuncs.com/2023-03-30/functions/\
             acs%3Afc%3Acn-hangzhou%3A1%3Afunctions%2Fa%20b~c.d_e-f/versions/7"
        );
        assert!(crate::signing::is_canonical_path(
            url.trim_start_matches("https://1.cn-hangzhou.fc.aliyuncs.com")
        ));
    }

    #[test]
    fn non_ascii_names_are_escaped_byte_by_byte() {
        assert_eq!(Segment("函数%").to_string(), "%E5%87%BD%E6%95%B0%25");
    }
}
