/*
 * exec.c — from "a file in the initrd" to "an image that may run".
 *
 * Order is the security argument: the file is copied whole into kernel memory first (so
 * what is checked is what is used), the Ed25519 signature over the copy is verified with
 * the kernel's built-in keys (sign.c), and only then is any ELF byte parsed (elf.c) and,
 * where the HAL has address spaces, mapped (loader.c). Every refusal names the file and the
 * reason, and costs nothing but the copy, which is freed.
 */
#include "exec.h"

#include "kprintf.h"
#include "kutil.h"
#include "loader.h"
#include "mem.h"
#include "param.h"
#include "sodium.h"
#include "vfs.h"

int exec_check(const uint8_t *copy, size_t len, struct exec_verdict *v, char *why, size_t whylen)
{
	kmemset(v, 0, sizeof(*v));
	int err = sign_verify(copy, len, &sign_trusted_keys, &v->sign);
	if (err) {
		v->refused = EXEC_REFUSED_SIGN;
		if (why)
			sign_describe(&v->sign, why, whylen);
		return err;
	}
	v->elf_size = (size_t)v->sign.signed_size;
	err = elf_validate(copy, v->elf_size, &v->elf);
	if (err) {
		v->refused = EXEC_REFUSED_ELF;
		if (why)
			elf_describe(&v->elf, why, whylen);
		return err;
	}
	return 0;
}

/* Accepted files by the SHA-512 of their exact bytes: the key is what was verified, so a
 * hit is the same bytes the signature check passed (docs/security.md). */
static struct {
	uint8_t key[64];
	uint64_t len;
	uint64_t age;
	struct sign_result sign;
	int used;
} cache[EXEC_CACHE_ENTRIES];
static uint64_t cache_clock;
static struct exec_cache_stats cache_st;

int exec_check_cached(const uint8_t *copy, size_t len, struct exec_verdict *v, char *why,
		      size_t whylen)
{
	uint8_t key[64];
	int slot = 0;

	crypto_hash_sha512(key, copy, len);
	for (int i = 0; i < EXEC_CACHE_ENTRIES; i++) {
		if (cache[i].used && cache[i].len == len && kmemcmp(cache[i].key, key, 64) == 0) {
			cache_st.hits++;
			cache[i].age = ++cache_clock;
			kmemset(v, 0, sizeof(*v));
			v->sign = cache[i].sign;
			v->elf_size = (size_t)v->sign.signed_size;
			int err = elf_validate(copy, v->elf_size, &v->elf);
			if (err) { /* cannot happen for bytes accepted before; refuse all the same */
				v->refused = EXEC_REFUSED_ELF;
				if (why)
					elf_describe(&v->elf, why, whylen);
			}
			return err;
		}
		if (!cache[i].used || cache[i].age < cache[slot].age)
			slot = i;
	}
	cache_st.misses++;
	int err = exec_check(copy, len, v, why, whylen);
	if (!err) {
		kmemcpy(cache[slot].key, key, 64);
		cache[slot].len = len;
		cache[slot].sign = v->sign;
		cache[slot].age = ++cache_clock;
		cache[slot].used = 1;
	}
	return err;
}

void exec_cache_stats(struct exec_cache_stats *out)
{
	*out = cache_st;
}

void exec_cache_clear(void)
{
	kmemset(cache, 0, sizeof(cache));
	cache_st = (struct exec_cache_stats){ 0 };
}

int exec_read(const char *path, uint8_t **buf, size_t *len, unsigned *order)
{
	struct rumpk_stat st;
	int h = vfs_open(path, 0);
	if (h < 0)
		return h;
	int err = vfs_fstat(h, &st);
	if (!err && st.size > EXEC_MAX_FILE)
		err = -RUMPK_ERANGE;
	unsigned k = 0;
	while (!err && (PAGE_SIZE << k) < st.size)
		k++;
	uint8_t *b = err ? 0 : page_alloc(k);
	if (!err && !b)
		err = -RUMPK_ENOMEM;
	size_t got = 0;
	while (!err && got < st.size) {
		int64_t n = vfs_read(h, b + got, st.size - got);
		if (n < 0)
			err = (int)n;
		else if (n == 0)
			err = -RUMPK_EIO; /* shorter than its size said */
		else
			got += (size_t)n;
	}
	vfs_close(h);
	if (err) {
		page_free(b, k);
		return err;
	}
	*buf = b;
	*len = got;
	*order = k;
	return 0;
}

