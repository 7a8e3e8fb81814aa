/* Functions whose prologs cover the shapes of ARM64 Windows unwind data: packed records
   (.pdata alone) and .xdata unwind codes; a frame record, callee-saved integer and
   floating-point registers, small, medium and large frames, a frame pointer kept for a
   variable-length array. build.sh compiles it twice: as it is, and with frame pointers kept
   (/Oy-, -DWITH_FRAME_POINTERS), where each function is named with `_fp` and every prolog
   chains x29 and lr. The README beside it says what each function shows. */
#define EXPORT __declspec(dllexport)
#define NOINLINE __declspec(noinline)

#ifdef WITH_FRAME_POINTERS
#define NAME(name) name##_fp
extern volatile int sink;
void consume(volatile void *pointer);
int opaque(int value);
#else
#define NAME(name) name
volatile int sink;

/* The stack probe a variable-length array calls; the DLL is read, never run. */
void __chkstk(void) {}

NOINLINE void consume(volatile void *pointer) { sink = *(volatile char *)pointer; }
NOINLINE int opaque(int value) { return value + sink; }
#endif

/* A frame record and a local whose address escapes. */
EXPORT NOINLINE int NAME(frame_record)(int value) {
  int local = value;
  consume(&local);
  return local + 1;
}

/* Values live across calls in x19-x24. */
EXPORT NOINLINE int NAME(callee_saved)(int a, int b, int c, int d, int e, int f) {
  int x = opaque(a);
  int y = opaque(b);
  int z = opaque(c);
  return x * a + y * b + z * c + d * e + f + opaque(x + y + z);
}

/* Doubles live across calls in d8-d11. */
EXPORT NOINLINE double NAME(float_saved)(double a, double b, double c, double d) {
  double x = a * b + (double)opaque((int)a);
  double y = c * d + (double)opaque((int)c);
  return x * y + a + b + c + d + (double)opaque((int)(x + y));
}

/* 3,000 bytes of locals: a medium allocation. */
EXPORT NOINLINE int NAME(medium_frame)(int value) {
  char buffer[3000];
  buffer[value % 3000] = (char)value;
  consume(buffer);
  return buffer[(value + 1) % 3000];
}

/* 100,000 bytes of locals: a large allocation (stack probes off in build.sh). */
EXPORT NOINLINE int NAME(large_frame)(int value) {
  char buffer[100000];
  buffer[value % 100000] = (char)value;
  consume(buffer);
  return buffer[(value + 7) % 100000];
}

/* A variable-length array: sp moves in the body, so the frame is addressed from x29. */
EXPORT NOINLINE int NAME(variable_frame)(int count) {
  char buffer[count > 0 ? count : 1];
  buffer[0] = (char)count;
  consume(buffer);
  return opaque(buffer[0]);
}

/* Callee-saved registers and a frame record with many locals and calls. */
EXPORT NOINLINE int NAME(mixed)(int a, int b) {
  int values[8];
  for (int i = 0; i < 8; i++) values[i] = opaque(a + i * b);
  consume(values);
  return values[a & 7] + opaque(values[b & 7]) + a * b;
}
