# Cross-compiling the addon for linux-arm64 (glibc) from another Linux machine with Debian's or
# Ubuntu's aarch64 toolchain (apt-get install g++-aarch64-linux-gnu), through cmake-js:
#   npx cmake-js compile --arch arm64 --out build/arm64 \
#     --CDCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
# (npm run build:arm64 does this for the prebuilt binary). The toolchain's libstdc++ and libgomp
# (OpenMP) come from its sysroot, /usr/aarch64-linux-gnu.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(KMN_CROSS_PREFIX aarch64-linux-gnu- CACHE STRING "Prefix of the cross toolchain's programs")
set(CMAKE_C_COMPILER ${KMN_CROSS_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${KMN_CROSS_PREFIX}g++)
set(CMAKE_STRIP ${KMN_CROSS_PREFIX}strip)

set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
