//! Text inside URLs and headers.

/// Percent-encodes text for a URL query value or an RFC 5987 header parameter.
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_text_is_percent_encoded() {
        assert_eq!(percent_encode("資料 1.csv"), "%E8%B3%87%E6%96%99%201.csv");
    }
}
