/*
 * rumpk-sign — the host side of "only signed code executes".
 *
 *   rumpk-sign keygen [--if-missing | --force] DIR   DIR/signing.key + DIR/signing.pub
 *   rumpk-sign sign [--resign] KEY IN OUT            OUT = IN + signature trailer
 *   rumpk-sign verify PUB FILE                       check FILE's trailer and signature
 *   rumpk-sign pubkey KEY OUT                        the public key of a secret key
 *   rumpk-sign pubkey-c PUB... OUT.c                 the kernel's trusted-key table as C
 *   rumpk-sign keyid PUB|KEY                         print a key's id
 *
 * Files: a secret key is libsodium's 64-byte Ed25519 secret key (32-byte seed, then the
 * 32-byte public key), mode 0600; a public key is the 32 raw bytes. The trailer is
 * struct rumpk_sig_trailer (rumpk/abi.h), serialised little-endian field by field at the
 * offsets the header asserts, so the tool does not depend on the host's byte order.
 * Every file is written atomically (a temporary in the same directory, fsync, rename), and
 * not at all when it already holds the same bytes (so the build's restat sees no change);
 * keygen creates the secret key with link(), which fails if another keygen got there
 * first, so concurrent builds agree on one key pair.
 *
 * All cryptography is libsodium's (Ed25519 signing and verification, SHA-512, the RNG).
 * Exit status: 0 success, 1 failure (with "rumpk-sign: FILE: reason" on stderr), 2 usage.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rumpk/abi.h"

#define TRAILER_BYTES sizeof(struct rumpk_sig_trailer)
#define SK_BYTES crypto_sign_ed25519_SECRETKEYBYTES
#define PK_BYTES crypto_sign_ed25519_PUBLICKEYBYTES
#define SIGN_MAX_INPUT (1ull << 30) /* 1 GiB: far beyond any program, small enough to read whole */

_Static_assert(PK_BYTES == RUMPK_SIG_PUBKEY_BYTES, "Ed25519 public key size");
_Static_assert(crypto_sign_ed25519_BYTES == RUMPK_SIG_BYTES, "Ed25519 signature size");
_Static_assert(SK_BYTES == 64, "libsodium secret key: seed + public key");

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;
	fputs("rumpk-sign: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static void hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void key_id(const uint8_t pk[PK_BYTES], uint8_t id[RUMPK_SIG_KEY_ID_BYTES])
{
	uint8_t h[crypto_hash_sha512_BYTES];
	crypto_hash_sha512(h, pk, PK_BYTES);
	memcpy(id, h, RUMPK_SIG_KEY_ID_BYTES);
}

static const char *key_id_hex(const uint8_t id[RUMPK_SIG_KEY_ID_BYTES])
{
	static char buf[4][2 * RUMPK_SIG_KEY_ID_BYTES + 1];
	static int next;
	char *b = buf[next++ % 4];
	hex(id, RUMPK_SIG_KEY_ID_BYTES, b);
	return b;
}

/* ---- files ----------------------------------------------------------------------------- */

/* Reads a whole regular file (at most max bytes) into a malloc'd buffer. */
static int read_file(const char *path, uint8_t **out, size_t *len, uint64_t max)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail("%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return fail("%s: %lld bytes, more than the %llu this command accepts", path,
			    (long long)st.st_size, (unsigned long long)max);
	}
	size_t n = (size_t)st.st_size, got = 0;
	uint8_t *buf = malloc(n ? n : 1);
	if (!buf) {
		close(fd);
		return fail("%s: out of memory", path);
	}
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int e = r < 0 ? errno : 0;
			close(fd);
			free(buf);
			return fail("%s: cannot read: %s", path, e ? strerror(e) : "file shrank");
		}
		got += (size_t)r;
	}
	close(fd);
	*out = buf;
	*len = n;
	return 0;
}

static void fsync_dir_of(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return;
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(copy);
}

/* A new temporary file beside `path` (same directory, so rename/link stay atomic). */
static int make_temp(const char *path, char **tmp_out)
{
	size_t n = strlen(path) + sizeof(".tmp.XXXXXX");
	char *tmp = malloc(n);
	if (!tmp)
		return -1;
	snprintf(tmp, n, "%s.tmp.XXXXXX", path);
	int fd = mkstemp(tmp); /* mode 0600 */
	if (fd < 0) {
		free(tmp);
		return -1;
	}
	*tmp_out = tmp;
	return fd;
}

