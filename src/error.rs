//! The single error type of the core. Codes are stable snake_case strings, never reused
//! (docs/contract.md §2); PHP maps them to WP_Error('aipkit_'.code) and JS to Error.code.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    #[error("{message}")]
    MalformedInput { message: String, field: Option<String> },
    #[error("{message}")]
    InvalidAmount { message: String, field: Option<String> },
    #[error("{message}")]
    AmountOverflow { message: String, field: Option<String> },
    #[error("{message}")]
    NegativeAmount { message: String, field: Option<String> },
    #[error("{message}")]
    InvalidRate { message: String, field: Option<String> },
    #[error("{message}")]
    MissingRate { message: String, field: Option<String> },
    #[error("{message}")]
    MethodNotAllowed { message: String, field: Option<String> },
    #[error("{message}")]
    UnknownUsageType { message: String, field: Option<String> },
    #[error("{message}")]
    UnknownMethod { message: String, field: Option<String> },
    #[error("{message}")]
    InvalidProvider { message: String, field: Option<String> },
    #[error("{message}")]
    InvalidModel { message: String, field: Option<String> },
    #[error("{message}")]
    InvalidPeriod { message: String, field: Option<String> },
    #[error("{message}")]
    InvalidTimezone { message: String, field: Option<String> },
    #[error("{message}")]
    InvalidOrder { message: String, field: Option<String> },
    #[error("{message}")]
    InvalidCount { message: String, field: Option<String> },
    #[error("{message}")]
    StaleBalance { message: String, field: Option<String> },
    #[error("{message}")]
    InvalidScore { message: String, field: Option<String> },
    #[error("{message}")]
    InvalidKeyPart { message: String, field: Option<String> },
    #[error("{message}")]
    UnknownOp { message: String, field: Option<String> },
    #[error("{message}")]
    InternalError { message: String, field: Option<String> },
}

/// Every code, in declaration order (used by tests and docs).
pub const ALL_CODES: &[&str] = &[
    "malformed_input", "invalid_amount", "amount_overflow", "negative_amount", "invalid_rate",
    "missing_rate", "method_not_allowed", "unknown_usage_type", "unknown_method", "invalid_provider",
    "invalid_model", "invalid_period", "invalid_timezone", "invalid_order", "invalid_count",
    "stale_balance", "invalid_score", "invalid_key_part", "unknown_op", "internal_error",
];

macro_rules! each_variant {
    ($self:expr, $m:ident, $f:ident => $body:expr) => {
        match $self {
            CoreError::MalformedInput { message: $m, field: $f }
            | CoreError::InvalidAmount { message: $m, field: $f }
            | CoreError::AmountOverflow { message: $m, field: $f }
            | CoreError::NegativeAmount { message: $m, field: $f }
            | CoreError::InvalidRate { message: $m, field: $f }
            | CoreError::MissingRate { message: $m, field: $f }
            | CoreError::MethodNotAllowed { message: $m, field: $f }
            | CoreError::UnknownUsageType { message: $m, field: $f }
            | CoreError::UnknownMethod { message: $m, field: $f }
            | CoreError::InvalidProvider { message: $m, field: $f }
            | CoreError::InvalidModel { message: $m, field: $f }
            | CoreError::InvalidPeriod { message: $m, field: $f }
            | CoreError::InvalidTimezone { message: $m, field: $f }
            | CoreError::InvalidOrder { message: $m, field: $f }
            | CoreError::InvalidCount { message: $m, field: $f }
            | CoreError::StaleBalance { message: $m, field: $f }
            | CoreError::InvalidScore { message: $m, field: $f }
            | CoreError::InvalidKeyPart { message: $m, field: $f }
            | CoreError::UnknownOp { message: $m, field: $f }
            | CoreError::InternalError { message: $m, field: $f } => $body,
        }
    };
}

