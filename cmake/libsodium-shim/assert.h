/* libsodium shim (cmake/libsodium-shim/README): assert() checks nothing on bare metal. */
#ifndef RUMPK_SODIUM_SHIM_ASSERT_H
#define RUMPK_SODIUM_SHIM_ASSERT_H
#define assert(x) ((void)0)
#endif
