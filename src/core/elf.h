/*
 * elf.h — the ELF64 validator: decides whether a program image is one this kernel maps,
 * and extracts what the loader (loader.c) needs from it.
 *
 * Input: the kernel's private, already signature-verified copy of the file. The validator
 * reads only that buffer, bounds-checks every read against its size, never trusts a size
 * or offset from the file, and copies each header into a local before using it (the
 * buffer may be unaligned). It stops at the first problem and names it: one enum value
 * per refusal (ELF_ERRORS below), returned with -RUMPK_ENOEXEC. docs/loader.md lists
 * every check.
 *
 * Accepted: ELF64, little-endian, e_machine == the HAL's HAL_ELF_MACHINE, ET_DYN (static
 * PIE: only R_*_RELATIVE relocations, no PT_INTERP, no DT_NEEDED) or ET_EXEC (fixed
 * address). Segment types PT_LOAD, PT_DYNAMIC, PT_GNU_RELRO, PT_GNU_STACK (not
 * executable), PT_NOTE, PT_PHDR and PT_GNU_EH_FRAME (the last three are checked for sane
 * bounds and otherwise ignored). Section headers are never read.
 *
 * The ELF structures are the gABI's (System V ABI, "Object Files"); relocation numbers
 * from each psABI. Names carry an ELF_ / elf_ prefix so they never collide with a host's
 * <elf.h> in hosted code.
 */
#ifndef RUMPK_ELF_H
#define RUMPK_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "param.h"

/* e_ident */
#define ELF_EI_NIDENT 16
#define ELF_EI_CLASS 4
#define ELF_EI_DATA 5
#define ELF_EI_VERSION 6
#define ELF_EI_OSABI 7
#define ELF_CLASS64 2
#define ELF_DATA2LSB 1
#define ELF_EV_CURRENT 1
#define ELF_OSABI_SYSV 0
#define ELF_OSABI_GNU 3

/* e_type */
#define ELF_ET_EXEC 2
#define ELF_ET_DYN 3

/* e_machine (HAL_ELF_MACHINE in each hal_arch.h is one of these) */
#define ELF_EM_X86_64 62
#define ELF_EM_AARCH64 183
#define ELF_EM_RISCV 243

/* p_type */
#define ELF_PT_NULL 0
#define ELF_PT_LOAD 1
#define ELF_PT_DYNAMIC 2
#define ELF_PT_INTERP 3
#define ELF_PT_NOTE 4
#define ELF_PT_SHLIB 5
#define ELF_PT_PHDR 6
#define ELF_PT_TLS 7
#define ELF_PT_GNU_EH_FRAME 0x6474e550u
#define ELF_PT_GNU_STACK 0x6474e551u
#define ELF_PT_GNU_RELRO 0x6474e552u

/* p_flags */
#define ELF_PF_X 0x1u
#define ELF_PF_W 0x2u
#define ELF_PF_R 0x4u

/* d_tag */
#define ELF_DT_NULL 0
#define ELF_DT_NEEDED 1
#define ELF_DT_PLTRELSZ 2
#define ELF_DT_RELA 7
#define ELF_DT_RELASZ 8
#define ELF_DT_RELAENT 9
#define ELF_DT_REL 17
#define ELF_DT_RELSZ 18
#define ELF_DT_RELENT 19
#define ELF_DT_TEXTREL 22
#define ELF_DT_JMPREL 23
#define ELF_DT_FLAGS 30
#define ELF_DT_RELRSZ 35
#define ELF_DT_RELR 36
#define ELF_DT_RELRENT 37
#define ELF_DF_TEXTREL 0x4u

/* the one relocation type per machine this kernel applies: B + A */
#define ELF_R_X86_64_RELATIVE 8
#define ELF_R_AARCH64_RELATIVE 1027
#define ELF_R_RISCV_RELATIVE 3

struct elf64_ehdr {
	uint8_t e_ident[ELF_EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};
_Static_assert(sizeof(struct elf64_ehdr) == 64, "Elf64_Ehdr is 64 bytes");

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};
_Static_assert(sizeof(struct elf64_phdr) == 56, "Elf64_Phdr is 56 bytes");

struct elf64_dyn {
	int64_t d_tag;
	uint64_t d_val;
};
_Static_assert(sizeof(struct elf64_dyn) == 16, "Elf64_Dyn is 16 bytes");

struct elf64_rela {
	uint64_t r_offset;
	uint64_t r_info; /* symbol << 32 | type */
	int64_t r_addend;
};
_Static_assert(sizeof(struct elf64_rela) == 24, "Elf64_Rela is 24 bytes");

