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
// Faults fell from 5.8 K to 0.4-0.8 K and the large `dvh` ran about 30 % faster (README,
// speed). The heaps' part is the command-line program's only: a server (the front door, built
// with RTREVIEW_FRONT_DOOR_IN_PROCESS) runs for days, and there malloc keeps its defaults,
// which give freed memory back to the system instead of keeping 32 MiB per heap.
// What malloc wrote before this code saw a heap stays on small pages, except a thread heap's
// first 2 MiB, which is collapsed into a huge page (advise_heap_of). Each heap is advised once
// per process. Nothing is advised when /sys/kernel/mm/transparent_hugepage/enabled is "never"
// (or unreadable), and malloc is left as it is when the user sets its tunables
// (GLIBC_TUNABLES glibc.malloc.*, MALLOC_TOP_PAD_, MALLOC_MMAP_THRESHOLD_). Memory still
// comes from malloc and goes back to free; where the advice is refused pages are simply
// small. Replacing the global operator new in the executable covers DCMTK's allocations too
// (the dynamic linker binds the shared libraries' operator new to the executable's); C
// libraries' malloc (cairo, pango) lands in the same advised heaps. Only with glibc on 64-bit
// Linux (the heap layout above is glibc's); left out under AddressSanitizer, which supplies its
// own allocator.
#include <cstdint>  // UINTPTR_MAX, and __GLIBC__ through the C library's headers

#include "sanitizers.h"

#if defined(__linux__) && defined(__GLIBC__) && !RTREVIEW_UNDER_ASAN && UINTPTR_MAX > 0xFFFFFFFFu
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25  // Linux 6.1; glibc 2.36's headers lack it. Older kernels: EINVAL, ignored.
#endif

extern char end;  // the linker's end of the executable's data: the main heap lies above it

namespace {

constexpr std::uintptr_t huge_page = std::uintptr_t{2} << 20;
constexpr std::size_t advise_from = std::size_t{4} << 20;  // also malloc's mmap threshold
constexpr int heap_growth_bytes = 32 << 20;
// glibc's HEAP_MAX_SIZE on 64-bit: a thread arena's heap is a reservation of this size,
// aligned to it (arena.c, heap_for_ptr).
constexpr std::uintptr_t thread_heap_bytes = std::uintptr_t{64} << 20;

// Transparent huge pages switched off by the administrator ("never"): nothing is advised or
// collapsed (MADV_COLLAPSE would otherwise make huge pages even then).
bool huge_pages_allowed() {
  std::FILE* f = std::fopen("/sys/kernel/mm/transparent_hugepage/enabled", "re");
  if (!f) return false;
  char line[128] = {};
  const bool read = std::fgets(line, sizeof line, f) != nullptr;
  std::fclose(f);
  return read && std::strstr(line, "[never]") == nullptr;
}

// A user's own malloc settings (environment) are left as they are.
bool user_tunes_malloc() {
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  return std::getenv("MALLOC_TOP_PAD_") || std::getenv("MALLOC_MMAP_THRESHOLD_") ||
         (tunables && std::strstr(tunables, "glibc.malloc."));
}

const bool huge_pages = huge_pages_allowed();

// Before main and before any thread: the heaps grow in large steps, so that their huge pages
// lie inside the mapping, and medium allocations come from the heaps instead of fresh mmaps.
const bool heaps_tuned = [] {
  if (RTREVIEW_FRONT_DOOR_IN_PROCESS || !huge_pages || user_tunes_malloc()) return false;
  mallopt(M_TOP_PAD, heap_growth_bytes);
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(advise_from));
  return true;
}();

// What the process has advised, shared by its threads: the main heap up to an address, and
// the thread heaps by their base (glibc makes at most 8 per core; a full table only means a
// heap may be advised twice).
std::atomic<std::uintptr_t> main_heap_advised_end{0};
std::array<std::atomic<std::uintptr_t>, 64> thread_heaps_advised{};

// This thread's last heaps of each kind, so that an allocation in either needs no lookup
// (a thread frees into and allocates from another thread's heap too: glibc's tcache).
thread_local std::uintptr_t known_main_end = 0;
thread_local std::uintptr_t known_thread_heap = 0;

// The whole huge pages inside [begin, limit).
void advise_huge(std::uintptr_t begin, std::uintptr_t limit) {
  const std::uintptr_t first = (begin + huge_page - 1) & ~(huge_page - 1);
  const std::uintptr_t last = limit & ~(huge_page - 1);
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
}

// True for the thread that records `base` first (it advises the heap), false if recorded.
bool record_thread_heap(std::uintptr_t base) {
  for (auto& slot : thread_heaps_advised) {
    std::uintptr_t seen = slot.load(std::memory_order_acquire);
    if (seen == base) return false;
    if (seen == 0) {
      if (slot.compare_exchange_strong(seen, base, std::memory_order_acq_rel)) return true;
      if (seen == base) return false;
    }
  }
  return true;
}

// A heap allocation at `at` outside this thread's known heaps: advise the heap it came from,
// unless another thread has.
void advise_heap_of(std::uintptr_t at) {
  const auto data_end = reinterpret_cast<std::uintptr_t>(&end);
  const auto program_break = reinterpret_cast<std::uintptr_t>(sbrk(0));
  if (at >= data_end && at < program_break) {  // the main heap, up to the break (it grows)
    std::uintptr_t advised = main_heap_advised_end.load(std::memory_order_acquire);
    if (at >= advised) {
      // Never below the executable's end: its own pages are not the heap's. (The heap starts
      // a random distance above it: madvise then reports the gap, ENOMEM, and advises the rest.)
      advise_huge(std::max(data_end, at & ~(huge_page - 1)), program_break);
      while (advised < program_break && !main_heap_advised_end.compare_exchange_weak(
                                            advised, program_break, std::memory_order_acq_rel)) {
      }
      advised = std::max(advised, program_break);
    }
    known_main_end = advised;
    return;
  }
  const std::uintptr_t base = at & ~(thread_heap_bytes - 1);
  known_thread_heap = base;
  if (!record_thread_heap(base)) return;
  advise_huge(base, base + thread_heap_bytes);
  // malloc wrote the heap's header before this code saw the heap, so its first huge page
  // would stay on small pages: a thread's first 2 MiB (the dictionary's threads use about
  // that much) would take up to 512 faults. Collapsing it now makes it one huge page.
  madvise(reinterpret_cast<void*>(base), huge_page, MADV_COLLAPSE);
}

bool in_known_heap(std::uintptr_t at) {
  return (known_thread_heap != 0 && at - known_thread_heap < thread_heap_bytes) ||
         (at < known_main_end && at >= reinterpret_cast<std::uintptr_t>(&end));
}

void* allocate(std::size_t size) noexcept {
  if (size >= advise_from && huge_pages) {
    // Whole huge pages: aligned and rounded up, so no part of it is left on small pages.
    if (size > SIZE_MAX - (huge_page - 1)) return nullptr;
    const std::size_t rounded = (size + huge_page - 1) & ~(huge_page - 1);
    void* p = std::aligned_alloc(huge_page, rounded);
    if (p) madvise(p, rounded, MADV_HUGEPAGE);
    return p;
  }
  void* p = std::malloc(size > 0 ? size : 1);
  if (p && heaps_tuned) {
    const auto at = reinterpret_cast<std::uintptr_t>(p);
    if (!in_known_heap(at)) advise_heap_of(at);
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
