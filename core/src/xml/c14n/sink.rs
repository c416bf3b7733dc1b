//! Where canonical bytes go.
//!
//! The engine emits many short `&str` pieces (a `<`, a prefix, an escaped run of text).
//! Writing them straight into a `Vec<u8>` or `String` is the fastest path; a digest or an
//! `io::Write` instead gets them through a small buffer, so a hasher sees few large updates
//! and a signer never has to materialize a megabyte body.

use std::io;

/// Receives canonical output. Every piece is valid UTF-8, so a `String` can be a sink.
pub trait Sink {
    /// Append `s` to the output.
    fn put(&mut self, s: &str);
}

impl Sink for Vec<u8> {
    #[inline]
    fn put(&mut self, s: &str) {
        self.extend_from_slice(s.as_bytes());
    }
}

impl Sink for String {
    #[inline]
    fn put(&mut self, s: &str) {
        self.push_str(s);
    }
}

/// How many bytes [`IoSink`] gathers before writing: large enough that a write per chunk
/// costs nothing, small enough to stay in L1.
const CHUNK: usize = 8 * 1024;

/// A sink that hands the output to a callback in chunks of up to 4 KiB, e.g. a digest's
/// `update`. The buffer lives inside the sink (no allocation, so hashing a small body
/// costs no more than canonicalizing it into a reused `Vec`). Whatever is still buffered is
/// handed on by [`Chunked::finish`], or on drop.
pub struct Chunked<'f> {
    buf: [u8; STACK_CHUNK],
    len: usize,
    f: &'f mut dyn FnMut(&[u8]),
}

/// The size of [`Chunked`]'s buffer.
const STACK_CHUNK: usize = 4 * 1024;

impl<'f> Chunked<'f> {
    /// A sink feeding `f`.
    pub fn new(f: &'f mut dyn FnMut(&[u8])) -> Self {
        Chunked {
            buf: [0; STACK_CHUNK],
            len: 0,
            f,
        }
    }

    /// Hand on what is buffered (also done on drop; calling it makes the point explicit).
    pub fn finish(mut self) {
        self.flush();
    }

    fn flush(&mut self) {
        if self.len > 0 {
            (self.f)(&self.buf[..self.len]);
            self.len = 0;
        }
    }
}

impl Sink for Chunked<'_> {
    #[inline]
    fn put(&mut self, s: &str) {
        let b = s.as_bytes();
        if self.len + b.len() > STACK_CHUNK {
            self.flush();
            if b.len() >= STACK_CHUNK {
                // A long run of text: pass it through without copying.
                (self.f)(b);
                return;
            }
        }
        self.buf[self.len..self.len + b.len()].copy_from_slice(b);
        self.len += b.len();
    }
}

impl Drop for Chunked<'_> {
    fn drop(&mut self) {
        self.flush();
    }
}

/// A sink writing to an [`io::Write`] in chunks. The first write error is kept, later
/// output is dropped, and [`IoSink::finish`] reports it: canonicalization itself cannot
/// fail, so the error surfaces once, at the end.
pub struct IoSink<W: io::Write> {
    w: W,
    buf: Vec<u8>,
    err: Option<io::Error>,
}

impl<W: io::Write> IoSink<W> {
    /// A sink writing to `w`.
    pub fn new(w: W) -> Self {
        IoSink {
            w,
            buf: Vec::with_capacity(CHUNK),
            err: None,
        }
    }

    /// Write what is buffered, flush `w` and return it, or the first error met.
    pub fn finish(mut self) -> io::Result<W> {
        self.flush_buf();
        if let Some(e) = self.err.take() {
            return Err(e);
        }
        self.w.flush()?;
        Ok(self.w)
    }

    fn flush_buf(&mut self) {
        if self.err.is_none() && !self.buf.is_empty() {
            if let Err(e) = self.w.write_all(&self.buf) {
                self.err = Some(e);
            }
        }
        self.buf.clear();
    }
}

impl<W: io::Write> Sink for IoSink<W> {
    fn put(&mut self, s: &str) {
        if self.buf.len() + s.len() > CHUNK {
            self.flush_buf();
        }
        if self.err.is_none() {
            self.buf.extend_from_slice(s.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_delivers_everything_in_order() {
        let mut got = Vec::new();
        let mut calls = 0;
        {
            let mut f = |b: &[u8]| {
                got.extend_from_slice(b);
                calls += 1;
            };
            let mut s = Chunked::new(&mut f);
            for i in 0..5000 {
                s.put(if i % 2 == 0 { "ab" } else { "cde" });
            }
            s.put(&"x".repeat(20_000));
            s.put("tail");
        }
        let mut want = String::new();
        for i in 0..5000 {
            want.push_str(if i % 2 == 0 { "ab" } else { "cde" });
        }
        want.push_str(&"x".repeat(20_000));
        want.push_str("tail");
        assert_eq!(got, want.as_bytes());
        assert!(calls < 10, "{calls} calls");
    }

    #[derive(Debug)]
    struct Failing;
    impl io::Write for Failing {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::other("disk full"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn io_sink_reports_the_first_error() {
        let mut s = IoSink::new(Failing);
        s.put("abc");
        assert_eq!(s.finish().unwrap_err().to_string(), "disk full");
        let mut s = IoSink::new(Vec::new());
        s.put(&"y".repeat(10_000));
        s.put("z");
        assert_eq!(s.finish().unwrap().len(), 10_001);
    }
}
