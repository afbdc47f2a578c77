#include <stdio.h> /* must not compile with the core flags: see src/core/CMakeLists.txt */
