//! A Server-Sent Events decoder that accepts the byte stream in any chunking, in linear time.

/// One dispatched SSE event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SseEvent {
    /// The `event:` field, empty when absent.
    pub(crate) event: String,
    /// The `data:` lines, joined with `\n`.
    pub(crate) data: String,
}

/// Incremental SSE decoder: feed bytes as they arrive, get complete events back.
#[derive(Debug, Default)]
pub(crate) struct SseDecoder {
    /// Bytes of the line not yet terminated.
    line: Vec<u8>,
    /// True when the previous byte was a `\r` (so a following `\n` ends nothing new).
    after_cr: bool,
    event: String,
    data: String,
    has_data: bool,
}

impl SseDecoder {
    /// Feeds `bytes` and returns every event they complete.
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        let mut events = Vec::new();
        for &byte in bytes {
            match byte {
                b'\n' if self.after_cr => self.after_cr = false,
                b'\n' | b'\r' => {
                    self.after_cr = byte == b'\r';
                    let line = std::mem::take(&mut self.line);
                    if let Some(event) = self.line_done(&line) {
                        events.push(event);
                    }
                }
                _ => {
                    self.after_cr = false;
                    self.line.push(byte);
                }
            }
        }
        events
    }

    /// Ends the stream: an event left without its blank line is dispatched anyway.
    pub(crate) fn finish(&mut self) -> Option<SseEvent> {
        let line = std::mem::take(&mut self.line);
        if !line.is_empty()
            && let Some(event) = self.line_done(&line)
        {
            return Some(event);
        }
        self.dispatch()
    }

    fn line_done(&mut self, line: &[u8]) -> Option<SseEvent> {
        if line.is_empty() {
            return self.dispatch();
        }
        if line.first() == Some(&b':') {
            return None;
        }
        let text = String::from_utf8_lossy(line);
        let (field, value) = match text.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (text.as_ref(), ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.event = value.to_owned(),
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = std::mem::take(&mut self.event);
        if !std::mem::take(&mut self.has_data) {
            return None;
        }
        Some(SseEvent {
            event,
            data: std::mem::take(&mut self.data),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const STREAM: &str = ": keep-alive\r\ndata: {\"a\":1}\r\n\r\nevent: message\ndata: line one\ndata: line two\n\ndata: [DONE]\n\n";

    fn whole() -> Vec<SseEvent> {
        let mut decoder = SseDecoder::default();
        let mut events = decoder.feed(STREAM.as_bytes());
        events.extend(decoder.finish());
        events
    }

    #[test]
    fn decodes_fields_comments_and_multiline_data() {
        let events = whole();
        assert_eq!(events.len(), 3);
        assert_eq!(events[0].data, "{\"a\":1}");
        assert_eq!(events[1].event, "message");
        assert_eq!(events[1].data, "line one\nline two");
        assert_eq!(events[2].data, "[DONE]");
    }

    #[test]
    fn a_last_event_without_blank_line_is_flushed() {
        let mut decoder = SseDecoder::default();
        assert!(decoder.feed(b"data: tail").is_empty());
        assert_eq!(decoder.finish().map(|e| e.data), Some("tail".to_owned()));
        assert_eq!(decoder.finish(), None);
    }

    proptest! {
        #[test]
        fn any_chunking_gives_the_same_events(cuts in proptest::collection::vec(0usize..STREAM.len(), 0..12)) {
            let bytes = STREAM.as_bytes();
            let mut cuts = cuts;
            cuts.sort_unstable();
            let mut decoder = SseDecoder::default();
            let mut events = Vec::new();
            let mut start = 0;
            for cut in cuts.into_iter().chain([bytes.len()]) {
                events.extend(decoder.feed(&bytes[start..cut.max(start)]));
                start = cut.max(start);
            }
            events.extend(decoder.finish());
            prop_assert_eq!(events, whole());
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut decoder = SseDecoder::default();
            let _ = decoder.feed(&bytes);
            let _ = decoder.finish();
        }
    }
}
