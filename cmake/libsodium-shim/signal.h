/* libsodium shim (cmake/libsodium-shim/README): included by sodium/utils.c, nothing used. */
