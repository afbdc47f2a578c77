# Shared build rules.
#
# rumpk_warnings(target): the project's warning set (errors) for code written here.
# RUMPK_FREESTANDING_FLAGS: how the core (and everything bare-metal) is compiled. -nostdlibinc
# drops the system include directories, so a libc or POSIX header in the core fails the
# build; clang's own freestanding headers (stdint, stddef, stdarg, stdbool, stdatomic) stay.

set(RUMPK_FREESTANDING_FLAGS -ffreestanding -nostdlibinc -fno-common)

function(rumpk_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-unused-parameter
    -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla)
endfunction()

# Sanitizers (hosted-asan preset): the whole hosted build, core included.
if(RUMPK_SANITIZE)
  add_compile_options(-fsanitize=${RUMPK_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${RUMPK_SANITIZE})
endif()
