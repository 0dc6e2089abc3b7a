// The one C header BertScope takes from ncursesw. SwiftPM drops pkg-config's
// -D_XOPEN_SOURCE flags, so the wide-character API is enabled here, and the
// macros Swift cannot import are wrapped as inline functions.
#ifndef BERTSCOPE_NCURSES_SHIM_H
#define BERTSCOPE_NCURSES_SHIM_H
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <wchar.h>
#include <stdio.h>
#include <langinfo.h>
#include <string.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

extern int wcwidth(wchar_t);

static inline attr_t bs_a_bold(void) { return A_BOLD; }
static inline attr_t bs_a_dim(void) { return A_DIM; }
static inline attr_t bs_a_reverse(void) { return A_REVERSE; }
static inline attr_t bs_a_underline(void) { return A_UNDERLINE; }
static inline attr_t bs_a_normal(void) { return A_NORMAL; }
static inline mmask_t bs_all_mouse_events(void) { return ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION; }
static inline mmask_t bs_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t bs_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t bs_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t bs_button5_pressed(void) { return BUTTON5_PRESSED; }
static inline WINDOW *bs_stdscr(void) { return stdscr; }
static inline int bs_colors(void) { return COLORS; }
static inline int bs_color_pairs(void) { return COLOR_PAIRS; }

// Whether the current locale's character set is UTF-8.
static inline int bs_locale_is_utf8(void) {
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

// Whether the terminal started by newterm can move the cursor (TERM=dumb cannot).
static inline int bs_can_address_cursor(void) {
    const char *cup = tigetstr("cup");
    return cup != 0 && cup != (const char *)-1;
}

// Draws one cell: a wide-character string with attributes and an extended pair.
static inline int bs_put_cell(int y, int x, const wchar_t *wch, attr_t attrs, int pair) {
    cchar_t c;
    if (setcchar(&c, wch, attrs, 0, &pair) != OK) return ERR;
    return mvadd_wch(y, x, &c);
}
#endif
