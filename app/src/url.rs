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

/// The value of `key` in a query string (`a=1&b=%E8%B3%87`), decoded; `+` is a space.
pub fn query_value(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == key).then(|| percent_decode(v))
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = || {
            s.get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        };
        match (bytes[i], hex()) {
            (b'+', _) => out.push(b' '),
            (b'%', Some(b)) => {
                out.push(b);
                i += 2;
            }
            (b, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_value_is_found_and_decoded() {
        let q = format!(
            "session=3&from={}&x=a+b&bad=%zz",
            percent_encode("113/03/01")
        );
        assert_eq!(query_value(&q, "session").as_deref(), Some("3"));
        assert_eq!(query_value(&q, "from").as_deref(), Some("113/03/01"));
        assert_eq!(query_value(&q, "x").as_deref(), Some("a b"));
        assert_eq!(query_value(&q, "bad").as_deref(), Some("%zz"));
        assert_eq!(query_value(&q, "to"), None);
        assert_eq!(query_value("a=%E8%B3%87", "a").as_deref(), Some("資"));
    }

    #[test]
    fn non_ascii_text_is_percent_encoded() {
        assert_eq!(percent_encode("資料 1.csv"), "%E8%B3%87%E6%96%99%201.csv");
    }
}
