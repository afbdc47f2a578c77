/*
 * utest.c — the user-mode test program of tests/unit/test_user.c (x86_64, hosted only).
 * argv: utest MODE DOORBELL-HEX [N]. It talks to the test through the doorbell with a
 * command in rbx and arguments in r12/r13 (the test's doorbell op reads them from the
 * trap frame): BELL_EXIT ends it with a status, BELL_EXPECT announces the pc and address
 * of the fault it is about to take, BELL_COUNT is just a ring, BELL_BLOCK asks the test
 * to block it in a wait (r12 = 0) or a sleep (r12 = 1).
 *
 *   bell N     N doorbells with patterns in every callee-saved register and non-default
 *              MXCSR / x87 control words; exit status = how many did not survive
 *   spin       for (;;) with no call and no memory access
 *   fpspin N   ymm0-15 (xmm0-15 without AVX), MXCSR and the x87 CW set to patterns, N
 *              chunks of a register-only loop, checked after each; exit 0 or 1
 *   block W    rings BELL_BLOCK(W) forever (the test kills it while it is blocked)
 *   read0 write-text exec-data ud2 int3 div0 recurse misaligned: the fault named
 */
#include <stdint.h>

#include "nexus.h"

#define BELL_COUNT 1
#define BELL_EXIT 2
#define BELL_EXPECT 3
#define BELL_BLOCK 4

void (*doorbell)(void);
void bell3(uint64_t cmd, uint64_t a, uint64_t b);
int bell_check(uint64_t n);
int fp_spin(uint64_t chunks, int avx);
void spin(void);

/* bell3: rbx = cmd, r12 = a, r13 = b, then the doorbell (a C call) */
__asm__(".text\n"
	".globl bell3\n"
	"bell3:\n"
	"\tpushq %rbx\n\tpushq %r12\n\tpushq %r13\n"
	"\tmovq %rdi, %rbx\n\tmovq %rsi, %r12\n\tmovq %rdx, %r13\n"
	"\tcallq *doorbell(%rip)\n"
	"\tpopq %r13\n\tpopq %r12\n\tpopq %rbx\n\tret\n");

/* bell_check(n): n doorbells (rbx = BELL_COUNT) with rbp, r12-r15 = patterns, MXCSR
 * 0x7f80 (round toward zero), x87 CW 0x027f (53-bit precision); returns the number of
 * rings after which anything had changed. Restores everything it changed. */