static int write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/*
 * Writes path atomically with the given mode. exclusive: never replace an existing file
 * (link(2) instead of rename(2)); returns 0, 1 on failure (reported), or -EEXIST (not
 * reported) when exclusive and the file exists.
 */
static int write_atomic(const char *path, const void *data, size_t len, mode_t mode,
			int exclusive)
{
	char *tmp = NULL;
	int fd = make_temp(path, &tmp);
	if (fd < 0)
		return fail("%s: cannot create a temporary file beside it: %s", path,
			    strerror(errno));
	int ok = fchmod(fd, mode) == 0 && write_all(fd, data, len) == 0 && fsync(fd) == 0;
	int e = errno;
	ok = close(fd) == 0 && ok;
	if (!ok) {
		unlink(tmp);
		free(tmp);
		return fail("%s: cannot write: %s", path, strerror(e));
	}
	int r = exclusive ? link(tmp, path) : rename(tmp, path);
	e = errno;
	if (exclusive || r != 0)
		unlink(tmp);
	free(tmp);
	if (r != 0) {
		if (exclusive && e == EEXIST)
			return -EEXIST;
		return fail("%s: cannot %s it into place: %s", path,
			    exclusive ? "link" : "rename", strerror(e));
	}
	fsync_dir_of(path);
	return 0;
}

/* 1 if path is a regular file holding exactly data[0..len): rewriting it would change
 * nothing but its timestamp, which would make the build redo everything downstream. */
static int same_content(const char *path, const void *data, size_t len)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != len)
		return 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	const uint8_t *p = data;
	uint8_t buf[65536];
	int same = 1;
	while (same && len) {
		size_t want = len < sizeof(buf) ? len : sizeof(buf);
		same = fread(buf, 1, want, f) == want && memcmp(buf, p, want) == 0;
		p += want;
		len -= want;
	}
	fclose(f);
	return same;
}

/* ---- keys ------------------------------------------------------------------------------ */

/* A secret key file: 64 bytes whose second half is the public key of its first half. */
static int load_secret(const char *path, uint8_t sk[SK_BYTES], uint8_t pk[PK_BYTES])
{
	uint8_t *buf, check_pk[PK_BYTES], check_sk[SK_BYTES];
	size_t len;
	struct stat st;

	if (read_file(path, &buf, &len, 4096))
		return 1;
	if (len != SK_BYTES) {
		free(buf);
		return fail("%s: not a rumpk-sign secret key (%zu bytes, expected %u)%s", path, len,
			    (unsigned)SK_BYTES,
			    len == PK_BYTES ? ": this looks like a public key (.pub)" : "");
	}
	memcpy(sk, buf, SK_BYTES);
	sodium_memzero(buf, len);
	free(buf);
	crypto_sign_seed_keypair(check_pk, check_sk, sk);
	int same = sodium_memcmp(check_pk, sk + 32, PK_BYTES) == 0;
	sodium_memzero(check_sk, sizeof(check_sk));
	if (!same) {
		sodium_memzero(sk, SK_BYTES);
		return fail("%s: corrupt secret key (its public half does not belong to its seed)",
			    path);
	}
	memcpy(pk, check_pk, PK_BYTES);
	if (stat(path, &st) == 0 && (st.st_mode & 077))
		fprintf(stderr, "rumpk-sign: warning: %s is accessible to group or others (mode "
			"%03o): chmod 600 it\n", path, (unsigned)(st.st_mode & 0777));
	return 0;
}

static int load_public(const char *path, uint8_t pk[PK_BYTES])
{
	uint8_t *buf;
	size_t len;

	if (read_file(path, &buf, &len, 4096))
		return 1;
	if (len != PK_BYTES) {
		free(buf);
		return fail("%s: not a rumpk-sign public key (%zu bytes, expected %u)%s", path, len,
			    (unsigned)PK_BYTES,
			    len == SK_BYTES ? ": this looks like a SECRET key; give the .pub" : "");
	}
	memcpy(pk, buf, PK_BYTES);
	free(buf);
	return 0;
}

/* ---- the trailer ----------------------------------------------------------------------- */

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v = 0;
	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

#define OFF(f) offsetof(struct rumpk_sig_trailer, f)

