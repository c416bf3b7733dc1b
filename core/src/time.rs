//! xsd:dateTime instants for wsu:Created / wsu:Expires and WS-Trust Lifetime.
//!
//! Times are kept as milliseconds since the Unix epoch in UTC. Parsing accepts every
//! xsd:dateTime lexical form (optional fraction of any length, `Z`, `+hh:mm`, `-hh:mm`, or
//! no zone, which is taken as UTC as WCF and WSS4J do); writing always produces UTC with a
//! `Z`, milliseconds only when they are not zero.

use crate::error::{Error, ErrorKind, Result};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// An instant, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(pub i64);

impl Instant {
    /// Now, from the system clock.
    pub fn now() -> Instant {
        let ms = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_millis() as i64,
            Err(e) => -(e.duration().as_millis() as i64),
        };
        Instant(ms)
    }

    /// Milliseconds since the epoch.
    pub fn millis(self) -> i64 {
        self.0
    }

    /// This instant plus `d` (saturating).
    pub fn plus(self, d: Duration) -> Instant {
        Instant(
            self.0
                .saturating_add(d.as_millis().min(i64::MAX as u128) as i64),
        )
    }

    /// This instant minus `d` (saturating).
    pub fn minus(self, d: Duration) -> Instant {
        Instant(
            self.0
                .saturating_sub(d.as_millis().min(i64::MAX as u128) as i64),
        )
    }

    /// Parse an xsd:dateTime.
    pub fn parse(s: &str) -> Result<Instant> {
        parse(s.trim()).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidRequest,
                format!("'{s}' is not an xsd:dateTime"),
            )
        })
    }

    /// Format as xsd:dateTime in UTC (`2026-11-23T19:06:48Z`, or `...48.123Z`).
    pub fn to_xsd(self) -> String {
        let days = self.0.div_euclid(86_400_000);
        let ms_of_day = self.0.rem_euclid(86_400_000);
        let (y, m, d) = civil_from_days(days);
        let (h, mi, s, ms) = (
            ms_of_day / 3_600_000,
            ms_of_day / 60_000 % 60,
            ms_of_day / 1000 % 60,
            ms_of_day % 1000,
        );
        if !(0..=9999).contains(&y) {
            return if ms == 0 {
                format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
            } else {
                format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
            };
        }
        // Digits pushed directly: a signer writes two timestamps per message and the
        // formatting machinery cost more than the rest of the Timestamp header.
        let mut out = String::with_capacity(24);
        let num = |v: i64, width: u32, out: &mut String| {
            for i in (0..width).rev() {
                out.push(char::from(b'0' + (v / 10i64.pow(i) % 10) as u8));
            }
        };
        num(y, 4, &mut out);
        out.push('-');
        num(m, 2, &mut out);
        out.push('-');
        num(d, 2, &mut out);
        out.push('T');
        num(h, 2, &mut out);
        out.push(':');
        num(mi, 2, &mut out);
        out.push(':');
        num(s, 2, &mut out);
        if ms != 0 {
            out.push('.');
            num(ms, 3, &mut out);
        }
        out.push('Z');
        out
    }
}

impl std::fmt::Display for Instant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_xsd())
    }
}

// Howard Hinnant's days-from-civil algorithms (public domain).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn digits(s: &[u8], n: usize) -> Option<i64> {
    if s.len() < n || !s[..n].iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s[..n].iter().fold(0i64, |a, b| a * 10 + (b - b'0') as i64))
}

