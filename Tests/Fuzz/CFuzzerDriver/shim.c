// SwiftPM needs one C file in a C target; the header is the point.
#include "CFuzzerDriver.h"
