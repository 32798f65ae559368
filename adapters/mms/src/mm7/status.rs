//! MM7 status codes (TS 23.140, table "Status codes") and what a VASP does with each class:
//! 1xxx success, 2xxx client errors (permanent: the same request will fail again),
//! 3xxx server errors and 4xxx service errors (temporary: retried).

/// Multimedia content refused (e.g. too large).
pub const CONTENT_REFUSED: u16 = 2004;
/// Message format corrupt.
pub const MESSAGE_FORMAT_CORRUPT: u16 = 2007;
/// Server error.
pub const SERVER_ERROR: u16 = 3000;

/// What a status code means for the request that got it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    /// 1xxx: done.
    Success,
    /// 2xxx: the request is wrong; sending it again fails again.
    Permanent,
    /// 3xxx, 4xxx: the MMSC could not serve it now; sending it again may succeed.
    Temporary,
}

impl StatusClass {
    /// The class of `code`. Codes outside 1000–4999 are treated as permanent failures.
    pub fn of(code: u16) -> Self {
        match code {
            1000..=1999 => StatusClass::Success,
            3000..=4999 => StatusClass::Temporary,
            _ => StatusClass::Permanent,
        }
    }
}

/// The standard text of a status code, for answers and logs.
pub fn status_text(code: u16) -> &'static str {
    match code {
        1000 => "Success",
        1100 => "Partial success",
        2000 => "Client error",
        2001 => "Operation restricted",
        2002 => "Address Error",
        2003 => "Address Not Found",
        2004 => "Multimedia content refused",
        2005 => "Message ID Not found",
        2006 => "LinkedID not found",
        2007 => "Message format corrupt",
        3000 => "Server Error",
        3001 => "Not Possible",
        3002 => "Message rejected",
        3003 => "Multiple addresses not supported",
        4000 => "General service error",
        4001 => "Improper identification",
        4002 => "Unsupported version",
        4003 => "Unsupported operation",
        4004 => "Validation error",
        4005 => "Service error",
        4006 => "Service unavailable",
        4007 => "Service denied",
        _ => "Unknown status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_thousands_digit() {
        assert_eq!(StatusClass::of(1000), StatusClass::Success);
        assert_eq!(StatusClass::of(1100), StatusClass::Success);
        assert_eq!(StatusClass::of(2007), StatusClass::Permanent);
        assert_eq!(StatusClass::of(3001), StatusClass::Temporary);
        assert_eq!(StatusClass::of(4006), StatusClass::Temporary);
        assert_eq!(StatusClass::of(999), StatusClass::Permanent);
        assert_eq!(StatusClass::of(5000), StatusClass::Permanent);
    }
}