__asm__(".text\n"
	".globl bell_check\n"
	"bell_check:\n"
	"\tpushq %rbx\n\tpushq %rbp\n\tpushq %r12\n\tpushq %r13\n\tpushq %r14\n\tpushq %r15\n"
	"\tsubq $40, %rsp\n"
	"\tstmxcsr 0(%rsp)\n\tfnstcw 4(%rsp)\n"
	"\tmovl $0x7f80, 8(%rsp)\n\tldmxcsr 8(%rsp)\n"
	"\tmovw $0x027f, 12(%rsp)\n\tfldcw 12(%rsp)\n"
	"\tmovq %rdi, 16(%rsp)\n"   /* rings left */
	"\tmovq $0, 24(%rsp)\n"     /* bad */
	"1:\tcmpq $0, 16(%rsp)\n\tje 3f\n"
	"\tmovq $1, %rbx\n"
	"\tmovabsq $0x1111222233334444, %rbp\n"
	"\tmovabsq $0x5555666677778888, %r12\n"
	"\tmovabsq $0x99990000aaaabbbb, %r13\n"
	"\tmovabsq $0xccccddddeeeeffff, %r14\n"
	"\tmovabsq $0x0123456789abcdef, %r15\n"
	"\tcallq *doorbell(%rip)\n"
	"\txorl %eax, %eax\n"
	"\tcmpq $1, %rbx\n\tsetne %al\n\tmovzbl %al, %ecx\n"
	"\tmovabsq $0x1111222233334444, %rdx\n\tcmpq %rdx, %rbp\n\tsetne %al\n\taddl %eax, %ecx\n"
	"\tmovabsq $0x5555666677778888, %rdx\n\tcmpq %rdx, %r12\n\tsetne %al\n\taddl %eax, %ecx\n"
	"\tmovabsq $0x99990000aaaabbbb, %rdx\n\tcmpq %rdx, %r13\n\tsetne %al\n\taddl %eax, %ecx\n"
	"\tmovabsq $0xccccddddeeeeffff, %rdx\n\tcmpq %rdx, %r14\n\tsetne %al\n\taddl %eax, %ecx\n"
	"\tmovabsq $0x0123456789abcdef, %rdx\n\tcmpq %rdx, %r15\n\tsetne %al\n\taddl %eax, %ecx\n"
	"\tstmxcsr 32(%rsp)\n\tmovl 32(%rsp), %edx\n\tandl $0xffc0, %edx\n"
	"\tcmpl $0x7f80, %edx\n\tsetne %al\n\taddl %eax, %ecx\n"
	"\tfnstcw 32(%rsp)\n\tmovzwl 32(%rsp), %edx\n"
	"\tcmpl $0x027f, %edx\n\tsetne %al\n\taddl %eax, %ecx\n"
	"\ttestl %ecx, %ecx\n\tje 2f\n\tincq 24(%rsp)\n"
	"2:\tdecq 16(%rsp)\n\tjmp 1b\n"
	"3:\tmovq 24(%rsp), %rax\n"
	"\tldmxcsr 0(%rsp)\n\tfldcw 4(%rsp)\n"
	"\taddq $40, %rsp\n"
	"\tpopq %r15\n\tpopq %r14\n\tpopq %r13\n\tpopq %r12\n\tpopq %rbp\n\tpopq %rbx\n\tret\n");

/* 16 distinct 32-byte patterns */
__asm__(".section .rodata\n.p2align 5\nfp_pattern:\n"
	".rept 64\n.quad 0x0f1e2d3c4b5a6978 + (. - fp_pattern) * 0x0101010101\n.endr\n");

/* cmp32 / cmp16: compare 32 / 16 bytes at 16+8(%rsp) (the caller's buffer, past our return
 * address) with fp_pattern + r8; on a difference set r9d = 1. Touches rdx, r10, r11. */
__asm__(".text\n"
	"cmp32:\n"
	"\tleaq fp_pattern(%rip), %r10\n\taddq %r8, %r10\n"
	"\tmovq 40(%rsp), %rdx\n\tcmpq 16(%r10), %rdx\n\tjne 9f\n"
	"\tmovq 48(%rsp), %rdx\n\tcmpq 24(%r10), %rdx\n\tjne 9f\n"
	"\tjmp cmp16_body\n"
	"cmp16:\n"
	"\tleaq fp_pattern(%rip), %r10\n\taddq %r8, %r10\n"
	"cmp16_body:\n"
	"\tmovq 24(%rsp), %rdx\n\tcmpq 0(%r10), %rdx\n\tjne 9f\n"
	"\tmovq 32(%rsp), %rdx\n\tcmpq 8(%r10), %rdx\n\tjne 9f\n"
	"\tret\n"
	"9:\tmovl $1, %r9d\n\tret\n");

