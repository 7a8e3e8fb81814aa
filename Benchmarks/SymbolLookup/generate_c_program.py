#!/usr/bin/env python3
"""Writes a C program of many files and functions, with static inline helpers
that gcc -O2 inlines (several levels), for the symbol-lookup benchmark.

usage: generate_c_program.py OUTDIR [FILES] [FUNCTIONS_PER_FILE]"""
import os
import random
import sys

out = sys.argv[1]
files = int(sys.argv[2]) if len(sys.argv) > 2 else 60
per_file = int(sys.argv[3]) if len(sys.argv) > 3 else 80
random.seed(20261125)
os.makedirs(out, exist_ok=True)

with open(os.path.join(out, "helpers.h"), "w") as h:
    h.write("#ifndef HELPERS_H\n#define HELPERS_H\n")
    for i in range(40):
        h.write(f"static inline unsigned leaf{i}(unsigned x) {{ return (x << {i % 7 + 1}) ^ (x >> {i % 5 + 2}) ^ {random.randrange(1 << 30)}u; }}\n")
    for i in range(40):
        h.write(f"static inline unsigned mid{i}(unsigned x, unsigned y) {{\n"
                f"  unsigned a = leaf{i}(x) + leaf{(i * 7) % 40}(y);\n"
                f"  if (a & 1) a = leaf{(i + 3) % 40}(a);\n  return a * 2654435761u;\n}}\n")
    h.write("#endif\n")

declarations = []
for f in range(files):
    with open(os.path.join(out, f"unit{f}.c"), "w") as c:
        c.write('#include "helpers.h"\n\n')
        for n in range(per_file):
            name = f"f{f}_{n}"
            declarations.append(name)
            body = [f"unsigned {name}(unsigned x, unsigned y) {{", "  unsigned acc = x;"]
            for k in range(random.randrange(2, 6)):
                m = random.randrange(40)
                body.append(f"  for (unsigned i = 0; i < (y & {random.choice([3, 7, 15])}); i++) acc = mid{m}(acc, y + i);")
                body.append(f"  if (acc % {random.randrange(3, 17)} == 0) acc ^= leaf{random.randrange(40)}(acc);")
            body.append("  return acc;\n}\n")
            c.write("\n".join(body) + "\n")

with open(os.path.join(out, "main.c"), "w") as c:
    c.write("#include <stdio.h>\n")
    for name in declarations:
        c.write(f"unsigned {name}(unsigned, unsigned);\n")
    c.write("typedef unsigned (*fn)(unsigned, unsigned);\nstatic fn table[] = {\n")
    c.write(",\n".join(declarations))
    c.write("\n};\nint main(int argc, char **argv) {\n  unsigned acc = (unsigned)argc;\n"
            "  for (unsigned i = 0; i < sizeof table / sizeof table[0]; i++) acc = table[i](acc, i);\n"
            "  printf(\"%u\\n\", acc);\n  return 0;\n}\n")
