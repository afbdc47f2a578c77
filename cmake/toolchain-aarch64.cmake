# Cross toolchain for the aarch64 bare-metal HAL: Debian's clang + ld.lld, no cross gcc,
# no libc. Everything is freestanding; memcpy & co come from src/libk.
# -mgeneral-regs-only: kernel code never touches FP/SIMD registers, so traps need not save them.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER clang)
set(CMAKE_ASM_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET aarch64-none-elf)
set(CMAKE_ASM_COMPILER_TARGET aarch64-none-elf)
set(CMAKE_C_FLAGS_INIT "-mcpu=cortex-a72 -mgeneral-regs-only -ffreestanding -fno-pic -fno-pie -fno-stack-protector")
set(CMAKE_ASM_FLAGS_INIT "-mcpu=cortex-a72 -mgeneral-regs-only")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -static -fuse-ld=lld -Wl,--no-undefined -Wl,--gc-sections")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
# -Os, not CMake's -O2: under QEMU's TCG every instruction the boot runs for the first time
# is translated (~1 us each here), and the boot runs most of its code only once. -Os halves
# what the crypto stage translates (libsodium's unrolled field arithmetic) and takes ~40%
# off the whole boot's (docs/performance.md, "Boot"). Cache entries, not *_INIT (CMake
# appends its -O2 to those); a -D on the command line still wins, and a tree configured
# before this keeps its old value (the HAL's CMakeLists.txt warns).
set(CMAKE_C_FLAGS_RELWITHDEBINFO "-Os -g -DNDEBUG" CACHE STRING "")
set(CMAKE_C_FLAGS_RELEASE "-Os -DNDEBUG" CACHE STRING "")
find_program(RUMPK_OBJCOPY NAMES llvm-objcopy llvm-objcopy-14 REQUIRED)
