//! Reading an `ExportTraceServiceResponse`: only `partial_success` (`rejected_spans`,
//! `error_message`), from a protobuf or a JSON body. Anything unreadable reads as a full
//! success, as the OTLP specification lets a client do with an empty body.

use serde_json::Value;

/// The rejected span count and the server's message of a response body, if it reports a
/// partial success. `json` says which encoding to try first; the other is tried after.
pub fn partial_success(body: &[u8], json: bool) -> Option<(u64, Option<String>)> {
    let first = if json {
        from_json(body)
    } else {
        from_proto(body)
    };
    first.or_else(|| {
        if json {
            from_proto(body)
        } else {
            from_json(body)
        }
    })
}

fn from_json(body: &[u8]) -> Option<(u64, Option<String>)> {
    // Through `str`: the crate's one JSON reader instantiation (a size choice).
    let v: Value = serde_json::from_str(std::str::from_utf8(body).ok()?).ok()?;
    let p = v
        .get("partialSuccess")
        .or_else(|| v.get("partial_success"))?;
    let n = p.get("rejectedSpans").or_else(|| p.get("rejected_spans"));
    let rejected = match n {
        Some(Value::String(s)) => s.parse().ok()?,
        Some(n) => n.as_u64()?,
        None => 0,
    };
    let msg = p.get("errorMessage").or_else(|| p.get("error_message"));
    let msg = msg.and_then(Value::as_str).filter(|m| !m.is_empty());
    Some((rejected, msg.map(Into::into)))
}

/// A protobuf reader over `bytes`: fields as `(number, wire type, varint or slice)`.
pub(super) struct Reader<'a> {
    pub(super) bytes: &'a [u8],
}

pub(super) enum Field<'a> {
    Int(u64),
    Bytes(&'a [u8]),
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let (&b, rest) = self.bytes.split_first()?;
            self.bytes = rest;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(v);
            }
        }
        None
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.bytes.len() {
            return None;
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(head)
    }

    pub(super) fn next(&mut self) -> Option<(u64, Field<'a>)> {
        let key = self.varint()?;
        let field = match key & 7 {
            0 => Field::Int(self.varint()?),
            1 => Field::Bytes(self.take(8)?),
            2 => {
                let n = usize::try_from(self.varint()?).ok()?;
                Field::Bytes(self.take(n)?)
            }
            5 => Field::Bytes(self.take(4)?),
            _ => return None,
        };
        Some((key >> 3, field))
    }
}

fn from_proto(body: &[u8]) -> Option<(u64, Option<String>)> {
    let mut outer = Reader { bytes: body };
    let mut partial = None;
    while !outer.bytes.is_empty() {
        if let (1, Field::Bytes(b)) = outer.next()? {
            partial = Some(b);
        }
    }
    let mut inner = Reader { bytes: partial? };
    let (mut rejected, mut msg) = (0, None);
    while !inner.bytes.is_empty() {
        match inner.next()? {
            (1, Field::Int(n)) => rejected = n,
            (2, Field::Bytes(b)) if !b.is_empty() => {
                msg = String::from_utf8(b.to_vec()).ok();
            }
            _ => {}
        }
    }
    Some((rejected, msg))
}
