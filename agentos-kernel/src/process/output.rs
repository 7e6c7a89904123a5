//! Bounded capture of a child's stdout and stderr, and the chunks streamed while it runs.

/// Which output stream a chunk came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OutputStream {
    /// The child's standard output.
    Stdout,
    /// The child's standard error.
    Stderr,
}

/// Bytes the child wrote, in arrival order per stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputChunk {
    /// The stream.
    pub stream: OutputStream,
    /// The bytes.
    pub data: Vec<u8>,
}

/// A buffer that keeps the first `limit` bytes and counts the rest.
#[derive(Debug, Clone, Default)]
pub(crate) struct Capture {
    pub(crate) bytes: Vec<u8>,
    pub(crate) dropped: u64,
    limit: usize,
}

impl Capture {
    pub(crate) fn with_limit(limit: usize) -> Capture {
        Capture {
            bytes: Vec::new(),
            dropped: 0,
            limit,
        }
    }

    pub(crate) fn push(&mut self, data: &[u8]) {
        let room = self.limit.saturating_sub(self.bytes.len());
        let kept = room.min(data.len());
        self.bytes.extend_from_slice(&data[..kept]);
        self.dropped += (data.len() - kept) as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_keeps_the_first_bytes_and_counts_the_rest() {
        let mut capture = Capture::with_limit(4);
        capture.push(b"ab");
        capture.push(b"cdef");
        capture.push(b"g");
        assert_eq!(capture.bytes, b"abcd");
        assert_eq!(capture.dropped, 3);
    }
}
