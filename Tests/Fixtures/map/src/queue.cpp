namespace mta { struct Queue { int depth; int push(int v); static int count; }; int Queue::push(int v) { depth += v; return depth; } int Queue::count = 0; }
extern "C" int __fastcall fast_add(int a, int b) { return a + b; }
int overloaded(int a) { return a; } int overloaded(double a) { return (int)a; }
extern "C" int _fltused = 0;