static int has_magic(const uint8_t *file, size_t len)
{
	return len >= TRAILER_BYTES &&
	       memcmp(file + len - TRAILER_BYTES + OFF(magic), RUMPK_SIG_MAGIC, 8) == 0;
}

/* ---- commands -------------------------------------------------------------------------- */

struct command {
	const char *name;
	const char *args;
	const char *help;
	int (*run)(int argc, char **argv);
};

static const struct command *find_command(const char *name);

static int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(const char *cmd, const char *fmt, ...)
{
	const struct command *c = find_command(cmd);
	va_list ap;
	fputs("rumpk-sign: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: rumpk-sign %s %s   (rumpk-sign %s --help)\n", cmd,
		c ? c->args : "", cmd);
	return 2;
}

static int cmd_keygen(int argc, char **argv)
{
	int if_missing = 0, force = 0;
	const char *dir = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--if-missing") == 0)
			if_missing = 1;
		else if (strcmp(argv[i], "--force") == 0)
			force = 1;
		else if (argv[i][0] == '-')
			return usage_error("keygen", "unknown option %s", argv[i]);
		else if (!dir)
			dir = argv[i];
		else
			return usage_error("keygen", "one DIR only");
	}
	if (!dir)
		return usage_error("keygen", "need a DIR");
	if (if_missing && force)
		return usage_error("keygen", "--if-missing and --force contradict each other");
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return fail("%s: cannot create the directory: %s", dir, strerror(errno));

	size_t n = strlen(dir) + sizeof("/signing.key");
	char *key = malloc(n), *pub = malloc(n);
	if (!key || !pub)
		return fail("out of memory");
	snprintf(key, n, "%s/signing.key", dir);
	snprintf(pub, n, "%s/signing.pub", dir);

	uint8_t sk[SK_BYTES], pk[PK_BYTES], disk_pk[PK_BYTES];
	int created = 0, rc = 1;
	if (access(key, F_OK) != 0 || force) {
		crypto_sign_keypair(pk, sk);
		int r = write_atomic(key, sk, SK_BYTES, 0600, !force);
		sodium_memzero(sk, sizeof(sk));
		if (r > 0)
			goto out;
		created = r == 0; /* -EEXIST: a concurrent keygen won; use its key */
	}
	uint8_t id[RUMPK_SIG_KEY_ID_BYTES];
	if (!created && !if_missing && !force) {
		if (load_secret(key, sk, pk) == 0) {
			key_id(pk, id);
			fail("%s already exists (key id %s); keep it (keygen --if-missing), or "
			     "replace it with keygen --force (programs signed with it will no "
			     "longer verify on kernels built with the new key)", key,
			     key_id_hex(id));
		}
		goto out;
	}
	/* The public key always derives from the secret key actually on disk. */
	if (load_secret(key, sk, pk))
		goto out;
	sodium_memzero(sk, sizeof(sk));
	if (!created && !force && access(pub, F_OK) == 0) {
		if (load_public(pub, disk_pk))
			goto out;
		if (memcmp(disk_pk, pk, PK_BYTES) != 0) {
			fail("%s does not belong to %s; delete it and run keygen --if-missing "
			     "again to have it rewritten", pub, key);
			goto out;
		}
		rc = 0; /* both there and matching: nothing to do */
		goto out;
	}
	if (write_atomic(pub, pk, PK_BYTES, 0644, 0) != 0)
		goto out;
	key_id(pk, id);
	if (created)
		printf("rumpk-sign: new key pair (key id %s): %s (secret, keep it private), %s\n",
		       key_id_hex(id), key, pub);
	rc = 0;
out:
	sodium_memzero(sk, sizeof(sk));
	free(key);
	free(pub);
	return rc;
}

