static __declspec(noinline) int helper(int x) { return x * 3 + 1; }
__declspec(noinline) int __stdcall compute(int a, int b) { return helper(a) + b; }
int __cdecl entry(void) { return compute(1, 2); }
