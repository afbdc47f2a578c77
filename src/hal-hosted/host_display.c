/*
 * host_display.c — the sim's framebuffer and its window (rumpk-sim --display sdl).
 *
 * The framebuffer is plain host memory the core draws into (hal_fb_get). A window shows it
 * through SDL2, which is loaded with dlopen only when a display is asked for: a sim without
 * one links no SDL2 and starts as before (SDL2 pulls in ~50 libraries). SDL runs on a
 * thread of its own, which owns every SDL call and blocks every signal (the kernel's
 * thread takes the timer and console signals): about 60 times a second it copies the
 * framebuffer to the window if the core drew since (scaled to the window: it can be
 * resized), and turns keys into console bytes: text as typed, Enter CR, Backspace DEL, Tab,
 * Escape, the arrows as ESC [ A..D, Ctrl+letter its control byte. Bytes go through a pipe
 * read by host_console_getc, with SIGIO like stdin's. Closing the window ends the input
 * (the shell then exits and the kernel halts, code 0 from the shell).
 *
 * --screenshot FILE: at halt the framebuffer is written as a binary PPM (P6) to FILE and
 * the console's text grid (hal_fb_text) to FILE.txt, one line a row, trailing spaces cut.
 */
#define _GNU_SOURCE
#include <SDL2/SDL.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host.h"

static struct {
	uint32_t *pixels;
	uint32_t w, h;
	const char *screenshot;
	const uint8_t *cells;
	uint32_t cols, rows;
	atomic_int dirty;
	atomic_int closed;
	int pipe_r, pipe_w;
	pthread_t thread;
	int window; /* an SDL window runs */
} D = { .pipe_r = -1, .pipe_w = -1 };

/* The SDL functions used, resolved from libSDL2-2.0.so.0 at run time. */
static struct {
	int (*Init)(Uint32);
	const char *(*GetError)(void);
	SDL_Window *(*CreateWindow)(const char *, int, int, int, int, Uint32);
	SDL_Surface *(*GetWindowSurface)(SDL_Window *);
	int (*UpdateWindowSurface)(SDL_Window *);
	SDL_Surface *(*CreateRGBSurfaceWithFormatFrom)(void *, int, int, int, int, Uint32);
	void (*FreeSurface)(SDL_Surface *);
	int (*UpperBlitScaled)(SDL_Surface *, const SDL_Rect *, SDL_Surface *, SDL_Rect *);
	int (*PollEvent)(SDL_Event *);
	void (*StartTextInput)(void);
} S;

static int load_sdl(void)
{
	void *lib = dlopen("libSDL2-2.0.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		fprintf(stderr, "rumpk-sim: --display sdl: cannot load SDL2 (%s); install libsdl2 "
			"(scripts/deps.sh does) or use --display none\n", dlerror());
		return -1;
	}
#define SYM(field, name)                                                                  \
	do {                                                                              \
		*(void **)&S.field = dlsym(lib, name);                                    \
		if (!S.field) {                                                           \
			fprintf(stderr, "rumpk-sim: SDL2 has no %s\n", name);             \
			return -1;                                                        \
		}                                                                         \
	} while (0)
	SYM(Init, "SDL_Init");
	SYM(GetError, "SDL_GetError");
	SYM(CreateWindow, "SDL_CreateWindow");
	SYM(GetWindowSurface, "SDL_GetWindowSurface");
	SYM(UpdateWindowSurface, "SDL_UpdateWindowSurface");
	SYM(CreateRGBSurfaceWithFormatFrom, "SDL_CreateRGBSurfaceWithFormatFrom");
	SYM(FreeSurface, "SDL_FreeSurface");
	SYM(UpperBlitScaled, "SDL_UpperBlitScaled");
	SYM(PollEvent, "SDL_PollEvent");
	SYM(StartTextInput, "SDL_StartTextInput");
#undef SYM
	return 0;
}

static void send_bytes(const char *b, size_t n)
{
	while (n) {
		ssize_t k = write(D.pipe_w, b, n);
		if (k <= 0) {
			if (k < 0 && errno == EINTR)
				continue;
			return; /* the pipe is full: the kernel is not reading; drop the key */
		}
		b += k;
		n -= (size_t)k;
	}
	kill(getpid(), SIGIO);
}

static void key(const SDL_KeyboardEvent *k)
{
	SDL_Keycode sym = k->keysym.sym;
	if ((k->keysym.mod & KMOD_CTRL) && sym >= SDLK_a && sym <= SDLK_z) {
		char c = (char)(sym - SDLK_a + 1);
		send_bytes(&c, 1);
		return;
	}
	switch (sym) {
	case SDLK_RETURN:
	case SDLK_KP_ENTER: send_bytes("\r", 1); break;
	case SDLK_BACKSPACE: send_bytes("\x7f", 1); break;
	case SDLK_TAB: send_bytes("\t", 1); break;
	case SDLK_ESCAPE: send_bytes("\x1b", 1); break;
	case SDLK_UP: send_bytes("\x1b[A", 3); break;
	case SDLK_DOWN: send_bytes("\x1b[B", 3); break;
	case SDLK_RIGHT: send_bytes("\x1b[C", 3); break;
	case SDLK_LEFT: send_bytes("\x1b[D", 3); break;
	default: break; /* printable keys arrive as SDL_TEXTINPUT */
	}
}

