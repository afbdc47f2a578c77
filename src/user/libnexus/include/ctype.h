/*
 * ctype.h (libnexus) — character classes of the "C" locale (ASCII). Any int is accepted:
 * values outside 0..255, EOF included, are in no class, and toupper/tolower return them
 * unchanged (so a plain, possibly negative, char does no harm either).
 */
#ifndef RUMPK_NEXUS_CTYPE_H
#define RUMPK_NEXUS_CTYPE_H

int isdigit(int c);
int isxdigit(int c);
int isalpha(int c);
int isalnum(int c);
int isupper(int c);
int islower(int c);
int isspace(int c);
int isblank(int c);
int isprint(int c);
int isgraph(int c);
int ispunct(int c);
int iscntrl(int c);
int toupper(int c);
int tolower(int c);

#endif /* RUMPK_NEXUS_CTYPE_H */
