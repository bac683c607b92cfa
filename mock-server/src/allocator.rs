//! The binary's global allocator: mimalloc, called the way its C API is fastest.
//!
//! The `mimalloc` crate's `MiMalloc` hands every allocation to `mi_malloc_aligned`, whose fast
//! path checks the alignment, looks the block up and calls out to take it; `mi_malloc` does the
//! same in fewer steps inline. Every mimalloc block is a whole number of words from a 16-byte
//! aligned start (`MI_PAGE_MIN_START_BLOCK_ALIGN`), so any block is 8-byte aligned: what asks
//! for no more than that (nearly everything: strings, vectors, `Arc`s, futures) takes the plain
//! calls, anything else the aligned ones, as `MiMalloc` does.
//!
//! The only `unsafe` code of the crate: a global allocator cannot be written without it.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

/// What every mimalloc block is aligned to at least.
const WORD_ALIGN: usize = std::mem::size_of::<usize>();

#[derive(Debug)]
pub struct Mimalloc;

// SAFETY: each method hands the request to mimalloc's matching C function, which answers memory
// aligned as the layout asks (see the module doc) or null, and frees what it answered.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: plain C calls; mimalloc accepts any size.
        unsafe {
            if layout.align() <= WORD_ALIGN {
                mi::mi_malloc(layout.size()).cast()
            } else {
                mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        unsafe {
            if layout.align() <= WORD_ALIGN {
                mi::mi_zalloc(layout.size()).cast()
            } else {
                mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator (GlobalAlloc's contract), so from mimalloc.
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from mimalloc with `layout`; the new block keeps its alignment.
        unsafe {
            if layout.align() <= WORD_ALIGN {
                mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every size and alignment up to a page comes back aligned as asked, keeps what was
    /// written through a reallocation, and is zeroed when asked.
    #[test]
    fn blocks_are_aligned_as_asked() {
        let allocator = Mimalloc;
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1, 3, 8, 12, 24, 40, 48, 100, 1000, 5000, 70_000] {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: a layout of non-zero size; each block is freed once with its layout.
                unsafe {
                    let block = allocator.alloc(layout);
                    assert!(!block.is_null());
                    assert_eq!(block as usize % align, 0, "size {size} align {align}");
                    block.write_bytes(0xA5, size);
                    let grown = allocator.realloc(block, layout, size * 2);
                    assert_eq!(grown as usize % align, 0, "realloc: size {size} align {align}");
                    assert!(std::slice::from_raw_parts(grown, size).iter().all(|&b| b == 0xA5));
                    allocator.dealloc(grown, Layout::from_size_align(size * 2, align).unwrap());
                    let zeroed = allocator.alloc_zeroed(layout);
                    assert_eq!(zeroed as usize % align, 0, "zeroed: size {size} align {align}");
                    assert!(std::slice::from_raw_parts(zeroed, size).iter().all(|&b| b == 0));
                    allocator.dealloc(zeroed, layout);
                }
            }
        }
    }
}
