// FreeType rasterizes the text of PNG figures.
#include <ft2build.h>
#include FT_FREETYPE_H