static void *display_main(void *arg)
{
	SDL_Window *win = arg;
	SDL_Surface *src = S.CreateRGBSurfaceWithFormatFrom(D.pixels, (int)D.w, (int)D.h, 32,
							    (int)(D.w * 4), SDL_PIXELFORMAT_RGB888);
	struct timespec frame = { 0, 16 * 1000 * 1000 };

	atomic_store(&D.dirty, 1);
	for (;;) {
		SDL_Event e;
		while (S.PollEvent(&e)) {
			if (e.type == SDL_QUIT ||
			    (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_CLOSE)) {
				atomic_store(&D.closed, 1);
				kill(getpid(), SIGIO);
			} else if (e.type == SDL_TEXTINPUT) {
				send_bytes(e.text.text, strlen(e.text.text));
			} else if (e.type == SDL_KEYDOWN) {
				key(&e.key);
			} else if (e.type == SDL_WINDOWEVENT) {
				atomic_store(&D.dirty, 1); /* exposed or resized: draw again */
			}
		}
		if (atomic_exchange(&D.dirty, 0) && src) {
			SDL_Surface *dst = S.GetWindowSurface(win);
			if (dst) {
				S.UpperBlitScaled(src, NULL, dst, NULL);
				S.UpdateWindowSurface(win);
			}
		}
		nanosleep(&frame, NULL);
	}
	return NULL;
}

int host_display_init(uint32_t w, uint32_t h, const char *screenshot)
{
	D.pixels = calloc((size_t)w * h, sizeof(uint32_t));
	if (!D.pixels)
		return -1;
	D.w = w;
	D.h = h;
	D.screenshot = screenshot;
	int p[2];
	if (pipe2(p, O_NONBLOCK | O_CLOEXEC) != 0)
		return -1;
	D.pipe_r = p[0];
	D.pipe_w = p[1];
	if (load_sdl() != 0)
		return -1;
	if (S.Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
		fprintf(stderr, "rumpk-sim: --display sdl: SDL_Init failed: %s\n", S.GetError());
		return -1;
	}
	SDL_Window *win = S.CreateWindow("rumpk-sim", SDL_WINDOWPOS_UNDEFINED,
					 SDL_WINDOWPOS_UNDEFINED, (int)w, (int)h,
					 SDL_WINDOW_RESIZABLE);
	if (!win) {
		fprintf(stderr, "rumpk-sim: --display sdl: no window: %s\n", S.GetError());
		return -1;
	}
	S.StartTextInput();
	/* The thread must take none of the kernel's signals: block them all while making it. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int err = pthread_create(&D.thread, NULL, display_main, win);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		fprintf(stderr, "rumpk-sim: --display sdl: no display thread: %s\n", strerror(err));
		return -1;
	}
	D.window = 1;
	return 0;
}

uint32_t *host_display_pixels(uint32_t *w, uint32_t *h)
{
	*w = D.w;
	*h = D.h;
	return D.pixels;
}

void host_display_dirty(void)
{
	atomic_store_explicit(&D.dirty, 1, memory_order_relaxed);
}

void host_display_text(const uint8_t *cells, uint32_t cols, uint32_t rows)
{
	D.cells = cells;
	D.cols = cols;
	D.rows = rows;
}

int host_display_getc(void)
{
	unsigned char c;
	if (D.pipe_r < 0)
		return -1;
	if (read(D.pipe_r, &c, 1) == 1)
		return c;
	return atomic_load(&D.closed) ? -2 : -1;
}

void host_display_halt(void)
{
	if (!D.screenshot || !D.pixels)
		return;
	FILE *f = fopen(D.screenshot, "wb");
	if (!f) {
		fprintf(stderr, "rumpk-sim: --screenshot %s: %s\n", D.screenshot, strerror(errno));
		return;
	}
	fprintf(f, "P6\n%u %u\n255\n", D.w, D.h);
	for (size_t i = 0; i < (size_t)D.w * D.h; i++) {
		unsigned char rgb[3] = { (unsigned char)(D.pixels[i] >> 16),
					 (unsigned char)(D.pixels[i] >> 8),
					 (unsigned char)D.pixels[i] };
		fwrite(rgb, 1, 3, f);
	}
	fclose(f);
	char *txt;
	if (asprintf(&txt, "%s.txt", D.screenshot) < 0)
		return;
	f = fopen(txt, "w");
	if (f && D.cells) {
		for (uint32_t r = 0; r < D.rows; r++) {
			const uint8_t *row = D.cells + (size_t)r * D.cols;
			uint32_t n = D.cols;
			while (n && row[n - 1] == ' ')
				n--;
			fwrite(row, 1, n, f);
			fputc('\n', f);
		}
	}
	if (f)
		fclose(f);
	free(txt);
}
