//! Byte-level helpers of the tokenizer: whitespace and string-body skipping eight bytes at a
//! time, escape decoding, naming a character for a message.

/// Index of the first non-whitespace byte at or after `from`.
pub(super) fn skip_ws(bytes: &[u8], from: usize) -> Option<usize> {
    const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
    let mut i = from;
    loop {
        match bytes.get(i)? {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            _ => return Some(i),
        }
        // Indentation comes in long runs of spaces: skip them eight at a time.
        while let Some(word) = bytes.get(i..i + 8) {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(word);
            let differ = u64::from_le_bytes(eight) ^ SPACES;
            if differ != 0 {
                i += (differ.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
    }
}

/// Index of the first byte at or after `from` that ends a plain run inside a string body
/// (`"`, `\\` or a control character), or the length; eight bytes are tested at a time.
pub(super) fn skip_plain(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(word) = bytes.get(i..i + 8) {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(word);
        let w = u64::from_le_bytes(eight);
        // A byte's high bit is set in `found` where it is below 0x20, `"` or `\`; the
        // lowest set bit is always a real match (borrows only run upwards).
        let quote = w ^ (ONES * u64::from(b'"'));
        let backslash = w ^ (ONES * u64::from(b'\\'));
        let found = (w.wrapping_sub(ONES * 0x20)
            | quote.wrapping_sub(ONES) & !quote
            | backslash.wrapping_sub(ONES) & !backslash)
            & !w
            & HIGH;
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = bytes.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

/// Names the character at `at` for an error message.
pub(super) fn describe(bytes: &[u8], at: usize) -> String {
    match bytes.get(at..) {
        None | Some([]) => "the end of the input".to_owned(),
        Some(rest) => {
            let text = String::from_utf8_lossy(&rest[..rest.len().min(4)]);
            match text.chars().next() {
                Some(c) if c.is_control() => format!("{:?}", c),
                Some(c) => format!("`{c}`"),
                None => "the end of the input".to_owned(),
            }
        }
    }
}

/// Decodes the escapes of an already validated string body; lone surrogates become U+FFFD.
pub(super) fn unescape(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let e = raw.get(i + 1).copied().unwrap_or(b'\\');
        i += 2;
        let simple = match e {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            b'b' => Some(8),
            b'f' => Some(12),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            _ => None,
        };
        if let Some(byte) = simple {
            out.push(byte);
            continue;
        }
        let unit = hex4(raw.get(i..i + 4));
        i += 4;
        let ch = if (0xD800..0xDC00).contains(&unit) {
            let low = if raw.get(i..i + 2) == Some(b"\\u") {
                hex4(raw.get(i + 2..i + 6))
            } else {
                0
            };
            if (0xDC00..0xE000).contains(&low) {
                i += 6;
                char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
            } else {
                None
            }
        } else {
            char::from_u32(unit)
        };
        let mut tmp = [0u8; 4];
        out.extend_from_slice(ch.unwrap_or('\u{FFFD}').encode_utf8(&mut tmp).as_bytes());
    }
    String::from_utf8(out)
        .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned())
}

fn hex4(digits: Option<&[u8]>) -> u32 {
    digits
        .and_then(|d| std::str::from_utf8(d).ok())
        .and_then(|d| u32::from_str_radix(d, 16).ok())
        .unwrap_or(0xFFFD)
}
