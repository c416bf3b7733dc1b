//! `wssx_c14n`: the exclusive canonical form of a document or of one element of it, as a
//! signature reference covers it (for debugging interop and digests).

use wssx::message;

use crate::args::{bytes, opt_text};
use crate::buf::{out_buf, put, wssx_buf};
use crate::status::{guard, wssx_status};

/// Exclusive XML canonicalization 1.0 (`http://www.w3.org/2001/10/xml-exc-c14n#`, or
/// `#WithComments` when `with_comments` is true) of the document `xml` (`xml_len` bytes),
/// or, when `id` is not NULL, of its element whose ID (wsu:Id, Id, ID or xml:id) is `id`
/// (`id_len` bytes of UTF-8, without the '#'): exactly the bytes a ds:Reference to "#id"
/// digests.
///
/// `prefixes` is the InclusiveNamespaces PrefixList: UTF-8, prefixes separated by spaces,
/// "#default" for the default namespace; NULL (with `prefixes_len` 0) means none.
///
/// Errors: WSSX_MALFORMED_XML / WSSX_LIMIT_EXCEEDED (not XML, DTDs, limits),
/// WSSX_INVALID_ARGUMENT (no element has ID `id`), WSSX_INVALID_SIGNATURE (duplicate IDs,
/// when `id` is given).
///
/// On success `*out` holds the canonical form (UTF-8, NUL-terminated); the caller owns it
/// and frees it with `wssx_buf_free`. The inputs are only read during the call.
#[no_mangle]
pub unsafe extern "C" fn wssx_c14n(
    xml: *const u8,
    xml_len: usize,
    id: *const u8,
    id_len: usize,
    with_comments: bool,
    prefixes: *const u8,
    prefixes_len: usize,
    out: *mut wssx_buf,
) -> wssx_status {
    guard("wssx_c14n", || {
        let out = out_buf(out, "out")?;
        let xml = bytes(xml, xml_len, "xml")?;
        let id = opt_text(id, id_len, "id")?;
        let prefixes: Vec<String> = opt_text(prefixes, prefixes_len, "prefixes")?
            .unwrap_or("")
            .split_ascii_whitespace()
            .map(str::to_string)
            .collect();
        let doc = wssx::xml::parse(xml)?;
        let canonical = message::canonical_form(&doc, id, with_comments, &prefixes)?;
        put(out, Some(&canonical));
        Ok(())
    })
}
