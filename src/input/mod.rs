//! Input. (in progress)
