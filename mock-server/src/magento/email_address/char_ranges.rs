//! Lookups in sorted, non-overlapping ranges of characters (the generated tables).

use std::cmp::Ordering;

fn order(low: char, high: char, c: char) -> Ordering {
    if high < c {
        Ordering::Less
    } else if low > c {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

/// True when `c` falls in one of `ranges`.
pub(super) fn contains(ranges: &[(char, char)], c: char) -> bool {
    ranges.binary_search_by(|(low, high)| order(*low, *high, c)).is_ok()
}

/// The value of the range `c` falls in, if any.
pub(super) fn value_of<T: Copy>(ranges: &[(char, char, T)], c: char) -> Option<T> {
    ranges.binary_search_by(|(low, high, _)| order(*low, *high, c)).ok().map(|found| ranges[found].2)
}
