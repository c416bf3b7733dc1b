//! C ABI for wssx.
