option(HVS_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

if(HVS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

