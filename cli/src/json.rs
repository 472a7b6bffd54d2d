//! Just enough JSON output for `--json`: one object per line, built field by
//! field, with strings escaped per RFC 8259.

use std::fmt::Write as _;

/// One JSON object under construction.
pub struct Object {
    /// The text so far: `{` and the fields written, without the closing `}`.
    text: String,
}

impl Object {
    /// An empty object.
    pub fn new() -> Self {
        Object {
            text: String::from("{"),
        }
    }

    /// Writes the separator and the quoted key of the next field.
    fn key(&mut self, key: &str) {
        if self.text.len() > 1 {
            self.text.push(',');
        }
        push_string(&mut self.text, key);
        self.text.push(':');
    }

    /// A string field.
    pub fn str(mut self, key: &str, value: &str) -> Self {
        self.key(key);
        push_string(&mut self.text, value);
        self
    }

    /// A string field, or `null`.
    pub fn opt_str(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.str(key, v),
            None => self.raw(key, "null"),
        }
    }

    /// An integer field.
    pub fn int(mut self, key: &str, value: impl Into<i128>) -> Self {
        self.key(key);
        let _ = write!(self.text, "{}", value.into());
        self
    }

    /// A boolean field.
    pub fn bool(self, key: &str, value: bool) -> Self {
        self.raw(key, if value { "true" } else { "false" })
    }

    /// A field whose value is already JSON text (an array, `null`).
    pub fn raw(mut self, key: &str, json: &str) -> Self {
        self.key(key);
        self.text.push_str(json);
        self
    }

    /// The finished object, one line without the newline.
    pub fn finish(mut self) -> String {
        self.text.push('}');
        self.text
    }
}

/// `[a,b,...]` from JSON texts.
pub fn array<I: IntoIterator<Item = String>>(items: I) -> String {
    let mut out = String::from("[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&item);
    }
    out.push(']');
    out
}

/// Appends `s` as a JSON string: quotes, backslashes and control characters
/// escaped; everything else (UTF-8) as it is.
fn push_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_json_requires() {
        let line = Object::new()
            .str("comm", "a\"b\\c\nd\u{1}e\u{7f}é")
            .int("pid", -3)
            .bool("ok", true)
            .opt_str("none", None)
            .raw("list", &array(["1".to_string(), "2".to_string()]))
            .finish();
        assert_eq!(
            line,
            r#"{"comm":"a\"b\\c\nd\u0001e\u007fé","pid":-3,"ok":true,"none":null,"list":[1,2]}"#
        );
    }
}
