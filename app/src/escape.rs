//! Text written into markup. Leptos escapes what `view!` renders, except where tachys 0.2
//! does not: a `<title>`'s text (leptos_meta writes it raw) and a `<textarea>`'s children;
//! our own HTML, SVG and XML writers (the status page, charts, ODT) use this too.

/// Text as HTML or XML character data or attribute value: the markup characters escaped,
/// and the characters XML 1.0 cannot carry at all (NUL and most other control characters)
/// left out.
pub fn markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The text for an element whose children tachys 0.2 writes unescaped (`<textarea>`):
/// escaped when the server renders the page; the browser, which hydrates the node the
/// server wrote and never rewrites it, keeps the text as it is.
pub fn raw_child(text: String) -> String {
    if cfg!(feature = "ssr") {
        markup(&text)
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped_and_nothing_else_changes() {
        assert_eq!(
            markup(r#"議題</title><meta http-equiv="refresh" content='1'>"#),
            "議題&lt;/title&gt;&lt;meta http-equiv=&quot;refresh&quot; content=&#39;1&#39;&gt;"
        );
        assert_eq!(markup("臺北市 A&B"), "臺北市 A&amp;B");
    }

    #[test]
    fn control_characters_xml_cannot_carry_are_dropped_but_line_breaks_kept() {
        assert_eq!(markup("a\u{0}b\u{1b}c\r\n\td"), "abc\r\n\td");
    }
}
