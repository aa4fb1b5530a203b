option(HVS_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

if(HVS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# GCC 12 at -O1 reports false positives inside Asio's coroutine frame allocator and
# boost::variant2 storage; they drown real warnings in the sanitizer build.
if(HVS_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  add_compile_options(-Wno-maybe-uninitialized -Wno-mismatched-new-delete)
endif()
