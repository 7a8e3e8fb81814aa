//===--- libm.c - The C math library, opened on first use -------------------===//
//
// Every libm function an executable linked with the Swift standard library may
// call, defined here: ceil, floor, trunc and round (double and float) computed
// exactly, the rest forwarded to libm.so.6, which is opened (dlopen, through
// CSharedLibrary) and searched (dlsym) the first time one of them is called.
// Results, errno and floating-point exceptions are then libm's own.
//
// scripts/install links libm only as needed (a linker script found before the
// standard library's -lm), and with every libm function defined here the analyse
// executables name no libm.so.6: the loader does not map it. A build that links
// the real libm as well (debug builds, tests) still calls these definitions first.
//
//===----------------------------------------------------------------------===//

#include "CLibM.h"

#include "CSharedLibrary.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

// MARK: - Rounding, computed here

// Below 2^52 (2^23 for float) a value has a fractional part and its truncation fits an integer
// exactly; at or above it (and for infinities and NaN, which fail the comparison) the value is
// its own result. The sign is copied back so that -0.5 gives -0.0, as libm does.
__attribute__((no_builtin)) double clibm_trunc(double x) {
  if (!(__builtin_fabs(x) < 0x1p52)) return x;
  return __builtin_copysign((double)(long long)x, x);
}

__attribute__((no_builtin)) double clibm_floor(double x) {
  if (!(__builtin_fabs(x) < 0x1p52)) return x;
  double whole = (double)(long long)x;
  if (whole > x) whole -= 1.0;
  return __builtin_copysign(whole, x);
}

__attribute__((no_builtin)) double clibm_ceil(double x) {
  if (!(__builtin_fabs(x) < 0x1p52)) return x;
  double whole = (double)(long long)x;
  if (whole < x) whole += 1.0;
  return __builtin_copysign(whole, x);
}

// Halves away from zero. x - whole is exact (the fractional bits of x), so 0.49999999999999994
// stays 0, which adding 0.5 and flooring would not give.
__attribute__((no_builtin)) double clibm_round(double x) {
  if (!(__builtin_fabs(x) < 0x1p52)) return x;
  double whole = (double)(long long)x;
  if (__builtin_fabs(x - whole) >= 0.5) whole += __builtin_copysign(1.0, x);
  return __builtin_copysign(whole, x);
}

__attribute__((no_builtin)) float clibm_truncf(float x) {
  if (!(__builtin_fabsf(x) < 0x1p23f)) return x;
  return __builtin_copysignf((float)(int)x, x);
}

__attribute__((no_builtin)) float clibm_floorf(float x) {
  if (!(__builtin_fabsf(x) < 0x1p23f)) return x;
  float whole = (float)(int)x;
  if (whole > x) whole -= 1.0f;
  return __builtin_copysignf(whole, x);
}

__attribute__((no_builtin)) float clibm_ceilf(float x) {
  if (!(__builtin_fabsf(x) < 0x1p23f)) return x;
  float whole = (float)(int)x;
  if (whole < x) whole += 1.0f;
  return __builtin_copysignf(whole, x);
}

__attribute__((no_builtin)) float clibm_roundf(float x) {
  if (!(__builtin_fabsf(x) < 0x1p23f)) return x;
  float whole = (float)(int)x;
  if (__builtin_fabsf(x - whole) >= 0.5f) whole += __builtin_copysignf(1.0f, x);
  return __builtin_copysignf(whole, x);
}

double trunc(double x) __attribute__((alias("clibm_trunc")));
double floor(double x) __attribute__((alias("clibm_floor")));
double ceil(double x) __attribute__((alias("clibm_ceil")));
double round(double x) __attribute__((alias("clibm_round")));
float truncf(float x) __attribute__((alias("clibm_truncf")));
float floorf(float x) __attribute__((alias("clibm_floorf")));
float ceilf(float x) __attribute__((alias("clibm_ceilf")));
float roundf(float x) __attribute__((alias("clibm_roundf")));

// MARK: - Everything else, from libm.so.6

