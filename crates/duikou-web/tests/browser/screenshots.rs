//! (screenshots: below)
