option(HVS_WERROR "Treat compiler warnings as errors" OFF)

add_library(hvs_warnings INTERFACE)
target_compile_options(hvs_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
if(HVS_WERROR)
  target_compile_options(hvs_warnings INTERFACE -Werror)
endif()