/* What happened to one program in the loader stage. */
enum check_result { CHECK_REFUSED, CHECK_VERIFIED, CHECK_MAPPED };

/* One program: read, check, and where the HAL has address spaces load and unload it.
 * A HAL without them (loader_load returns -RUMPK_ENOSYS) leaves it verified, not mapped:
 * the stage line counts the two apart, so it never claims more than was done. */
static enum check_result check_one(const char *path)
{
	char why[160];
	struct exec_verdict v;
	uint8_t *buf;
	size_t len;
	unsigned order;
	enum check_result res = CHECK_REFUSED;

	int err = exec_read(path, &buf, &len, &order);
	if (err) {
		kprintf("loader: refused %s: cannot read it (%s)\n", path, rumpk_strerror(err));
		return CHECK_REFUSED;
	}
	err = exec_check(buf, len, &v, why, sizeof(why));
	if (!err) {
		const char *argv[] = { path };
		struct loader_args a = { .argv = argv, .argc = 1 };
		struct loader_image li;
		int lerr = loader_load(buf, v.elf_size, &a, &li);
		if (!lerr) {
			res = CHECK_MAPPED;
			loader_unload(&li);
		} else if (lerr == -RUMPK_ENOSYS) {
			res = CHECK_VERIFIED;
		} else {
			ksnprintf(why, sizeof(why), "cannot be loaded (%s)", rumpk_strerror(lerr));
			err = lerr;
		}
	}
	if (err)
		kprintf("loader: refused %s: %s\n", path, why);
	page_free(buf, order);
	return res;
}

int exec_stage(const struct rumpk_boot_info *bi, char *why, size_t whylen)
{
	struct mem_stats m0, m;
	struct rumpk_dirent d;
	char path[VFS_PATH_MAX];
	uint64_t verified = 0, refused = 0, mapped = 0;

	(void)bi;
	mem_stats(&m0);
	int h = vfs_open("/bin", RUMPK_O_DIRECTORY);
	if (h < 0) {
		ksnprintf(why, whylen, "no /bin in the initrd (%s)", rumpk_strerror(h));
		return h;
	}
	int err;
	while ((err = vfs_readdir(h, &d)) > 0) {
		if (d.type != RUMPK_FT_FILE)
			continue;
		ksnprintf(path, sizeof(path), "/bin/%s", d.name);
		enum check_result r = check_one(path);
		verified += r != CHECK_REFUSED;
		mapped += r == CHECK_MAPPED;
		refused += r == CHECK_REFUSED;
	}
	vfs_close(h);
	if (err < 0) {
		ksnprintf(why, whylen, "reading /bin failed (%s)", rumpk_strerror(err));
		return err;
	}
	mem_stats(&m);
	if (m.free_pages + m.cached_pages != m0.free_pages + m0.cached_pages ||
	    m.live_objects != m0.live_objects) {
		ksnprintf(why, whylen, "checking the programs leaked %lld pages, %lld objects",
			  (long long)(m0.free_pages + m0.cached_pages - m.free_pages - m.cached_pages),
			  (long long)(m.live_objects - m0.live_objects));
		return -RUMPK_ENOMEM;
	}
	if (!verified) {
		ksnprintf(why, whylen, "no program in /bin verified (%llu refused)",
			  (unsigned long long)refused);
		return -RUMPK_ENOENT;
	}
	/* "2 verified, 2 mapped, 0 refused". Verified but not mapped means the HAL has no
	 * address spaces (loader_load: -RUMPK_ENOSYS), and the line says so in words. */
	ksnprintf(why, whylen, "%llu verified, %llu mapped%s, %llu refused",
		  (unsigned long long)verified, (unsigned long long)mapped,
		  mapped < verified ? " (no user address spaces on this HAL)" : "",
		  (unsigned long long)refused);
	return 0;
}
