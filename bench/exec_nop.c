/*
 * exec_nop.c — the peer program of bench_exec's posix_spawn line: the smallest ordinary
 * Linux program, linked -static against glibc (libc6-dev's libc.a) by bench/CMakeLists.txt
 * with the host compiler and none of the preset's flags (no sanitizer: ASan cannot link
 * -static). Not named bench_*: `make bench` runs every build/hosted/bench/bench_* file.
 */
int main(void)
{
	return 0;
}
