// A C function called through cgo writes through a null pointer.
package main

/*
#include <stddef.h>
static void store(int *slot, int value) { *slot = value; }
static void record(int value) { store(NULL, value); }
*/
import "C"

func main() {
	C.record(42)
}
