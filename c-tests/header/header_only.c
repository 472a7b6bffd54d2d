/* sigx.h must compile on its own, with nothing included before it. */
#include <sigx.h>