/*
 * Every refusal, in the order the validator checks them (the first one found stops it).
 * X(name, what is wrong). The names are the vocabulary of tests/elf/make_corpus.py's
 * manifests and of docs/loader.md. ELF_E_PLACEMENT is the loader's (a valid ET_EXEC whose
 * fixed addresses do not fit the space at hand).
 */
#define ELF_ERRORS(X)                                                                      \
	X(ELF_OK, "valid")                                                                 \
	X(ELF_E_SHORT, "file shorter than an ELF64 header")                                \
	X(ELF_E_MAGIC, "not an ELF file (bad magic)")                                      \
	X(ELF_E_CLASS, "not a 64-bit ELF file (EI_CLASS)")                                 \
	X(ELF_E_DATA, "not little-endian (EI_DATA)")                                       \
	X(ELF_E_IDENT_VERSION, "unknown ELF identification version (EI_VERSION)")          \
	X(ELF_E_OSABI, "foreign OS ABI (EI_OSABI is neither SYSV nor GNU)")                \
	X(ELF_E_TYPE, "neither a static PIE (ET_DYN) nor a fixed-address program (ET_EXEC)") \
	X(ELF_E_MACHINE, "built for another machine (e_machine)")                          \
	X(ELF_E_VERSION, "unknown ELF version (e_version)")                                \
	X(ELF_E_EHSIZE, "e_ehsize is not 64")                                              \
	X(ELF_E_PHENTSIZE, "e_phentsize is not 56")                                        \
	X(ELF_E_PHNUM_ZERO, "no program headers (e_phnum 0)")                              \
	X(ELF_E_PHNUM_MAX, "more program headers than ELF_MAX_PHNUM")                      \
	X(ELF_E_PHDR_WRAP, "program header table offset wraps around")                     \
	X(ELF_E_PHDR_EOF, "program header table runs past the end of the file")            \
	X(ELF_E_INTERP, "PT_INTERP: wants a dynamic linker (link static PIE)")             \
	X(ELF_E_SEG_TYPE, "segment type not accepted (PT_TLS, PT_SHLIB, unknown)")         \
	X(ELF_E_FILESZ, "p_filesz larger than p_memsz")                                    \
	X(ELF_E_SEG_OFF_WRAP, "p_offset + p_filesz wraps around")                          \
	X(ELF_E_SEG_EOF, "segment data runs past the end of the file")                     \
	X(ELF_E_SEG_VA_WRAP, "p_vaddr + p_memsz wraps around")                             \
	X(ELF_E_TOO_MANY_LOADS, "more PT_LOAD segments than ELF_MAX_LOADS")                \
	X(ELF_E_ALIGN_ZERO, "PT_LOAD p_align is 0")                                        \
	X(ELF_E_ALIGN_POW2, "PT_LOAD p_align is not a power of two")                       \
	X(ELF_E_ALIGN_SMALL, "PT_LOAD p_align is smaller than a page")                     \
	X(ELF_E_ALIGN_LARGE, "PT_LOAD p_align is larger than ELF_MAX_ALIGN")               \
	X(ELF_E_CONGRUENCE, "p_vaddr and p_offset differ modulo p_align")                  \
	X(ELF_E_SEG_RANGE, "PT_LOAD outside the user image range")                         \
	X(ELF_E_WX, "segment both writable and executable")                                \
	X(ELF_E_EXEC_STACK, "PT_GNU_STACK asks for an executable stack")                   \
	X(ELF_E_DUP_SEGMENT, "a second PT_DYNAMIC, PT_GNU_RELRO or PT_GNU_STACK")          \
	X(ELF_E_NO_LOAD, "no PT_LOAD segment")                                             \
	X(ELF_E_LOAD_OVERLAP, "PT_LOAD segments share a page")                             \
	X(ELF_E_ENTRY, "entry point outside every executable segment")                     \
	X(ELF_E_PHDR_UNMAPPED, "program header table not inside a PT_LOAD (no AT_PHDR)")   \
	X(ELF_E_RELRO_RANGE, "PT_GNU_RELRO not inside one writable PT_LOAD")               \
	X(ELF_E_DYN_RANGE, "PT_DYNAMIC not inside a PT_LOAD's file data")                  \
	X(ELF_E_DYN_UNTERMINATED, "PT_DYNAMIC has no DT_NULL")                             \
	X(ELF_E_NEEDED, "DT_NEEDED: wants shared libraries (link static PIE)")             \
	X(ELF_E_DYN_REL, "DT_REL or DT_RELR relocations (only DT_RELA is applied)")        \
	X(ELF_E_DYN_PLT, "PLT relocations (DT_JMPREL, DT_PLTRELSZ)")                       \
	X(ELF_E_DYN_TEXTREL, "text relocations (DT_TEXTREL, DF_TEXTREL)")                  \
	X(ELF_E_RELAENT, "DT_RELAENT is not 24")                                           \
	X(ELF_E_RELA_INCOMPLETE, "DT_RELA without DT_RELASZ, or the reverse")              \
	X(ELF_E_RELASZ, "DT_RELASZ is not a multiple of 24")                               \
	X(ELF_E_RELA_RANGE, "DT_RELA table not inside a PT_LOAD's file data")              \
	X(ELF_E_RELOC_TYPE, "relocation other than R_*_RELATIVE")                          \
	X(ELF_E_RELOC_SYM, "RELATIVE relocation names a symbol")                           \
	X(ELF_E_RELOC_TARGET, "relocation target outside the writable segments")           \
	X(ELF_E_PLACEMENT, "fixed-address (ET_EXEC) image does not fit this address space")

