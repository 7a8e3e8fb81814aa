#!/usr/bin/env bash
# Regenerates the compressed fixtures from files already in the tree, with the real tools
# (Debian bookworm: zstd 1.5.4, xz-utils 5.4.1, lz4 1.9.4, gzip 1.12). Each is compressed
# from standard input, as systemd-coredump streams a core (no content size in the header).
#   zstd: level 3 with a checksum, as systemd's compress_stream_zstd sets it;
#   xz:   the default preset, CRC64; lz4: one LZ4 frame; gzip: one member per input.
set -euo pipefail
cd "$(dirname "$0")"
core=../core/ledger_crash-x86_64.core
log=../../../Examples/Q276222/drwtsn32.log
name=core.ledger_crash-x86_64.1000.5d3b0e6c1f2a4b7e9c8d7f6e5a4b3c2d.12236.1765090800000000
zstd -q -3 --check -c < "$core" > "$name.zst"
xz -q -c < "$core" > "$name.xz"
lz4 -q -c < "$core" > "$name.lz4"
gzip -n -c < "$core" > ledger_crash-x86_64.core.gz
# The Dr. Watson log in two halves, each its own frame or member, one after the other
# (`cat a.zst b.zst`): the tools read them as one file.
lines=$(wc -l < "$log")
head -n $((lines / 2)) "$log" > /tmp/first-half.$$
tail -n +$((lines / 2 + 1)) "$log" > /tmp/second-half.$$
{ zstd -q -c < /tmp/first-half.$$; zstd -q -c < /tmp/second-half.$$; } > drwtsn32.log.zst
{ gzip -n -c < /tmp/first-half.$$; gzip -n -c < /tmp/second-half.$$; } > drwtsn32.log.gz
rm -f /tmp/first-half.$$ /tmp/second-half.$$
# A frame whose window (8 MiB, level 19 from a stream) is over a 1 MiB decoder limit.
head -c 4096 "$log" | zstd -q -19 -c > window-8mib.zst
