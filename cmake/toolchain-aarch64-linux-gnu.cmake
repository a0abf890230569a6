# Cross build for aarch64 Linux with Debian's toolchain (g++-aarch64-linux-gnu,
# qemu-user; `scripts/install-deps.sh arm` installs both). ctest runs the
# aarch64 test binary under qemu-user (binfmt is not mounted here):
#   cmake -S native -B native/target/cmake-aarch64 \
#         -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64-linux-gnu.cmake \
#         -DJAO_DNNL_ROOT=<unpacked org.bytedeco:dnnl linux-arm64 folder>
#   cmake --build native/target/cmake-aarch64 && JAO_ISA=i8mm ctest --test-dir native/target/cmake-aarch64
# scripts/test-arm.sh does all of this for every Arm tier.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(JAO_CROSS_TRIPLE aarch64-linux-gnu)
set(JAO_CROSS_SYSROOT /usr/${JAO_CROSS_TRIPLE} CACHE PATH "Debian's aarch64 multiarch-cross root")
set(CMAKE_C_COMPILER ${JAO_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${JAO_CROSS_TRIPLE}-g++)

# Libraries, headers and CMake packages of the target only (never the host's
# x86 ones such as /usr/lib/x86_64-linux-gnu/libgtest.a); programs from the host.
# Packages named by an explicit <Pkg>_DIR (oneDNN's dnnl_DIR) are used as given.
set(CMAKE_FIND_ROOT_PATH ${JAO_CROSS_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# qemu's -L prefix makes the guest loader find the target's libc/libstdc++;
# paths missing under the prefix fall back to the host path, so the test
# binary's RPATH to JAO_DNNL_ROOT (arm64 libdnnl.so.3 / libgomp.so.1) works as is.
# -cpu max: NEON, dotprod, i8mm, SVE/SVE2, so JAO_ISA can pick every Arm tier.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64;-cpu;max;-L;${JAO_CROSS_SYSROOT})
