//! Issue. (in progress)
