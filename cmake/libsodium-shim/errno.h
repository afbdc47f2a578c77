/* libsodium shim (cmake/libsodium-shim/README): names sodium/utils.c uses in functions the
 * kernel never calls (sodium_mlock & co). errno itself is never defined. */
#ifndef RUMPK_SODIUM_SHIM_ERRNO_H
#define RUMPK_SODIUM_SHIM_ERRNO_H
extern int errno;
#define ENXIO 6
#define ENOMEM 12
#define EINVAL 22
#define ENOSYS 38
#endif