/* fp_spin(chunks, avx): see the top of the file. Returns 0 if everything survived. */
__asm__(".text\n"
	".globl fp_spin\n"
	"fp_spin:\n"
	"\tsubq $56, %rsp\n"
	"\tstmxcsr 0(%rsp)\n\tfnstcw 4(%rsp)\n"
	"\tmovl $0x7f80, 8(%rsp)\n\tldmxcsr 8(%rsp)\n"
	"\tmovw $0x027f, 12(%rsp)\n\tfldcw 12(%rsp)\n"
	"\txorl %r9d, %r9d\n"
	"\tleaq fp_pattern(%rip), %rax\n"
	"\ttestl %esi, %esi\n\tjz 10f\n"
"\tvmovdqu 0(%rax), %ymm0\n"
"\tvmovdqu 32(%rax), %ymm1\n"
"\tvmovdqu 64(%rax), %ymm2\n"
"\tvmovdqu 96(%rax), %ymm3\n"
"\tvmovdqu 128(%rax), %ymm4\n"
"\tvmovdqu 160(%rax), %ymm5\n"
"\tvmovdqu 192(%rax), %ymm6\n"
"\tvmovdqu 224(%rax), %ymm7\n"
"\tvmovdqu 256(%rax), %ymm8\n"
"\tvmovdqu 288(%rax), %ymm9\n"
"\tvmovdqu 320(%rax), %ymm10\n"
"\tvmovdqu 352(%rax), %ymm11\n"
"\tvmovdqu 384(%rax), %ymm12\n"
"\tvmovdqu 416(%rax), %ymm13\n"
"\tvmovdqu 448(%rax), %ymm14\n"
"\tvmovdqu 480(%rax), %ymm15\n"
	"\tjmp 11f\n"
	"10:\n"
"\tmovdqu 0(%rax), %xmm0\n"
"\tmovdqu 32(%rax), %xmm1\n"
"\tmovdqu 64(%rax), %xmm2\n"
"\tmovdqu 96(%rax), %xmm3\n"
"\tmovdqu 128(%rax), %xmm4\n"
"\tmovdqu 160(%rax), %xmm5\n"
"\tmovdqu 192(%rax), %xmm6\n"
"\tmovdqu 224(%rax), %xmm7\n"
"\tmovdqu 256(%rax), %xmm8\n"
"\tmovdqu 288(%rax), %xmm9\n"
"\tmovdqu 320(%rax), %xmm10\n"
"\tmovdqu 352(%rax), %xmm11\n"
"\tmovdqu 384(%rax), %xmm12\n"
"\tmovdqu 416(%rax), %xmm13\n"
"\tmovdqu 448(%rax), %xmm14\n"
"\tmovdqu 480(%rax), %xmm15\n"
	"11:\n"
	"1:\ttestq %rdi, %rdi\n\tjz 5f\n"
	"\tmovl $0x400000, %ecx\n"
	"2:\tdecl %ecx\n\tjnz 2b\n"
	"\ttestl %esi, %esi\n\tjz 3f\n"
"\tvmovdqu %ymm0, 16(%rsp)\n" "\tmovl $0, %r8d\n" "\tcall cmp32\n"
"\tvmovdqu %ymm1, 16(%rsp)\n" "\tmovl $32, %r8d\n" "\tcall cmp32\n"
"\tvmovdqu %ymm2, 16(%rsp)\n" "\tmovl $64, %r8d\n" "\tcall cmp32\n"
"\tvmovdqu %ymm3, 16(%rsp)\n" "\tmovl $96, %r8d\n" "\tcall cmp32\n"
"\tvmovdqu %ymm4, 16(%rsp)\n" "\tmovl $128, %r8d\n" "\tcall cmp32\n"
"\tvmovdqu %ymm5, 16(%rsp)\n" "\tmovl $160, %r8d\n" "\tcall cmp32\n"
"\tvmovdqu %ymm6, 16(%rsp)\n" "\tmovl $192, %r8d\n" "\tcall cmp32\n"
"\tvmovdqu %ymm7, 16(%rsp)\n" "\tmovl $224, %r8d\n" "\tcall cmp32\n"
"\tvmovdqu %ymm8, 16(%rsp)\n" "\tmovl $256, %r8d\n" "\tcall cmp32\n"
"\tvmovdqu %ymm9, 16(%rsp)\n" "\tmovl $288, %r8d\n" "\tcall cmp32\n"
"\tvmovdqu %ymm10, 16(%rsp)\n" "\tmovl $320, %r8d\n" "\tcall cmp32\n"
"\tvmovdqu %ymm11, 16(%rsp)\n" "\tmovl $352, %r8d\n" "\tcall cmp32\n"
"\tvmovdqu %ymm12, 16(%rsp)\n" "\tmovl $384, %r8d\n" "\tcall cmp32\n"
"\tvmovdqu %ymm13, 16(%rsp)\n" "\tmovl $416, %r8d\n" "\tcall cmp32\n"
"\tvmovdqu %ymm14, 16(%rsp)\n" "\tmovl $448, %r8d\n" "\tcall cmp32\n"
"\tvmovdqu %ymm15, 16(%rsp)\n" "\tmovl $480, %r8d\n" "\tcall cmp32\n"
	"\tjmp 4f\n"
	"3:\n"
"\tmovdqu %xmm0, 16(%rsp)\n" "\tmovl $0, %r8d\n" "\tcall cmp16\n"
"\tmovdqu %xmm1, 16(%rsp)\n" "\tmovl $32, %r8d\n" "\tcall cmp16\n"
"\tmovdqu %xmm2, 16(%rsp)\n" "\tmovl $64, %r8d\n" "\tcall cmp16\n"
"\tmovdqu %xmm3, 16(%rsp)\n" "\tmovl $96, %r8d\n" "\tcall cmp16\n"
"\tmovdqu %xmm4, 16(%rsp)\n" "\tmovl $128, %r8d\n" "\tcall cmp16\n"
"\tmovdqu %xmm5, 16(%rsp)\n" "\tmovl $160, %r8d\n" "\tcall cmp16\n"
"\tmovdqu %xmm6, 16(%rsp)\n" "\tmovl $192, %r8d\n" "\tcall cmp16\n"
"\tmovdqu %xmm7, 16(%rsp)\n" "\tmovl $224, %r8d\n" "\tcall cmp16\n"
"\tmovdqu %xmm8, 16(%rsp)\n" "\tmovl $256, %r8d\n" "\tcall cmp16\n"
"\tmovdqu %xmm9, 16(%rsp)\n" "\tmovl $288, %r8d\n" "\tcall cmp16\n"
"\tmovdqu %xmm10, 16(%rsp)\n" "\tmovl $320, %r8d\n" "\tcall cmp16\n"
"\tmovdqu %xmm11, 16(%rsp)\n" "\tmovl $352, %r8d\n" "\tcall cmp16\n"
"\tmovdqu %xmm12, 16(%rsp)\n" "\tmovl $384, %r8d\n" "\tcall cmp16\n"
"\tmovdqu %xmm13, 16(%rsp)\n" "\tmovl $416, %r8d\n" "\tcall cmp16\n"
"\tmovdqu %xmm14, 16(%rsp)\n" "\tmovl $448, %r8d\n" "\tcall cmp16\n"
"\tmovdqu %xmm15, 16(%rsp)\n" "\tmovl $480, %r8d\n" "\tcall cmp16\n"
	"4:\tstmxcsr 48(%rsp)\n\tmovl 48(%rsp), %edx\n\tandl $0xffc0, %edx\n"
	"\tcmpl $0x7f80, %edx\n\tje 6f\n\tmovl $1, %r9d\n"
	"6:\tfnstcw 48(%rsp)\n\tmovzwl 48(%rsp), %edx\n\tcmpl $0x027f, %edx\n\tje 7f\n\tmovl $1, %r9d\n"
	"7:\tdecq %rdi\n\tjmp 1b\n"
	"5:\tldmxcsr 0(%rsp)\n\tfldcw 4(%rsp)\n"
	"\ttestl %esi, %esi\n\tjz 8f\n\tvzeroupper\n"
	"8:\tmovl %r9d, %eax\n\taddq $56, %rsp\n\tret\n");