#define ELF_ERR_ENUM(name, text) name,
enum elf_err { ELF_ERRORS(ELF_ERR_ENUM) ELF_ERR_COUNT };
#undef ELF_ERR_ENUM

/* One PT_LOAD as the loader maps it: link-time addresses (add the load bias). */
struct elf_seg {
	uint64_t vaddr, memsz;
	uint64_t offset, filesz; /* file data: [offset, offset + filesz), within the file */
	unsigned prot;           /* HAL_PROT_* bits from p_flags */
};

/*
 * What elf_validate found. Pointers into the file are never kept, only offsets that have
 * been checked against its size; the loader reads the same buffer again.
 */
struct elf_image {
	enum elf_err err;   /* ELF_OK, or the first refusal */
	int where;          /* program header, dynamic entry or relocation index; -1: none */
	uint16_t type;      /* ELF_ET_DYN or ELF_ET_EXEC */
	uint16_t machine;
	uint64_t entry;     /* link-time address, inside an executable PT_LOAD's file data */
	uint16_t phnum;
	uint64_t phoff;     /* file offset of the program headers */
	uint64_t phdr_vaddr; /* link-time address of the program headers (AT_PHDR - bias) */
	unsigned nloads;
	struct elf_seg loads[ELF_MAX_LOADS];
	uint64_t lo, hi;    /* page-rounded span of all PT_LOADs */
	uint64_t max_align; /* largest PT_LOAD p_align: the load bias is a multiple of it */
	uint64_t relro_vaddr, relro_memsz; /* PT_GNU_RELRO, memsz 0 if none */
	int has_stack_hdr;  /* a PT_GNU_STACK was present (non-executable) */
	uint64_t rela_off;  /* file offset of the RELA table (checked) */
	uint64_t rela_count; /* its entries, all RELATIVE, each target in a writable PT_LOAD */
};

/*
 * elf_validate — checks `size` bytes at `file` as a program for this HAL's machine
 * (HAL_ELF_MACHINE). Fills *out (out->err says why on failure). Returns 0 or
 * -RUMPK_ENOEXEC. Reads nothing outside [file, file + size); allocates nothing.
 */
int elf_validate(const void *file, size_t size, struct elf_image *out);

/* elf_validate_for — the same for another machine (ELF_EM_*): host tools and tests. */
int elf_validate_for(const void *file, size_t size, uint16_t machine, struct elf_image *out);

/* elf_err_name — "ELF_E_MAGIC" for ELF_E_MAGIC; "ELF_E_?" for a value outside the enum. */
const char *elf_err_name(enum elf_err err);

/* elf_err_text — what the refusal means, one line ("not an ELF file (bad magic)"). */
const char *elf_err_text(enum elf_err err);

/*
 * elf_describe — a line for a person: "program header 3: p_filesz larger than p_memsz
 * (ELF_E_FILESZ)". Always NUL-terminates (size > 0); returns what ksnprintf returns.
 */
int elf_describe(const struct elf_image *img, char *buf, size_t size);

/* elf_relative_type — the machine's R_*_RELATIVE number, or 0 if this kernel knows none. */
uint32_t elf_relative_type(uint16_t machine);

#endif /* RUMPK_ELF_H */
