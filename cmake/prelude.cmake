# Refuse in-source builds: build outputs never land beside the sources.
if(CMAKE_SOURCE_DIR STREQUAL CMAKE_BINARY_DIR)
  message(FATAL_ERROR "In-source builds are not supported. Use a preset: cmake --preset dev")
endif()

find_program(HVS_CCACHE ccache)
if(HVS_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${HVS_CCACHE}" CACHE STRING "compiler launcher")
endif()