static int cmd_sign(int argc, char **argv)
{
	int resign = 0;
	const char *pos[3];
	int npos = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--resign") == 0)
			resign = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return usage_error("sign", "unknown option %s", argv[i]);
		else if (npos < 3)
			pos[npos++] = argv[i];
		else
			return usage_error("sign", "too many arguments");
	}
	if (npos != 3)
		return usage_error("sign", "need KEY, IN and OUT");
	const char *keyf = pos[0], *in = pos[1], *out = pos[2];

	uint8_t sk[SK_BYTES], pk[PK_BYTES], id[RUMPK_SIG_KEY_ID_BYTES];
	if (load_secret(keyf, sk, pk))
		return 1;
	key_id(pk, id);

	uint8_t *file;
	size_t len;
	if (read_file(in, &file, &len, SIGN_MAX_INPUT - TRAILER_BYTES)) {
		sodium_memzero(sk, sizeof(sk));
		return 1;
	}
	if (has_magic(file, len)) {
		const uint8_t *t = file + len - TRAILER_BYTES;
		uint64_t ssize = get64(t + OFF(signed_size));
		int rc = 0;
		if (!resign)
			rc = fail("%s: already signed (key id %s, %llu bytes signed); use sign "
				  "--resign to replace its signature", in,
				  key_id_hex(t + OFF(key_id)), (unsigned long long)ssize);
		else if (ssize != len - TRAILER_BYTES)
			rc = fail("%s: ends with a signature trailer covering %llu bytes, but %zu "
				  "precede it; refusing to guess what to re-sign", in,
				  (unsigned long long)ssize, len - TRAILER_BYTES);
		if (rc) {
			sodium_memzero(sk, sizeof(sk));
			free(file);
			return rc;
		}
		len -= TRAILER_BYTES; /* --resign: sign the payload again */
	}

	uint8_t *signed_file = realloc(file, len + TRAILER_BYTES);
	if (!signed_file) {
		sodium_memzero(sk, sizeof(sk));
		free(file);
		return fail("%s: out of memory", in);
	}
	file = signed_file;
	uint8_t *t = file + len;
	memset(t, 0, TRAILER_BYTES);
	memcpy(t + OFF(magic), RUMPK_SIG_MAGIC, 8);
	put32(t + OFF(version), RUMPK_SIG_VERSION);
	put32(t + OFF(reserved0), 0);
	put64(t + OFF(signed_size), len);
	memcpy(t + OFF(key_id), id, RUMPK_SIG_KEY_ID_BYTES);
	crypto_sign_ed25519_detached(t + OFF(signature), NULL, file, len, sk);
	sodium_memzero(sk, sizeof(sk));
	/* A key file that passed its own check could still be mis-read: prove the result. */
	if (crypto_sign_ed25519_verify_detached(t + OFF(signature), file, len, pk) != 0) {
		free(file);
		return fail("%s: the signature just made does not verify; not writing %s", keyf,
			    out);
	}

	struct stat st;
	mode_t mode = stat(in, &st) == 0 ? (st.st_mode & 0777) : 0644;
	int rc = 0;
	if (same_content(out, file, len + TRAILER_BYTES))
		rc = chmod(out, mode) != 0 ? fail("%s: cannot chmod: %s", out, strerror(errno)) : 0;
	else
		rc = write_atomic(out, file, len + TRAILER_BYTES, mode, 0);
	free(file);
	return rc ? 1 : 0;
}

static int cmd_verify(int argc, char **argv)
{
	if (argc != 3 || argv[1][0] == '-' || argv[2][0] == '-')
		return usage_error("verify", "need PUB and FILE");
	const char *pubf = argv[1], *path = argv[2];
	uint8_t pk[PK_BYTES], id[RUMPK_SIG_KEY_ID_BYTES], *file;
	size_t len;

	if (load_public(pubf, pk))
		return 1;
	key_id(pk, id);
	if (read_file(path, &file, &len, SIGN_MAX_INPUT))
		return 1;
	int rc = 1;
	const uint8_t *t = file + len - (len >= TRAILER_BYTES ? TRAILER_BYTES : len);
	uint32_t version = len >= TRAILER_BYTES ? get32(t + OFF(version)) : 0;
	uint64_t ssize = len >= TRAILER_BYTES ? get64(t + OFF(signed_size)) : 0;
	if (len < TRAILER_BYTES)
		fail("%s: not signed: %zu bytes, shorter than a signature trailer (%zu)", path, len,
		     TRAILER_BYTES);
	else if (!has_magic(file, len))
		fail("%s: not signed (no signature trailer at its end)", path);
	else if (version != RUMPK_SIG_VERSION)
		fail("%s: signature trailer version %u, this tool knows version %u", path, version,
		     RUMPK_SIG_VERSION);
	else if (get32(t + OFF(reserved0)) != 0)
		fail("%s: malformed signature trailer (reserved field is not zero)", path);
	else if (ssize != len - TRAILER_BYTES)
		fail("%s: signature trailer covers %llu bytes but %zu precede it (the file was cut "
		     "or appended to)", path, (unsigned long long)ssize, len - TRAILER_BYTES);
	else if (memcmp(t + OFF(key_id), id, RUMPK_SIG_KEY_ID_BYTES) != 0)
		fail("%s: signed by key id %s, not by %s (key id %s)", path,
		     key_id_hex(t + OFF(key_id)), pubf, key_id_hex(id));
	else if (crypto_sign_ed25519_verify_detached(t + OFF(signature), file, ssize, pk) != 0)
		fail("%s: bad signature (key id %s): the file was changed after signing", path,
		     key_id_hex(id));
	else {
		printf("%s: good signature by %s (key id %s), %llu bytes signed\n", path, pubf,
		       key_id_hex(id), (unsigned long long)ssize);
		rc = 0;
	}
	free(file);
	return rc;
}

