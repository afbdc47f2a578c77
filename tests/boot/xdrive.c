/*
 * xdrive — drives an X11 window the way a person would, for the window test
 * (tests/boot/window_check.sh, on a private Xvfb server):
 *
 *   xdrive type NAME TEXT   waits (10 s at most) for a mapped window titled NAME, gives it
 *                           the keyboard focus and types TEXT through the XTEST extension
 *                           (key presses, not synthetic events: the window's toolkit cannot
 *                           tell them from a keyboard); "\n" in TEXT is the Return key
 *   xdrive close NAME       asks the window to close as a window manager's close button
 *                           does: a WM_DELETE_WINDOW client message
 *
 * Exit status 0, or 1 with a message (no such window, no XTEST, a character with no key).
 */
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void nap_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&t, NULL);
}

/* The first viewable window titled name under w (depth first), or 0. */
static Window find(Display *d, Window w, const char *name)
{
	char *title = NULL;
	XWindowAttributes a;
	if (XFetchName(d, w, &title) && title) {
		int same = strcmp(title, name) == 0;
		XFree(title);
		if (same && XGetWindowAttributes(d, w, &a) && a.map_state == IsViewable)
			return w;
	}
	Window root, parent, *kids = NULL;
	unsigned n = 0;
	Window found = 0;
	if (XQueryTree(d, w, &root, &parent, &kids, &n)) {
		for (unsigned i = 0; i < n && !found; i++)
			found = find(d, kids[i], name);
		if (kids)
			XFree(kids);
	}
	return found;
}

static Window wait_for(Display *d, const char *name)
{
	for (int i = 0; i < 200; i++) {
		Window w = find(d, DefaultRootWindow(d), name);
		if (w)
			return w;
		nap_ms(50);
	}
	fprintf(stderr, "xdrive: no window titled '%s' appeared in 10 s\n", name);
	exit(1);
}

static void key(Display *d, KeySym sym)
{
	KeyCode code = XKeysymToKeycode(d, sym);
	if (!code) {
		fprintf(stderr, "xdrive: no key for keysym %#lx\n", (unsigned long)sym);
		exit(1);
	}
	XTestFakeKeyEvent(d, code, True, 0);
	XTestFakeKeyEvent(d, code, False, 0);
	XSync(d, False);
	nap_ms(15);
}

int main(int argc, char **argv)
{
	if (argc < 3 || (strcmp(argv[1], "type") == 0 && argc != 4) ||
	    (strcmp(argv[1], "close") == 0 && argc != 3)) {
		fprintf(stderr, "usage: xdrive type NAME TEXT | xdrive close NAME\n");
		return 2;
	}
	Display *d = XOpenDisplay(NULL);
	if (!d) {
		fprintf(stderr, "xdrive: cannot open the display %s\n", getenv("DISPLAY"));
		return 1;
	}
	Window w = wait_for(d, argv[2]);
	if (strcmp(argv[1], "type") == 0) {
		int ev, er, maj, min;
		if (!XTestQueryExtension(d, &ev, &er, &maj, &min)) {
			fprintf(stderr, "xdrive: the X server has no XTEST extension\n");
			return 1;
		}
		XSetInputFocus(d, w, RevertToParent, CurrentTime);
		XSync(d, False);
		nap_ms(100);
		for (const char *p = argv[3]; *p; p++) {
			if (*p == '\n')
				key(d, XK_Return);
			else if (*p >= 'a' && *p <= 'z')
				key(d, XK_a + (*p - 'a'));
			else if (*p >= '0' && *p <= '9')
				key(d, XK_0 + (*p - '0'));
			else if (*p == ' ')
				key(d, XK_space);
			else {
				fprintf(stderr, "xdrive: can only type a-z, 0-9, space and newline\n");
				return 1;
			}
		}
	} else if (strcmp(argv[1], "close") == 0) {
		XEvent e;
		memset(&e, 0, sizeof(e));
		e.xclient.type = ClientMessage;
		e.xclient.window = w;
		e.xclient.message_type = XInternAtom(d, "WM_PROTOCOLS", False);
		e.xclient.format = 32;
		e.xclient.data.l[0] = (long)XInternAtom(d, "WM_DELETE_WINDOW", False);
		e.xclient.data.l[1] = CurrentTime;
		XSendEvent(d, w, False, NoEventMask, &e);
		XSync(d, False);
	} else {
		fprintf(stderr, "xdrive: unknown command %s\n", argv[1]);
		return 2;
	}
	XCloseDisplay(d);
	return 0;
}
