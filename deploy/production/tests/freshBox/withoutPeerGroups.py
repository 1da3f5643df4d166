"""Runs a command (systemd-nspawn for the emulated arm64 box) with getsockopt(SO_PEERGROUPS) answering
ENOPROTOOPT, for it and everything it starts.

Why: qemu-user (7.2, Debian 12) passes every integer-like socket option to the kernel with a 4-byte
buffer. SO_PEERGROUPS of a peer in two or more groups (the postgres user: postgres, ssl-cert) then fails
with ERANGE however large the program's buffer is, and systemd's getpeergroups() retries forever: the
box's PID 1 spins at 100% CPU and never answers systemctl again. ENOPROTOOPT is what systemd expects from
a kernel without the option and carries on without the group list (sd-bus only logs it). A real Pi
runs natively and never needs this.

    python3 withoutPeerGroups.py COMMAND [ARG...]
"""

import ctypes
import os
import struct
import sys

AUDIT_ARCH_X86_64 = 0xC000003E
NR_GETSOCKOPT = 55  # x86-64: qemu-user makes host system calls, so the host's numbers apply
SOL_SOCKET = 1
SO_PEERGROUPS = 59
ENOPROTOOPT = 92
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2

# Classic BPF over struct seccomp_data { int nr; u32 arch; u64 ip; u64 args[6]; } (little endian).
LD_W_ABS = 0x20
JEQ_K = 0x15
RET_K = 0x06


def statement(code, k):
    return struct.pack("HBBI", code, 0, 0, k)


def jump_unless_equal(k, skip_to_allow):
    """Falls through when equal, else skips to the final ALLOW (counted from the next instruction)."""
    return struct.pack("HBBI", JEQ_K, 0, skip_to_allow, k)


program = b"".join(
    [
        statement(LD_W_ABS, 4),  # arch
        jump_unless_equal(AUDIT_ARCH_X86_64, 7),
        statement(LD_W_ABS, 0),  # system call number
        jump_unless_equal(NR_GETSOCKOPT, 5),
        statement(LD_W_ABS, 16 + 8 * 1),  # level (args[1], low half)
        jump_unless_equal(SOL_SOCKET, 3),
        statement(LD_W_ABS, 16 + 8 * 2),  # option name (args[2], low half)
        jump_unless_equal(SO_PEERGROUPS, 1),
        statement(RET_K, SECCOMP_RET_ERRNO | ENOPROTOOPT),
        statement(RET_K, SECCOMP_RET_ALLOW),
    ]
)

if len(sys.argv) < 2:
    sys.exit("usage: withoutPeerGroups.py COMMAND [ARG...]")
filters = ctypes.create_string_buffer(program)
fprog = struct.pack("HxxxxxxQ", len(program) // 8, ctypes.addressof(filters))
fprog_buffer = ctypes.create_string_buffer(fprog)
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog_buffer), 0, 0) != 0:
    sys.exit(f"withoutPeerGroups.py: seccomp filter refused: {os.strerror(ctypes.get_errno())}")
os.execvp(sys.argv[1], sys.argv[1:])
