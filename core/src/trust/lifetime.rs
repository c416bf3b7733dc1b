//! wst:Lifetime: the validity window of a requested or issued token.
//!
//! Times are real instants ([`Instant`]): any xsd:dateTime form is accepted on reading
//! (offsets, fractions of any length, no zone = UTC) and UTC with `Z` is written, as
//! WS-Trust section 5 recommends. A window that ends before it starts is refused with
//! the spec's `InvalidTimeRange` fault kind.

use crate::error::{Error, ErrorKind, Result};
use crate::ns;
use crate::soap::read::{element_only, invalid, other_attrs, text_of};
use crate::time::Instant;
use crate::version::TrustVersion;
use crate::xml::build::{self, Build};
use crate::xml::{Attribute, Element, ElementRef};
use std::time::Duration;

use super::field::Field;

/// A validity window; either end may be open.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lifetime {
    /// wsu:Created: when the token becomes valid (in the future = postdated).
    pub created: Option<Instant>,
    /// wsu:Expires: when it stops being valid.
    pub expires: Option<Instant>,
    /// Attributes on wst:Lifetime, kept.
    pub other_attributes: Vec<Attribute>,
}

impl Lifetime {
    /// A window from `created` lasting `duration`.
    pub fn starting(created: Instant, duration: Duration) -> Self {
        Lifetime {
            created: Some(created),
            expires: Some(created.plus(duration)),
            other_attributes: Vec::new(),
        }
    }

    /// A window between two instants; `InvalidTimeRange` when `expires` is before `created`.
    pub fn between(created: Instant, expires: Instant) -> Result<Self> {
        let l = Lifetime {
            created: Some(created),
            expires: Some(expires),
            other_attributes: Vec::new(),
        };
        l.check()
            .map_err(|m| Error::new(ErrorKind::InvalidTimeRange, m))?;
        Ok(l)
    }

    /// True when `at` is inside the window (open ends are unbounded).
    pub fn contains(&self, at: Instant) -> bool {
        // (Written without Option::is_none_or, which is newer than the crate's MSRV.)
        let not_yet = self.created.is_some_and(|c| at < c);
        let ended = self.expires.is_some_and(|e| at >= e);
        !not_yet && !ended
    }

    /// True when the window has ended at `at`.
    pub fn is_expired(&self, at: Instant) -> bool {
        self.expires.is_some_and(|e| at >= e)
    }

    fn check(&self) -> std::result::Result<(), String> {
        match (self.created, self.expires) {
            (Some(c), Some(e)) if e < c => Err(format!("Expires {e} is before Created {c}")),
            _ => Ok(()),
        }
    }

    /// Read from a wst:Lifetime element.
    pub fn from_element(el: &Element) -> Result<Self> {
        Self::read(el)
    }

    /// [`Lifetime::from_element`] for an element of the owned tree or of a parsed
    /// [`crate::xml::Doc`].
    pub fn read<'d, E: ElementRef<'d>>(el: E) -> Result<Self> {
        element_only(el)?;
        let path = el.lazy_qname();
        let mut l = Lifetime {
            other_attributes: other_attrs(el, &[]),
            ..Default::default()
        };
        for c in el.elements() {
            let slot = if c.is(ns::WSU, "Created") {
                &mut l.created
            } else if c.is(ns::WSU, "Expires") {
                &mut l.expires
            } else {
                return Err(invalid(
                    c,
                    "unexpected element; a Lifetime holds wsu:Created and wsu:Expires",
                )
                .within(&path));
            };
            if slot.is_some() {
                return Err(invalid(c, "appears more than once").within(&path));
            }
            let t = text_of(c).map_err(|e| e.within(&path))?;
            let at = Instant::parse(&t)
                .map_err(|e| Error::at(e.kind(), format!("{path}/{}", c.qname()), e.message()))?;
            *slot = Some(at);
        }
        l.check()
            .map_err(|m| Error::at(ErrorKind::InvalidTimeRange, path.to_string(), m))?;
        Ok(l)
    }

    /// Build the element in `version`.
    pub fn to_element(&self, version: TrustVersion) -> Element {
        build::tree(|b| self.write(b, version))
    }

    /// Write the element in `version` into `b`.
    pub fn write<B: Build + ?Sized>(&self, b: &mut B, version: TrustVersion) {
        Field::Lifetime.open(b, version);
        if self.created.is_some() || self.expires.is_some() {
            b.declare("wsu", ns::WSU);
        }
        b.attrs(&self.other_attributes);
        if let Some(c) = self.created {
            b.leaf(ns::WSU, "wsu", "Created", &c.to_xsd());
        }
        if let Some(e) = self.expires {
            b.leaf(ns::WSU, "wsu", "Expires", &e.to_xsd());
        }
        b.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::{element_to_string, parse};

    fn lt(inner: &str) -> String {
        format!(
            r#"<wst:Lifetime xmlns:wst="{}" xmlns:wsu="{}">{inner}</wst:Lifetime>"#,
            TrustVersion::V1_3.namespace(),
            ns::WSU
        )
    }

    #[test]
    fn any_form_in_utc_out() {
        let x = lt("<wsu:Created>2005-02-01T12:30:00.5+02:30</wsu:Created><wsu:Expires>2005-02-01T10:00:00.9999999</wsu:Expires>");
        let l = Lifetime::from_element(&parse(x.as_bytes()).unwrap().root).unwrap();
        let out = element_to_string(&l.to_element(TrustVersion::V1_3));
        assert!(
            out.contains("<wsu:Created>2005-02-01T10:00:00.500Z</wsu:Created>"),
            "{out}"
        );
        assert!(
            out.contains("<wsu:Expires>2005-02-01T10:00:00.999Z</wsu:Expires>"),
            "{out}"
        );
        assert!(l.contains(Instant::parse("2005-02-01T10:00:00.700Z").unwrap()));
        assert!(l.is_expired(Instant::parse("2005-02-01T11:00:00Z").unwrap()));
    }

    #[test]
    fn errors_name_the_path() {
        let bad = lt("<wsu:Created>yesterday</wsu:Created>");
        let e = Lifetime::from_element(&parse(bad.as_bytes()).unwrap().root).unwrap_err();
        assert_eq!(
            (e.kind(), e.path()),
            (ErrorKind::InvalidRequest, "wst:Lifetime/wsu:Created")
        );
        let rev = lt("<wsu:Created>2005-02-01T10:00:00Z</wsu:Created><wsu:Expires>2005-02-01T09:00:00Z</wsu:Expires>");
        let e = Lifetime::from_element(&parse(rev.as_bytes()).unwrap().root).unwrap_err();
        assert_eq!(
            (e.kind(), e.path()),
            (ErrorKind::InvalidTimeRange, "wst:Lifetime")
        );
        let dup = lt("<wsu:Expires>2005-02-01T09:00:00Z</wsu:Expires><wsu:Expires>2005-02-01T09:00:00Z</wsu:Expires>");
        assert_eq!(
            Lifetime::from_element(&parse(dup.as_bytes()).unwrap().root)
                .unwrap_err()
                .path(),
            "wst:Lifetime/wsu:Expires"
        );
        assert_eq!(
            Lifetime::between(Instant(10), Instant(5))
                .unwrap_err()
                .kind(),
            ErrorKind::InvalidTimeRange
        );
    }
}
