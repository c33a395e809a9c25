//! JSON written field by field into a line buffer: a runaway run has millions of events,
//! and building a `serde_json::Value` tree (a map per event) for each, or passing each
//! field through the output's writers, was most of the time of writing them.

use std::io::{self, Write};

/// A JSON object being written, one `"key":value` pair at a time; [`Object::close`]
/// writes its closing brace.
pub(super) struct Object<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> Object<'a> {
    pub(super) fn open(out: &'a mut Vec<u8>) -> io::Result<Object<'a>> {
        out.write_all(b"{")?;
        Ok(Object { out, first: true })
    }

    fn key(&mut self, key: &str) -> io::Result<()> {
        if !std::mem::take(&mut self.first) {
            self.out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *self.out, key)?;
        self.out.write_all(b":")
    }

    pub(super) fn field(
        &mut self,
        key: &str,
        value: &(impl serde::Serialize + ?Sized),
    ) -> io::Result<()> {
        self.key(key)?;
        serde_json::to_writer(&mut *self.out, value).map_err(io::Error::from)
    }

    /// Starts the object that is the value of `key`.
    pub(super) fn object(&mut self, key: &str) -> io::Result<Object<'_>> {
        self.key(key)?;
        Object::open(&mut *self.out)
    }

    pub(super) fn close(self) -> io::Result<()> {
        self.out.write_all(b"}")
    }
}
