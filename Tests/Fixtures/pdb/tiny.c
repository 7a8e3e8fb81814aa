struct point { int x, y; };
static int helper(struct point *p, int scale) { return p->x * scale + p->y; }
__declspec(dllexport) int __stdcall area(struct point *p, int w, int h) { return helper(p, w) * h; }
__declspec(dllexport) int __cdecl sum(const int *values, unsigned count) {
  int total = 0;
  for (unsigned i = 0; i < count; i++) total += values[i];
  return total;
}
