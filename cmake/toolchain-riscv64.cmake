# Cross toolchain for the riscv64 bare-metal HAL: Debian's clang + ld.lld, no cross gcc,
# no libc. Everything is freestanding; memcpy & co come from src/libk.
# -mno-relax: lld 14 cannot do RISC-V linker relaxation. rv64imac: no FPU code at all.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(CMAKE_C_COMPILER clang)
set(CMAKE_ASM_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET riscv64-unknown-elf)
set(CMAKE_ASM_COMPILER_TARGET riscv64-unknown-elf)
set(CMAKE_C_FLAGS_INIT "-march=rv64imac -mabi=lp64 -mcmodel=medany -mno-relax -ffreestanding -fno-pic -fno-pie -fno-stack-protector")
set(CMAKE_ASM_FLAGS_INIT "-march=rv64imac -mabi=lp64 -mcmodel=medany -mno-relax")
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