impl CoreError {
    /// Builds an error from its stable code; unknown codes become `internal_error`
    /// (only reachable through a programming mistake in the core).
    pub fn new(code: &str, message: impl Into<String>, field: Option<&str>) -> Self {
        let message = message.into();
        let field = field.map(str::to_owned);
        match code {
            "malformed_input" => Self::MalformedInput { message, field },
            "invalid_amount" => Self::InvalidAmount { message, field },
            "amount_overflow" => Self::AmountOverflow { message, field },
            "negative_amount" => Self::NegativeAmount { message, field },
            "invalid_rate" => Self::InvalidRate { message, field },
            "missing_rate" => Self::MissingRate { message, field },
            "method_not_allowed" => Self::MethodNotAllowed { message, field },
            "unknown_usage_type" => Self::UnknownUsageType { message, field },
            "unknown_method" => Self::UnknownMethod { message, field },
            "invalid_provider" => Self::InvalidProvider { message, field },
            "invalid_model" => Self::InvalidModel { message, field },
            "invalid_period" => Self::InvalidPeriod { message, field },
            "invalid_timezone" => Self::InvalidTimezone { message, field },
            "invalid_order" => Self::InvalidOrder { message, field },
            "invalid_count" => Self::InvalidCount { message, field },
            "stale_balance" => Self::StaleBalance { message, field },
            "invalid_score" => Self::InvalidScore { message, field },
            "invalid_key_part" => Self::InvalidKeyPart { message, field },
            "unknown_op" => Self::UnknownOp { message, field },
            _ => Self::InternalError { message, field },
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::MalformedInput { .. } => "malformed_input",
            Self::InvalidAmount { .. } => "invalid_amount",
            Self::AmountOverflow { .. } => "amount_overflow",
            Self::NegativeAmount { .. } => "negative_amount",
            Self::InvalidRate { .. } => "invalid_rate",
            Self::MissingRate { .. } => "missing_rate",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::UnknownUsageType { .. } => "unknown_usage_type",
            Self::UnknownMethod { .. } => "unknown_method",
            Self::InvalidProvider { .. } => "invalid_provider",
            Self::InvalidModel { .. } => "invalid_model",
            Self::InvalidPeriod { .. } => "invalid_period",
            Self::InvalidTimezone { .. } => "invalid_timezone",
            Self::InvalidOrder { .. } => "invalid_order",
            Self::InvalidCount { .. } => "invalid_count",
            Self::StaleBalance { .. } => "stale_balance",
            Self::InvalidScore { .. } => "invalid_score",
            Self::InvalidKeyPart { .. } => "invalid_key_part",
            Self::UnknownOp { .. } => "unknown_op",
            Self::InternalError { .. } => "internal_error",
        }
    }

    pub fn message(&self) -> &str {
        each_variant!(self, m, _f => m.as_str())
    }

    pub fn field(&self) -> Option<&str> {
        each_variant!(self, _m, f => f.as_deref())
    }

    /// Sets the field when the error was raised deep inside a value that did not know its name.
    pub fn with_field_if_none(mut self, name: &str) -> Self {
        each_variant!(&mut self, _m, f => if f.is_none() { *f = Some(name.to_owned()) });
        self
    }

    /// Replaces the field with its full path (callers pass short names and add the path only on
    /// the error path, so the happy path builds no strings).
    pub fn at(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        each_variant!(&mut self, _m, f => *f = Some(path));
        self
    }

    pub fn to_payload(&self) -> ErrorPayload<'_> {
        ErrorPayload { code: self.code(), message: self.message(), field: self.field() }
    }
}

/// The wire form `{"code","message","field"}`.
#[derive(Debug, Serialize)]
pub struct ErrorPayload<'a> {
    pub code: &'a str,
    pub message: &'a str,
    pub field: Option<&'a str>,
}

/// Shorthand used across the core modules.
pub fn err(code: &str, message: impl Into<String>, field: &str) -> CoreError {
    CoreError::new(code, message, if field.is_empty() { None } else { Some(field) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_through_new() {
        for code in ALL_CODES {
            let e = CoreError::new(code, "m", Some("f"));
            assert_eq!(e.code(), *code);
            assert_eq!(e.field(), Some("f"));
            assert_eq!(e.message(), "m");
        }
    }

    #[test]
    fn unknown_code_is_internal() {
        assert_eq!(CoreError::new("nope", "x", None).code(), "internal_error");
    }

    #[test]
    fn field_is_filled_only_when_missing() {
        let e = err("invalid_amount", "bad", "").with_field_if_none("estimate");
        assert_eq!(e.field(), Some("estimate"));
        let e = err("invalid_amount", "bad", "rate").with_field_if_none("estimate");
        assert_eq!(e.field(), Some("rate"));
    }
}