static int cmd_pubkey(int argc, char **argv)
{
	if (argc != 3 || argv[1][0] == '-' || argv[2][0] == '-')
		return usage_error("pubkey", "need KEY and OUT");
	uint8_t sk[SK_BYTES], pk[PK_BYTES];
	if (load_secret(argv[1], sk, pk))
		return 1;
	sodium_memzero(sk, sizeof(sk));
	if (same_content(argv[2], pk, PK_BYTES))
		return 0;
	return write_atomic(argv[2], pk, PK_BYTES, 0644, 0) ? 1 : 0;
}

static int cmd_keyid(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-')
		return usage_error("keyid", "need one key file");
	uint8_t sk[SK_BYTES], pk[PK_BYTES], id[RUMPK_SIG_KEY_ID_BYTES];
	struct stat st;
	if (stat(argv[1], &st) == 0 && st.st_size == SK_BYTES) {
		if (load_secret(argv[1], sk, pk))
			return 1;
		sodium_memzero(sk, sizeof(sk));
	} else if (load_public(argv[1], pk)) {
		return 1;
	}
	key_id(pk, id);
	printf("%s\n", key_id_hex(id));
	return 0;
}

/* A C string literal's safe spelling of a file name (letters, digits, . _ - / kept). */
static void c_name(const char *path, char *out, size_t n)
{
	char *copy = strdup(path);
	const char *base = copy ? basename(copy) : "key";
	size_t i = 0;
	for (; base[i] && i + 1 < n; i++) {
		char c = base[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
		out[i] = ok ? c : '_';
	}
	out[i] = '\0';
	free(copy);
}

static int cmd_pubkey_c(int argc, char **argv)
{
	if (argc < 3)
		return usage_error("pubkey-c", "need at least one PUB and the OUT.c");
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-')
			return usage_error("pubkey-c", "unknown option %s", argv[i]);
	const char *out = argv[argc - 1];
	int nkeys = argc - 2;
	uint8_t (*pks)[PK_BYTES] = calloc((size_t)nkeys, PK_BYTES);
	uint8_t (*ids)[RUMPK_SIG_KEY_ID_BYTES] = calloc((size_t)nkeys, RUMPK_SIG_KEY_ID_BYTES);
	size_t cap = 4096 + (size_t)nkeys * 1024, used = 0;
	char *text = malloc(cap);
	int n = 0, rc = 1;
	if (!pks || !ids || !text) {
		fail("out of memory");
		goto out;
	}
#define EMIT(...) used += (size_t)snprintf(text + used, cap - used, __VA_ARGS__)
	EMIT("/* Generated by rumpk-sign pubkey-c: the public keys this kernel trusts. "
	     "Do not edit.\n * Each id is the first %d bytes of SHA-512 of its key "
	     "(checked by the crypto stage). */\n#include <stdint.h>\n\n#include \"sign.h\"\n\n"
	     "static const struct sign_key keys[] = {\n", RUMPK_SIG_KEY_ID_BYTES);
	for (int i = 1; i <= nkeys; i++) {
		uint8_t pk[PK_BYTES], id[RUMPK_SIG_KEY_ID_BYTES];
		char name[64];
		int dup = 0;
		if (load_public(argv[i], pk))
			goto out;
		key_id(pk, id);
		for (int j = 0; j < n; j++) {
			if (memcmp(ids[j], id, sizeof(id)) != 0)
				continue;
			if (memcmp(pks[j], pk, PK_BYTES) != 0) {
				fail("%s: key id %s is also the id of another key given; "
				     "refusing an ambiguous table", argv[i], key_id_hex(id));
				goto out;
			}
			dup = 1; /* the same key twice (e.g. also in RUMPK_TRUSTED_KEYS): once */
		}
		if (dup)
			continue;
		memcpy(pks[n], pk, PK_BYTES);
		memcpy(ids[n], id, sizeof(id));
		n++;
		c_name(argv[i], name, sizeof(name));
		EMIT("\t{ /* key id %s */\n\t\t.id = {", key_id_hex(id));
		for (int b = 0; b < RUMPK_SIG_KEY_ID_BYTES; b++)
			EMIT(" 0x%02x,", id[b]);
		EMIT(" },\n\t\t.pk = {");
		for (unsigned b = 0; b < PK_BYTES; b++)
			EMIT("%s0x%02x,", b % 8 ? " " : "\n\t\t\t", pk[b]);
		EMIT("\n\t\t},\n\t\t.name = \"%s\",\n\t},\n", name);
	}
	EMIT("};\n\nconst struct sign_keyring sign_trusted_keys = { keys, %d };\n", n);
#undef EMIT

	/* Rewrite only on change: an unchanged key must not relink every kernel. */
	rc = same_content(out, text, used) ? 0 : write_atomic(out, text, used, 0644, 0) ? 1 : 0;
out:
	free(pks);
	free(ids);
	free(text);
	return rc;
}

static const struct command commands[] = {
	{ "keygen", "[--if-missing | --force] DIR",
	  "Makes a new Ed25519 key pair: DIR/signing.key (secret, mode 0600: libsodium's\n"
	  "64-byte secret key) and DIR/signing.pub (the 32-byte public key). DIR is created\n"
	  "if missing. Refuses to replace an existing DIR/signing.key unless --force (programs\n"
	  "signed with the old key stop verifying on kernels built with the new one).\n"
	  "--if-missing: keep an existing key (writing signing.pub from it if that is\n"
	  "missing) and succeed; what the build uses. Both files are written atomically; two\n"
	  "concurrent keygens agree on one key.",
	  cmd_keygen },
	{ "sign", "[--resign] KEY IN OUT",
	  "Writes OUT = IN followed by the 96-byte signature trailer of rumpk/abi.h: magic\n"
	  "RUMPKSIG, version 1, signed size, key id (first 8 bytes of SHA-512 of the public key)\n"
	  "and the Ed25519 signature over every byte of IN. KEY is a secret key from keygen.\n"
	  "Refuses an IN that already ends with a signature trailer; --resign replaces that\n"
	  "trailer instead. OUT keeps IN's permission bits and may be IN itself.",
	  cmd_sign },
	{ "verify", "PUB FILE",
	  "Checks FILE's trailer (magic, version, reserved field, size, key id) and its Ed25519\n"
	  "signature against the public key PUB, as the kernel does. Exit status 0 and a line\n"
	  "on stdout if good; 1 and the reason on stderr if not.",
	  cmd_verify },
	{ "pubkey", "KEY OUT",
	  "Writes the public key (32 bytes) of the secret key KEY to OUT.", cmd_pubkey },
	{ "pubkey-c", "PUB... OUT.c",
	  "Writes the kernel's trusted-key table (const struct sign_keyring sign_trusted_keys,\n"
	  "src/core/sign.h) as C holding the given public keys, each with its key id. The same\n"
	  "key given twice appears once. OUT.c is rewritten only if its content changes.",
	  cmd_pubkey_c },
	{ "keyid", "PUB|KEY",
	  "Prints the key id (16 hex digits) of a public or secret key: the id the kernel\n"
	  "prints in \"not signed by a trusted key (key id ...)\".",
	  cmd_keyid },
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: rumpk-sign COMMAND ARGS...   (rumpk-sign COMMAND --help for details)\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  rumpk-sign %s %s\n", commands[i].name, commands[i].args);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		const struct command *c = argc > 2 ? find_command(argv[2]) : NULL;
		if (c)
			printf("usage: rumpk-sign %s %s\n\n%s\n", c->name, c->args, c->help);
		else
			usage(stdout);
		return 0;
	}
	const struct command *c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "rumpk-sign: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: rumpk-sign %s %s\n\n%s\n", c->name, c->args, c->help);
			return 0;
		}
	}
	if (sodium_init() < 0)
		return fail("libsodium failed to initialise");
	return c->run(argc - 1, argv + 1);
}
