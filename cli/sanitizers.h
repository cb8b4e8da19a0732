// RTREVIEW_UNDER_ASAN: 1 in a build with AddressSanitizer (GCC or clang), else 0. Such a
// build supplies its own allocator and checks for leaks at exit: the executable's allocation
// hooks (huge_pages.cpp) and its quick exit (main.cpp) stand aside there.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define RTREVIEW_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RTREVIEW_UNDER_ASAN 1
#endif
#endif
#ifndef RTREVIEW_UNDER_ASAN
#define RTREVIEW_UNDER_ASAN 0
#endif