fn parse(s: &str) -> Option<Instant> {
    let b = s.as_bytes();
    let (neg, b) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        _ => (false, b),
    };
    let ylen = b.iter().position(|c| *c == b'-')?;
    if ylen < 4 || (ylen > 4 && b[0] == b'0') {
        return None;
    }
    let mut y = digits(b, ylen)?;
    if neg {
        y = -y;
    }
    let r = &b[ylen..];
    if r.len() < 15 || r[0] != b'-' || r[3] != b'-' || r[6] != b'T' || r[9] != b':' || r[12] != b':'
    {
        return None;
    }
    let (mo, d) = (digits(&r[1..], 2)?, digits(&r[4..], 2)?);
    let (h, mi, sec) = (
        digits(&r[7..], 2)?,
        digits(&r[10..], 2)?,
        digits(&r[13..], 2)?,
    );
    let mut rest = &r[15..];
    let mut ms = 0i64;
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        let mut scaled = 0i64;
        for (i, c) in frac[..n].iter().take(3).enumerate() {
            scaled += (*c - b'0') as i64 * [100, 10, 1][i];
        }
        ms = scaled;
        rest = &frac[n..];
    }
    let offset_min = match rest {
        [] | [b'Z'] => 0,
        [sign @ (b'+' | b'-'), hh1, hh2, b':', mm1, mm2] => {
            let hh = digits(&[*hh1, *hh2], 2)?;
            let mm = digits(&[*mm1, *mm2], 2)?;
            if hh > 14 || mm > 59 || (hh == 14 && mm != 0) {
                return None;
            }
            let o = hh * 60 + mm;
            if *sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mdays = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&mo) || d < 1 || d > mdays[(mo - 1) as usize] || mi > 59 || sec > 59 {
        return None;
    }
    // 24:00:00 is allowed and means the start of the next day.
    if h > 24 || (h == 24 && (mi != 0 || sec != 0 || ms != 0)) {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    let total = ((days * 24 + h) * 60 + mi - offset_min) * 60 + sec;
    Some(Instant(total.checked_mul(1000)?.checked_add(ms)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_forms() {
        let base = Instant::parse("2005-02-01T10:00:00Z").unwrap();
        assert_eq!(base.to_xsd(), "2005-02-01T10:00:00Z");
        for t in [
            "2026-03-01T08:15:42.901Z",
            "0001-01-01T00:00:00.005Z",
            "9999-12-31T23:59:59.090Z",
        ] {
            assert_eq!(Instant::parse(t).unwrap().to_xsd(), t);
        }
        assert_eq!(Instant::parse("2005-02-01T10:00:00").unwrap(), base);
        assert_eq!(Instant::parse("2005-02-01T12:30:00+02:30").unwrap(), base);
        assert_eq!(Instant::parse("2005-02-01T09:00:00-01:00").unwrap(), base);
        assert_eq!(
            Instant::parse("2005-02-01T10:00:00.1234567Z").unwrap(),
            Instant(base.0 + 123)
        );
        assert_eq!(
            Instant::parse("2005-02-01T10:00:00.5Z").unwrap().to_xsd(),
            "2005-02-01T10:00:00.500Z"
        );
        assert_eq!(
            Instant::parse("2005-01-31T24:00:00Z").unwrap(),
            Instant::parse("2005-02-01T00:00:00Z").unwrap()
        );
        assert_eq!(Instant::parse("1970-01-01T00:00:00Z").unwrap(), Instant(0));
        assert_eq!(
            Instant::parse("1969-12-31T23:59:59Z").unwrap(),
            Instant(-1000)
        );
        assert_eq!(
            Instant::parse("2024-02-29T00:00:00Z").unwrap().to_xsd(),
            "2024-02-29T00:00:00Z"
        );
    }

    #[test]
    fn refuse_bad() {
        for bad in [
            "",
            "2005",
            "2005-02-01",
            "2005-13-01T00:00:00Z",
            "2005-02-29T00:00:00Z",
            "2005-02-01T25:00:00Z",
            "2005-02-01T10:00:00.Z",
            "2005-02-01T10:00:00+15:00",
            "2005-02-01 10:00:00Z",
            "05-02-01T10:00:00Z",
            "2005-02-01T10:00:60Z",
            "2005-02-01T10:00:00ZZ",
            "２００５-02-01T10:00:00Z",
        ] {
            assert!(Instant::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn round_trips_many() {
        let mut t = -5_000_000_000_000i64;
        while t < 5_000_000_000_000 {
            let i = Instant(t);
            assert_eq!(Instant::parse(&i.to_xsd()).unwrap(), i);
            t += 7_777_777_777;
        }
    }
}