__asm__(".text\n.globl spin\nspin:\n1:\tjmp 1b\n");

static void __attribute__((noreturn)) finish(uint64_t status)
{
	bell3(BELL_EXIT, status, 0);
	for (;;)
		;
}

static uint64_t parse_hex(const char *s)
{
	uint64_t v = 0;
	for (; *s; s++)
		v = v * 16 + (uint64_t)(*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
	return v;
}

static uint64_t parse_dec(const char *s)
{
	uint64_t v = 0;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (uint64_t)(*s - '0');
	return v;
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static int have_avx(void)
{
	uint32_t a, b, c, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	if (!(c & (1u << 27)) || !(c & (1u << 28)))
		return 0; /* no OSXSAVE or no AVX */
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6;
}

static unsigned recurse(unsigned n)
{
	volatile char pad[256];
	pad[0] = (char)n;
	if (n == 0xffffffffu) /* never: keeps the compiler from calling this a bug */
		return 0;
	return recurse(n + 1) + pad[0];
}

static volatile uint64_t zero;
static uint8_t data_code[16] = { 0xc3 }; /* ret, in a non-executable page */

int main(int argc, char **argv, char **envp)
{
	if (argc < 3)
		return 100;
	doorbell = (void (*)(void))parse_hex(argv[2]);
	const char *m = argv[1];
	uint64_t n = argc > 3 ? parse_dec(argv[3]) : 0;
	uint64_t pc;

	if (streq(m, "bell"))
		finish((uint64_t)bell_check(n));
	if (streq(m, "spin"))
		spin();
	if (streq(m, "fpspin"))
		finish((uint64_t)fp_spin(n, have_avx()));
	if (streq(m, "block"))
		for (;;)
			bell3(BELL_BLOCK, n, 0);
	if (streq(m, "read0")) {
		__asm__ volatile("leaq 1f(%%rip), %0" : "=r"(pc));
		bell3(BELL_EXPECT, pc, 0);
		__asm__ volatile("xorl %%ecx, %%ecx\n1:\tmovq (%%rcx), %%rax" ::: "rax", "rcx", "memory");
	}
	if (streq(m, "write-text")) {
		uint64_t text = (uint64_t)(uintptr_t)&spin;
		__asm__ volatile("leaq 1f(%%rip), %0" : "=r"(pc));
		bell3(BELL_EXPECT, pc, text);
		__asm__ volatile("1:\tmovb $0, (%0)" ::"r"(text) : "memory");
	}
	if (streq(m, "exec-data")) {
		uint64_t d = (uint64_t)(uintptr_t)data_code;
		bell3(BELL_EXPECT, d, d);
		((void (*)(void))d)();
	}
	if (streq(m, "ud2")) {
		__asm__ volatile("leaq 1f(%%rip), %0" : "=r"(pc));
		bell3(BELL_EXPECT, pc, pc);
		__asm__ volatile("1:\tud2");
	}
	if (streq(m, "int3")) {
		__asm__ volatile("leaq 1f(%%rip), %0" : "=r"(pc));
		bell3(BELL_EXPECT, pc, pc);
		__asm__ volatile("1:\tint3");
		finish(7); /* a breakpoint the kernel resumed */
	}
	if (streq(m, "div0")) {
		__asm__ volatile("leaq 1f(%%rip), %0" : "=r"(pc));
		bell3(BELL_EXPECT, pc, pc);
		__asm__ volatile("movl $1, %%eax\n\txorl %%edx, %%edx\n\txorl %%ecx, %%ecx\n"
				 "1:\tdivl %%ecx" ::: "rax", "rdx", "rcx");
	}
	if (streq(m, "recurse"))
		finish(recurse(0));
	if (streq(m, "misaligned")) {
		/* with rflags.AC set, a misaligned load at user level raises #AC (Linux sets
		 * CR0.AM): SIGBUS with BUS_ADRALN */
		uint64_t buf[2] = { 0, 0 };
		uint64_t a = (uint64_t)(uintptr_t)buf + 1;
		__asm__ volatile("leaq 1f(%%rip), %0" : "=r"(pc));
		bell3(BELL_EXPECT, pc, a);
		__asm__ volatile("pushfq\n\torl $0x40000, (%%rsp)\n\tpopfq\n"
				 "1:\tmovq (%0), %%rax\n"
				 "\tpushfq\n\tandl $~0x40000, (%%rsp)\n\tpopfq" ::"r"(a) : "rax", "memory", "cc");
	}
	(void)envp;
	(void)zero;
	finish(99); /* the fault did not happen */
}