// One type's functions: X(result, name, parameters, arguments); s is the suffix (none, f, l).
#define CLIBM_TYPED(X, T, s) \
  X(T, acos##s, (T x), (x)) X(T, asin##s, (T x), (x)) X(T, atan##s, (T x), (x)) \
  X(T, cos##s, (T x), (x)) X(T, sin##s, (T x), (x)) X(T, tan##s, (T x), (x)) \
  X(T, acosh##s, (T x), (x)) X(T, asinh##s, (T x), (x)) X(T, atanh##s, (T x), (x)) \
  X(T, cosh##s, (T x), (x)) X(T, sinh##s, (T x), (x)) X(T, tanh##s, (T x), (x)) \
  X(T, exp##s, (T x), (x)) X(T, exp2##s, (T x), (x)) X(T, exp10##s, (T x), (x)) \
  X(T, expm1##s, (T x), (x)) X(T, log##s, (T x), (x)) X(T, log10##s, (T x), (x)) \
  X(T, log1p##s, (T x), (x)) X(T, log2##s, (T x), (x)) X(T, logb##s, (T x), (x)) \
  X(T, cbrt##s, (T x), (x)) X(T, sqrt##s, (T x), (x)) X(T, fabs##s, (T x), (x)) \
  X(T, erf##s, (T x), (x)) X(T, erfc##s, (T x), (x)) X(T, lgamma##s, (T x), (x)) \
  X(T, tgamma##s, (T x), (x)) X(T, nearbyint##s, (T x), (x)) X(T, rint##s, (T x), (x)) \
  X(T, j0##s, (T x), (x)) X(T, j1##s, (T x), (x)) X(T, y0##s, (T x), (x)) X(T, y1##s, (T x), (x)) \
  X(T, atan2##s, (T y, T x), (y, x)) X(T, fmod##s, (T x, T y), (x, y)) \
  X(T, remainder##s, (T x, T y), (x, y)) X(T, pow##s, (T x, T y), (x, y)) \
  X(T, hypot##s, (T x, T y), (x, y)) X(T, fdim##s, (T x, T y), (x, y)) \
  X(T, fmax##s, (T x, T y), (x, y)) X(T, fmin##s, (T x, T y), (x, y)) \
  X(T, nextafter##s, (T x, T y), (x, y)) X(T, copysign##s, (T x, T y), (x, y)) \
  X(T, fma##s, (T x, T y, T z), (x, y, z)) X(T, remquo##s, (T x, T y, int *quotient), (x, y, quotient)) \
  X(T, frexp##s, (T x, int *exponent), (x, exponent)) X(T, ldexp##s, (T x, int exponent), (x, exponent)) \
  X(T, scalbn##s, (T x, int exponent), (x, exponent)) X(T, scalbln##s, (T x, long exponent), (x, exponent)) \
  X(T, modf##s, (T x, T *whole), (x, whole)) X(T, lgamma##s##_r, (T x, int *sign), (x, sign)) \
  X(T, jn##s, (int order, T x), (order, x)) X(T, yn##s, (int order, T x), (order, x)) \
  X(T, nexttoward##s, (T x, long double y), (x, y)) X(T, nan##s, (const char *payload), (payload)) \
  X(int, ilogb##s, (T x), (x)) X(long, lrint##s, (T x), (x)) X(long, lround##s, (T x), (x)) \
  X(long long, llrint##s, (T x), (x)) X(long long, llround##s, (T x), (x))

#define CLIBM_FORWARDED(X) \
  CLIBM_TYPED(X, double, ) CLIBM_TYPED(X, float, f) CLIBM_TYPED(X, long double, l) \
  X(long double, ceill, (long double x), (x)) X(long double, floorl, (long double x), (x)) \
  X(long double, truncl, (long double x), (x)) X(long double, roundl, (long double x), (x))

// sincos returns nothing, so it is written out.
#define CLIBM_SINCOS(X) X(double, sincos, ) X(float, sincos, f) X(long double, sincos, l)

enum {
#define X(result, name, parameters, arguments) clibm_index_##name,
  CLIBM_FORWARDED(X)
#undef X
#define X(T, name, s) clibm_index_##name##s,
  CLIBM_SINCOS(X)
#undef X
  clibm_function_count
};

static const char *const names[clibm_function_count] = {
#define X(result, name, parameters, arguments) #name,
  CLIBM_FORWARDED(X)
#undef X
#define X(T, name, s) #name #s,
  CLIBM_SINCOS(X)
#undef X
};

static _Atomic(void *) functions[clibm_function_count];
static _Atomic int resolved_count;
static struct csharedlibrary library = {"libm.so.6", "libc6", NULL, NULL, NULL, 0, "libm.so.6 was never opened", {0}};
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void open_library(void) { csharedlibrary_open(&library); }

// libm's function number `index`, looked up at its first call. A libm that cannot be opened or
// lacks the function ends the process with the loader's message: a math function has no way
// to report it, and glibc installs libm.so.6 with libc.so.6.
static void *function(int index) {
  void *address = atomic_load_explicit(&functions[index], memory_order_acquire);
  if (address != NULL) return address;
  pthread_once(&once, open_library);
  if (library.failure != NULL) {
    fprintf(stderr, "fatal: %s\n", library.failure);
    abort();
  }
  address = csharedlibrary_function(&library, names[index]);
  if (address == NULL) {
    fprintf(stderr, "fatal: libm.so.6 has no %s\n", names[index]);
    abort();
  }
  void *expected = NULL;
  if (atomic_compare_exchange_strong_explicit(&functions[index], &expected, address, memory_order_acq_rel,
                                              memory_order_acquire))
    atomic_fetch_add_explicit(&resolved_count, 1, memory_order_relaxed);
  return address;
}

#define X(result, name, parameters, arguments) \
  result name parameters { return ((result(*) parameters)function(clibm_index_##name)) arguments; }
CLIBM_FORWARDED(X)
#undef X

#define X(T, name, s) \
  void name##s(T x, T *sine, T *cosine) { ((void (*)(T, T *, T *))function(clibm_index_##name##s))(x, sine, cosine); }
CLIBM_SINCOS(X)
#undef X

void *clibm_libm_function(const char *name) {
  pthread_once(&once, open_library);
  return library.failure == NULL ? csharedlibrary_function(&library, name) : NULL;
}

int clibm_resolved_count(void) { return atomic_load_explicit(&resolved_count, memory_order_relaxed); }
