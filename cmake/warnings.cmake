option(HVS_WERROR "Treat compiler warnings as errors" OFF)

add_library(hvs_warnings INTERFACE)
target_compile_options(hvs_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
if(HVS_WERROR)
  target_compile_options(hvs_warnings INTERFACE -Werror)
endif()

# GCC 12 with optimisation reports false positives inside Asio's coroutine frame allocator and
# boost::variant2 storage (the -O1 sanitizer build and the release build); they would drown real
# warnings.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(hvs_warnings INTERFACE -Wno-maybe-uninitialized -Wno-mismatched-new-delete)
endif()

# A unity build puts several sources in one translation unit; GCC then warns about every coroutine
# frame that holds a type from a source's anonymous namespace, which is harmless there.
if(CMAKE_UNITY_BUILD AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(hvs_warnings INTERFACE -Wno-subobject-linkage)
endif()
