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
find_program(RUMPK_OBJCOPY NAMES llvm-objcopy llvm-objcopy-14 REQUIRED)
