// libpng's simplified API (png_image): no setjmp, which Swift cannot call.
#include <png.h>
// Composite macros Swift does not import.
static const unsigned int bs_png_format_rgba = PNG_FORMAT_RGBA;
