//! Tax rules. (in progress)

pub mod rates;
