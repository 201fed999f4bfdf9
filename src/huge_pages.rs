//! Transparent huge pages for memory that is about to be filled with
//! megabytes: one page fault per 2 MiB instead of 512 (faults cost about
//! 2 µs each on the benchmark machine). The price is the unused end of
//! the last 2 MiB page, so only what is known to grow large is advised.
//! Where the kernel has huge pages off, the advice fails and nothing
//! changes. Linux with glibc only; elsewhere these do nothing.

/// The size of a huge page on x86-64 and of the regions advised.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const HUGE: usize = 2 << 20;

/// Makes the main heap grow onto a 2 MiB boundary and advises it (what
/// glibc's `glibc.malloc.hugetlb=1` tunable does, which a program cannot
/// set for itself once started). glibc's first extension starts a little
/// below the boundary, so that the chunk headers it writes at once fall
/// on small pages and the first 2 MiB page is still untouched when the
/// advice is given.
///
/// # Safety
/// Only at the start of `main`, before any other thread exists, and with
/// heap trimming off (`M_TRIM_THRESHOLD`, which would give the range back).
pub unsafe fn for_main_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: per the function's contract, nothing else moves the break now.
    unsafe {
        // The blocks asked for below, and how far below the boundary the
        // extension starts: a block and the free space's header after it.
        const BLOCK: usize = 64 << 10;
        const LEAD: usize = 2 * BLOCK;
        let brk = libc::sbrk(0) as usize;
        if brk == usize::MAX {
            return;
        }
        let mut boundary = brk.next_multiple_of(HUGE);
        if boundary - brk < LEAD {
            boundary += HUGE;
        }
        // Skip to the lead-in. glibc takes the skipped bytes for another
        // user's sbrk and starts its next extension after them (malloc.c
        // sysmalloc: the new top chunk's header at its start, and the
        // first block's split just after it); they are never touched, so
        // they cost no memory.
        let start = boundary - LEAD;
        if start > brk && libc::sbrk((start - brk) as libc::intptr_t) as usize == usize::MAX {
            return;
        }
        // Blocks under the mmap threshold until glibc has to extend the heap
        // (the old top may hold a few): that extension (M_TOP_PAD and a
        // block) starts at the lead-in and is what gets advised.
        let mut blocks = [std::ptr::null_mut(); 4];
        for block in blocks.iter_mut() {
            *block = libc::malloc(BLOCK);
            if libc::sbrk(0) as usize > start {
                break;
            }
        }
        let end = libc::sbrk(0) as usize;
        if end > boundary && end != usize::MAX {
            libc::madvise(boundary as *mut libc::c_void, end - boundary, libc::MADV_HUGEPAGE);
        }
        for block in blocks {
            libc::free(block);
        }
    }
}

/// Advise the glibc arena of the calling thread (a helper thread's own
/// heap), in a one-shot process. Regions the arena has touched already
/// keep their small pages.
pub fn for_this_threads_arena() {
    if crate::one_shot::active() {
        advise_this_threads_arena();
    }
}

fn advise_this_threads_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // glibc's thread heaps are HEAP_MAX_SIZE (64 MiB on 64-bit: twice
        // the largest mmap threshold) long and aligned to that size
        // (malloc/arena.c new_heap), so a block's heap starts at its
        // address rounded down.
        const THREAD_HEAP: usize = 64 << 20;
        // SAFETY: malloc/free of a byte; madvise only changes the paging
        // advice of mappings this process owns.
        unsafe {
            let probe = libc::malloc(1);
            if probe.is_null() {
                return;
            }
            // The main arena lies below the program break: leave it.
            if (probe as usize) > libc::sbrk(0) as usize {
                let heap = probe as usize & !(THREAD_HEAP - 1);
                libc::madvise(heap as *mut libc::c_void, THREAD_HEAP, libc::MADV_HUGEPAGE);
            }
            libc::free(probe);
        }
    }
}
