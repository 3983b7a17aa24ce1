//! Archive. (in progress)
