// Large C++ allocations of the rtreview executable on transparent huge pages.
//
// A dose grid is held twice while it is read (DCMTK's pixel buffer, the model's floats: 16 MB
// each for the large bench case) and every 4 KiB page of a fresh allocation costs a page
// fault when first written; on the virtual machines CI runs on a fault costs about 3 µs, and
// faults were a fifth of `rtreview dvh`'s CPU time. Advising allocations of 4 MiB and more as
// MADV_HUGEPAGE (honoured when /sys/kernel/mm/transparent_hugepage/enabled is "madvise" or
// "always") maps them 2 MiB at a time. Memory comes from malloc and goes back to free as
// before; only the advice is added, so nothing else changes. Replacing the global operator
// new in the executable covers DCMTK's allocations too (the dynamic linker binds the shared
// libraries' operator new to the executable's). Left out under the sanitizers, which supply
// their own operator new.
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
#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <new>

namespace {

constexpr std::size_t huge_page = std::size_t{2} << 20;
constexpr std::size_t advise_from = std::size_t{4} << 20;  // holds at least one aligned huge page

// The whole huge pages inside [p, p + size): advised before anything touches them.
void advise_huge(void* p, std::size_t size) {
  const auto begin = reinterpret_cast<std::uintptr_t>(p);
  const std::uintptr_t first = (begin + huge_page - 1) & ~(huge_page - 1);
  const std::uintptr_t last = (begin + size) & ~(huge_page - 1);
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
}

void* allocate(std::size_t size) noexcept {
  void* p = std::malloc(size > 0 ? size : 1);
  if (p && size >= advise_from) advise_huge(p, size);
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
