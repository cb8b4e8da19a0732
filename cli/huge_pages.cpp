// The rtreview programs' memory on transparent huge pages: malloc's heaps and large C++
// allocations.
//
// The first write to a fresh 4 KiB page traps to the kernel (a page fault). On bare metal a
// fault costs well under a microsecond; on the virtual machines this project is measured on
// it costs 10-15 us (the bench prints the figure), and a large `rtreview dvh` took about
// 5,800 of them: a third of its CPU time. A 2 MiB huge page is one fault for 512 pages, so:
//  - malloc grows its heaps 32 MiB at a time (M_TOP_PAD) and serves requests below 4 MiB
//    from them (M_MMAP_THRESHOLD), and each heap is advised MADV_HUGEPAGE the first time a
//    thread allocates from it: the main heap (below the program break) up to the break, a
//    thread's heap over glibc's whole reservation for it (64 MiB, aligned to its size);
//  - allocations of 4 MiB and more (the dose's floats) are made of whole huge pages, aligned
//    and rounded up, and advised as they are made.
// Faults fell from 5.8 K to 0.9 K and the large `dvh` ran about a quarter faster (README,
// speed). The heaps' part is the command-line program's only: a server (the front door, built
// with RTREVIEW_FRONT_DOOR_IN_PROCESS) runs for days, and there malloc keeps its defaults,
// which give freed memory back to the system instead of keeping 32 MiB per heap.
// What malloc wrote before this code saw a heap stays on small pages, except a thread heap's
// first 2 MiB, which is collapsed into a huge page (advise_heap_of). The advice is honoured when
// /sys/kernel/mm/transparent_hugepage/enabled is "madvise" or "always" and changes nothing
// else: memory still comes from malloc and goes back to free, and where the advice is
// refused or misplaced (another C library's heap layout) pages are simply small. Replacing
// the global operator new in the executable covers DCMTK's allocations too (the dynamic
// linker binds the shared libraries' operator new to the executable's); C libraries' malloc
// (cairo, pango) lands in the same advised heaps. Left out under the sanitizers, which supply
// their own allocator.
#if defined(__linux__) && !defined(__SANITIZE_ADDRESS__)
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RTREVIEW_NO_HUGE_PAGES
#endif
#endif
#else
#define RTREVIEW_NO_HUGE_PAGES
#endif

#ifndef RTREVIEW_NO_HUGE_PAGES
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <new>

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25  // Linux 6.1; glibc 2.36's headers lack it. Older kernels: EINVAL, ignored.
#endif

namespace {

constexpr std::uintptr_t huge_page = std::uintptr_t{2} << 20;
constexpr std::size_t advise_from = std::size_t{4} << 20;  // also malloc's mmap threshold
constexpr int heap_growth_bytes = 32 << 20;
// glibc's HEAP_MAX_SIZE on 64-bit: a thread arena's heap is a reservation of this size,
// aligned to it (arena.c, heap_for_ptr).
constexpr std::uintptr_t thread_heap_bytes = std::uintptr_t{64} << 20;

// Before main and before any thread: the heaps grow in large steps, so that their huge pages
// lie inside the mapping, and medium allocations come from the heaps instead of fresh mmaps.
constexpr bool tune_heaps = !RTREVIEW_FRONT_DOOR_IN_PROCESS;
const bool heaps_tuned = [] {
  if (!tune_heaps) return false;
  mallopt(M_TOP_PAD, heap_growth_bytes);
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(advise_from));
  return true;
}();

// The heap range this thread has advised: allocations inside it need nothing more.
thread_local std::uintptr_t advised_begin = 0;
thread_local std::uintptr_t advised_end = 0;

// The whole huge pages inside [begin, end).
void advise_huge(std::uintptr_t begin, std::uintptr_t end) {
  const std::uintptr_t first = (begin + huge_page - 1) & ~(huge_page - 1);
  const std::uintptr_t last = end & ~(huge_page - 1);
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
}

// A heap allocation outside the advised range: advise the heap it came from.
void advise_heap_of(std::uintptr_t at) {
  const auto program_break = reinterpret_cast<std::uintptr_t>(sbrk(0));
  if (at < program_break) {  // the main heap, which ends at the break (and grows past it)
    advised_begin = at & ~(huge_page - 1);
    advised_end = program_break;
    advise_huge(advised_begin, advised_end);
    return;
  }
  advised_begin = at & ~(thread_heap_bytes - 1);
  advised_end = advised_begin + thread_heap_bytes;
  advise_huge(advised_begin, advised_end);
  // malloc wrote the heap's header before this code saw the heap, so its first huge page
  // would stay on small pages: a thread's first 2 MiB (the dictionary's threads use about
  // that much) would take up to 512 faults. Collapsing it now makes it one huge page.
  madvise(reinterpret_cast<void*>(advised_begin), huge_page, MADV_COLLAPSE);
}

void* allocate(std::size_t size) noexcept {
  if (size >= advise_from) {
    // Whole huge pages: aligned and rounded up, so no part of it is left on small pages.
    const std::size_t rounded = (size + huge_page - 1) & ~(huge_page - 1);
    void* p = std::aligned_alloc(huge_page, rounded);
    if (p) madvise(p, rounded, MADV_HUGEPAGE);
    return p;
  }
  void* p = std::malloc(size > 0 ? size : 1);
  if (p && heaps_tuned) {
    const auto at = reinterpret_cast<std::uintptr_t>(p);
    if (at < advised_begin || at >= advised_end) advise_heap_of(at);
  }
  return p;
}

void* allocate_or_throw(std::size_t size) {
  for (;;) {
    if (void* p = allocate(size)) return p;
    std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}

}  // namespace

void* operator new(std::size_t size) { return allocate_or_throw(size); }
void* operator new[](std::size_t size) { return allocate_or_throw(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return allocate_or_throw(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return allocate_or_throw(size);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
#endif
